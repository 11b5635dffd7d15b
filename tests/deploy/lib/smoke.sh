# shellcheck shell=bash
# tests/deploy/lib/smoke.sh: what the tests/deploy/*.sh scripts share,
# sourced by them (this directory is not globbed by scripts/test.sh).
#
#   - TAP output: tap_plan, tap_result, and the counters tap_done reads;
#   - render_subst: the strict, counted text substitution that turns a
#     shipped example (nginx.conf.example, scripts/apache/*) into a test
#     configuration, failing loudly when the example no longer matches;
#   - http_call / amage_call and expect_response: one request, its status,
#     headers and body;
#   - smoke_run BASE_URL: the smoke set every deployment mode must pass
#     (SMOKE_CHECKS checks).  TLS: export CURL_CA_BUNDLE (curl and
#     scripts/amage-curl both honour it).
#
# Needs: PMS_ROOT, and SMOKE_TMP: a directory for the answers.  DEMO ONLY keys below (scripts/demo-seed.sql).

# shellcheck disable=SC2034 # used by the scripts that source this file
SMOKE_KEY=demo-manager-paris-0123456789abcdef0123456789abcdef	# demo only
# shellcheck disable=SC2034
SMOKE_CHECKS=9
TAP_FAILED=0
# shellcheck disable=SC2034 # as scripts/test.sh's
SANITIZER_RE='AddressSanitizer|LeakSanitizer|runtime error:|ERROR: [A-Za-z]+Sanitizer'

tap_plan() { echo "1..$1"; }

# tap_result NAME STATUS [DIAGNOSTIC...]: "ok" when STATUS is 0.
tap_result() {
	local name=$1 status=$2
	shift 2
	if [ "$status" -eq 0 ]; then
		echo "ok - $name"
		return 0
	fi
	echo "not ok - $name"
	TAP_FAILED=$((TAP_FAILED + 1))
	local line
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/# /'
	done
	return 0
}

tap_done() { [ "$TAP_FAILED" -eq 0 ]; }

# A fatal setup error: said as a diagnostic, then the script stops (its
# EXIT trap cleans up; scripts/test.sh counts the checks that never ran).
bail() {
	echo "# $*"
	echo "Bail out! $*"
	exit 1
}

# render_subst FILE COUNT OLD NEW: replaces the literal OLD by NEW in FILE,
# and fails unless OLD occurs exactly COUNT times.  An example edited so
# that a substitution no longer matches stops the test, instead of
# silently testing the production paths or ports.
render_subst() {
	local file=$1 count=$2 old=$3 new=$4 found
	found=$(OLD=$old perl -0777 -ne 'print scalar(() = /\Q$ENV{OLD}\E/g)' "$file")
	if [ "$found" != "$count" ]; then
		bail "render of $(basename "$file"): '$old' found $found times, expected $count: update the test with the example"
	fi
	OLD=$old NEW=$new perl -0777 -pi -e 's/\Q$ENV{OLD}\E/$ENV{NEW}/g' "$file"
}

# render_absent FILE PATTERN...: none of the (extended regex) patterns is
# left in the rendered FILE (a production path or port would be used).
render_absent() {
	local file=$1 pattern
	shift
	for pattern in "$@"; do
		if grep -n -E -- "$pattern" "$file" >&2; then
			bail "render of $(basename "$file") still holds '$pattern'"
		fi
	done
}

# Splits a "curl -i" answer (file $1) into RESP_STATUS, RESP_HEADERS and
# RESP_BODY, skipping "100 Continue" blocks.  Status 0: no answer at all.
parse_response() {
	local file=$1
	perl -0777 -ne '
		1 while s/\AHTTP\/\S+ 1\d\d[^\n]*\n(?:[^\n]*\S[^\n]*\n)*\r?\n//;
		my ($h, $b) = split /\r?\n\r?\n/, $_, 2;
		open(my $fh, ">", "$ARGV.h") or die; print $fh ($h // "");
		open(my $fb, ">", "$ARGV.b") or die; print $fb ($b // "");
	' "$file"
	RESP_HEADERS=$(tr -d '\r' <"$file.h")
	RESP_BODY=$(cat "$file.b")
	RESP_STATUS=$(printf '%s\n' "$RESP_HEADERS" | awk 'NR == 1 && /^HTTP\// { print $2; exit }')
	RESP_STATUS=${RESP_STATUS:-0}
}

# The value of response header $1 (case-insensitive), empty when absent.
resp_header() {
	printf '%s\n' "$RESP_HEADERS" | awk -v n="$1" -F': ' \
		'tolower($1) == tolower(n) { sub(/^[^:]*: /, ""); print; exit }'
}

# http_call METHOD URL [CURL_ARGS...]: one request through curl.
http_call() {
	local method=$1 url=$2 out
	shift 2
	out=$(mktemp "${SMOKE_TMP:?}/resp.XXXXXX")
	curl -s -i --globoff --path-as-is --max-time 20 -X "$method" "$@" "$url" \
		>"$out" 2>&1 || true
	parse_response "$out"
}

# amage_call METHOD PATH [BODY]: signed by scripts/amage-curl (AMAGE_URL
# and AMAGE_SECRET from the caller's environment).
amage_call() {
	local out
	out=$(mktemp "${SMOKE_TMP:?}/resp.XXXXXX")
	"$PMS_ROOT/scripts/amage-curl" -i "$@" >"$out" 2>&1 || true
	parse_response "$out"
}

# expect_response NAME STATUS FRAGMENT: the last answer has STATUS and its
# body holds FRAGMENT (a literal, e.g. '"code":"UNAUTHENTICATED"').
expect_response() {
	local name=$1 status=$2 fragment=$3 rc=0
	[ "$RESP_STATUS" = "$status" ] || rc=1
	[[ "$RESP_BODY" == *"$fragment"* ]] || rc=1
	tap_result "$name" "$rc" "expected $status with $fragment" \
		"got $RESP_STATUS: $(printf '%s' "$RESP_BODY" | head -c 400)"
}

# The out-of-service block body: one night far enough ahead never to
# meet a test's own blocks, inside the 365-night horizon.
smoke_block_body() {
	printf '{"kind":"oos","oooFrom":"%s","oooUntil":"%s"}' \
		"$(date -u +%F -d '+200 days')" "$(date -u +%F -d '+201 days')"
}

# PMS checks (6): read, no key, bad body, a write replayed by its
# Idempotency-Key (the header reached the binary), its DELETE.
smoke_pms() {
	local base=$1 unit=$2 key_hdr="X-API-Key: $SMOKE_KEY" idem ref rc
	local json=(-H 'Content-Type: application/json')

	http_call GET "$base/v1/units/$unit" -H "$key_hdr"
	expect_response "PMS GET unit with the manager key: 200" 200 "\"id\":\"$unit\""

	http_call GET "$base/v1/units/$unit"
	expect_response "PMS GET without key: 401 envelope" 401 '"code":"UNAUTHENTICATED"'

	http_call POST "$base/v1/units/$unit/out-of-service" -H "$key_hdr" "${json[@]}" \
		--data-binary '{"kind":'
	expect_response "PMS POST malformed body: 400 envelope" 400 '"code":"MALFORMED_JSON"'

	idem="deploy-smoke-$$-$(date +%s%N)"
	http_call POST "$base/v1/units/$unit/out-of-service" -H "$key_hdr" "${json[@]}" \
		-H "Idempotency-Key: $idem" --data-binary "$(smoke_block_body)"
	expect_response "PMS POST out-of-service block: 201" 201 '"nightsBlocked":1'
	ref=$(printf '%s' "$RESP_BODY" | sed -n 's/.*"refId":"\([0-9a-f-]*\)".*/\1/p')

	http_call POST "$base/v1/units/$unit/out-of-service" -H "$key_hdr" "${json[@]}" \
		-H "Idempotency-Key: $idem" --data-binary "$(smoke_block_body)"
	rc=0
	[ "$(resp_header Idempotent-Replayed)" = true ] || rc=1
	[ -n "$ref" ] && [[ "$RESP_BODY" == *"\"refId\":\"$ref\""* ]] || rc=1
	tap_result "PMS POST repeated with its Idempotency-Key: replayed" "$rc" \
		"got $RESP_STATUS, Idempotent-Replayed: '$(resp_header Idempotent-Replayed)': $RESP_BODY"

	http_call DELETE "$base/v1/units/$unit/out-of-service/${ref:-none}" -H "$key_hdr"
	expect_response "PMS DELETE the block: 200" 200 '"nightsReleased":1'
}

# AMAGE checks (3): signed count and add, and a bad signature.
smoke_amage() {
	local base=$1 name rc=0
	name="deploy smoke $$ $(date +%s%N)"	# a unique body: no signature replay

	AMAGE_URL=$base amage_call GET /rest/amage/v1/work-orders/count
	[ "$RESP_STATUS" = 200 ] && [[ "$RESP_BODY" =~ ^[0-9]+$ ]] || rc=1
	tap_result "AMAGE signed GET count: 200, a bare number" "$rc" \
		"got $RESP_STATUS: $RESP_BODY"

	AMAGE_URL=$base amage_call POST /rest/amage/v1/work-orders/add "{\"name\":\"$name\"}"
	expect_response "AMAGE signed POST add: 200, success" 200 '"success":true'

	AMAGE_URL=$base AMAGE_SECRET=not-the-secret amage_call GET /rest/amage/v1/work-orders/count
	expect_response "AMAGE bad signature: 400, errorCode 401" 400 '"errorCode":401'
}

# smoke_run BASE_URL [UNIT]: the SMOKE_CHECKS checks, in TAP.
smoke_run() {
	local base=$1 unit=${2:-bbbbbbbb-0000-4000-8000-000000000010}
	smoke_pms "$base" "$unit"
	smoke_amage "$base"
}

# wait_for_url URL: a server just started answers within 5 s (any status).
wait_for_url() {
	local _
	for _ in $(seq 50); do
		curl -s -o /dev/null --max-time 1 "$1" && return 0
		sleep 0.1
	done
	return 1
}
