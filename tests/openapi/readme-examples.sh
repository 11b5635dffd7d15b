#!/usr/bin/env bash
# The README's curl block (after the "readme-examples" marker) run as
# printed against the test stack: only the base URL changes.  Every curl in
# it must get a 2xx answer, so the examples cannot rot.  TAP.
set -uo pipefail
ROOT=${PMS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$ROOT" || exit 1
URL=${PMS_TEST_URL:-http://127.0.0.1:8080}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "1..2"
awk '/<!-- readme-examples/ { on = 1; next }
     on && /^```sh$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' README.md >"$WORK/block.sh"
calls=$(grep -o 'curl -s' "$WORK/block.sh" | wc -l)
if [ "$calls" -ge 15 ] && grep -q '^B=http://127.0.0.1:8080$' "$WORK/block.sh"; then
	echo "ok - README has the examples block ($calls curl calls)"
else
	echo "not ok - README's examples block is missing or changed shape ($calls curl calls)"
	exit 1
fi
# The block as printed, with the test stack's address and every curl's
# status written aside (curl's -w to stderr).
{
	echo 'curl() { command curl -w "%{stderr}%{http_code} %{method} %{url_effective}\n" "$@"; }'
	sed "s|^B=http://127.0.0.1:8080\$|B=$URL|" "$WORK/block.sh"
} >"$WORK/run.sh"
bash "$WORK/run.sh" >"$WORK/out" 2>"$WORK/status"
ran=$(grep -c -E '^[0-9]{3} ' "$WORK/status")
bad=$(grep -E '^[0-9]{3} ' "$WORK/status" | grep -v -E '^2[0-9]{2} ')
if [ "$ran" -eq "$calls" ] && [ -z "$bad" ]; then
	echo "ok - all $ran README curl calls answered 2xx"
else
	echo "not ok - $ran of $calls README curl calls ran; not 2xx:"
	sed 's/^/#   /' <<<"$bad"
	grep -v -E '^[0-9]{3} ' "$WORK/status" | head -n 5 | sed 's/^/#   /'
	exit 1
fi
