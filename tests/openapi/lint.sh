#!/usr/bin/env bash
# The OpenAPI document linted by Redocly CLI (rules: redocly.yaml at the
# root), offline.  TAP: one line.
set -uo pipefail
ROOT=${PMS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$ROOT" || exit 1
echo "1..1"
# Warnings fail too: redocly exits 0 on them.
if out=$(tests/openapi/node_modules/.bin/redocly lint docs/openapi.yaml 2>&1) &&
	! grep -q -E 'You have [0-9]+ warning' <<<"$out"; then
	echo "ok - docs/openapi.yaml lints clean (no error, no warning)"
else
	echo "not ok - docs/openapi.yaml does not lint clean"
	sed 's/^/#   /' <<<"$out" | head -n 60
	exit 1
fi
