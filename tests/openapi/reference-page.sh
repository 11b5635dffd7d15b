#!/usr/bin/env bash
# The reference page the stack serves at /docs/, opened in headless
# Chromium: every operation of docs/openapi.yaml drawn under its title.
set -uo pipefail
ROOT=${PMS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$ROOT" || exit 1
exec node tests/openapi/check-reference.mjs docs/openapi.yaml \
	"${PMS_TEST_URL:-http://127.0.0.1:8080}/docs/"
