#!/usr/bin/env bash
# Every response the integration suite recorded ($PMS_TEST_RECORD, written
# by tests/integration/response_log.c) checked against docs/openapi.yaml.
# TAP: one line; make test runs it after the integration tests.
set -uo pipefail
ROOT=${PMS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$ROOT" || exit 1
if [ ! -s "${PMS_TEST_RECORD:-}" ]; then
	echo "1..1"
	echo "not ok - no recorded responses (PMS_TEST_RECORD=${PMS_TEST_RECORD:-unset})"
	exit 1
fi
exec node tests/openapi/check-responses.mjs docs/openapi.yaml "$PMS_TEST_RECORD"
