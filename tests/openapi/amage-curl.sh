#!/usr/bin/env bash
# scripts/amage-curl, as an admin uses it, on every AMAGE endpoint of the
# test stack: bodies given inline, from a file (@FILE) and on stdin (-),
# and -i for the headers.  Each answer must be the AMAGE result with
# "success":true.  TAP.
set -uo pipefail
ROOT=${PMS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$ROOT" || exit 1
export AMAGE_URL=${PMS_TEST_URL:-http://127.0.0.1:8080}
W=/rest/amage/v1/work-orders
ET=ffffffff-0000-4000-8000-000000000011		# demo element type
ASSET=ffffffff-0000-4000-8000-000000000021	# demo asset
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
N=0
FAILED=0

# expect NAME PATTERN OUTPUT: one TAP line; OUTPUT must match PATTERN
# (grep -E).  Writes answer the AMAGE result, reads the data itself.
expect() {
	N=$((N + 1))
	if grep -q -E "$2" <<<"$3"; then
		echo "ok $N - $1"
	else
		echo "not ok $N - $1"
		echo "#   got: ${3:0:300}"
		FAILED=$((FAILED + 1))
	fi
}
expect_ok() { expect "$1" '"success":true' "$2"; }
uuid_of() { sed -n 's/.*"uuid":"\([^"]*\)".*/\1/p' <<<"$1" | head -n 1; }
amage() { scripts/amage-curl "$@" 2>&1; }

echo "1..18"
out=$(amage POST $W/add '{"name":"amage-curl check","description":"inline body"}')
expect_ok "add, body inline" "$out"
wo=$(uuid_of "$out")
printf '{"name":"amage-curl check, from a file"}' >"$WORK/add.json"
expect_ok "add, body from a file" "$(amage POST $W/add "@$WORK/add.json")"
expect_ok "add, body on stdin" "$(printf '{"name":"from stdin"}' | amage POST $W/add -)"
expect "count" '^[0-9]+$' "$(amage GET $W/count)"
expect "list" '^\[\{"id":[0-9]+,"uuid":' "$(amage GET "$W/list?page=1")"
out=$(amage -i GET "$W/get/by-uuid/$wo")
expect "get/by-uuid with -i: the headers" '^HTTP/1.1 200' "$out"
expect "get/by-uuid with -i: the work order" "\"uuid\":\"$wo\"" "$out"
expect_ok "edit" "$(amage POST "$W/edit/$wo" '{"description":"edited by amage-curl"}')"
out=$(amage POST "$W/add-history/$wo" '{"tstamp":"2021-01-01T10:00:00","message":"checked"}')
expect_ok "add-history" "$out"
h=$(uuid_of "$out")
expect_ok "edit-history" "$(amage POST "$W/edit-history/$h" '{"message":"checked twice"}')"
expect_ok "delete-history" "$(amage DELETE "$W/delete-history/$h")"
out=$(amage POST "$W/add-workorder-elementtype-plan/$wo" "{\"elementTypeUuid\":\"$ET\",\"itemCount\":2,\"category\":\"c\",\"code\":\"C-2\"}")
expect_ok "add-workorder-elementtype-plan" "$out"
p=$(uuid_of "$out")
expect_ok "edit-workorder-elementtype-plan" "$(amage POST "$W/edit-workorder-elementtype-plan/$p" '{"itemCount":3}')"
expect_ok "delete-workorder-elementtype-plan" "$(amage DELETE "$W/delete-workorder-elementtype-plan/$p")"
out=$(amage POST "$W/asset-plan/$wo/join-asset-to-plan-by-uuid/$ASSET")
expect_ok "asset-plan join-asset-to-plan-by-uuid" "$out"
e=$(uuid_of "$out")
expect_ok "asset-plan remove-asset-from-plan-by-uuid" "$(amage POST "$W/asset-plan/$wo/remove-asset-from-plan-by-uuid/$ASSET")"
# The same request again within the same second would carry the same
# signature, which the replay store refuses (SPEC 3.1).
sleep 1
out=$(amage POST "$W/asset-plan/$wo/join-asset-to-plan-by-uuid/$ASSET")
e=$(uuid_of "$out")
expect_ok "asset-plan join again" "$out"
expect_ok "asset-plan remove-asset-plan-by-uuid" "$(amage POST "$W/asset-plan/$wo/remove-asset-plan-by-uuid/$e")"
[ "$FAILED" -eq 0 ]
