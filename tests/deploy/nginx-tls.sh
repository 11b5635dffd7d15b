#!/usr/bin/env bash
# tests/deploy/nginx-tls.sh: nginx.conf.example, the production front,
# serving the test stack's pools over TLS.
#
# The example is rendered with mechanical substitutions only (ports,
# certificate, socket, pid, log and temp paths), each counted: an edit of
# the example that a substitution no longer matches stops this test.  Then
# nginx runs it on 127.0.0.1:$HTTPS_PORT (TLS, a throw-away self-signed
# certificate) and :$REDIRECT_PORT (plain HTTP, the 301 to HTTPS), and the
# smoke set (tests/deploy/lib/smoke.sh) goes through it; then the same
# example with no pool behind it answers 503 in our envelopes.
#
# Environment: PMS_ROOT, PMS_TEST_VAR (scripts/test.sh exports them);
# DEPLOY_HTTPS_PORT / DEPLOY_REDIRECT_PORT (28083 / 28084).
set -euo pipefail

# shellcheck source=lib/smoke.sh
. "$PMS_ROOT/tests/deploy/lib/smoke.sh"

HTTPS_PORT=${DEPLOY_HTTPS_PORT:-28083}
REDIRECT_PORT=${DEPLOY_REDIRECT_PORT:-28084}
DIR=$PMS_TEST_VAR/deploy-nginx-tls
CONF=$DIR/nginx.conf
BASE=https://127.0.0.1:$HTTPS_PORT
NGINX_STARTED=0

# nginx quits (finishing requests, flushing the buffered access log);
# killed when it lingers.  Runs on every exit, also when a signal cut an
# earlier call short: NGINX_STARTED is cleared only once nginx is gone.
stop_nginx() {
	[ "$NGINX_STARTED" = 1 ] && [ -s "$DIR/nginx.pid" ] || return 0
	stop_nginx_pid "$(cat "$DIR/nginx.pid")"
	NGINX_STARTED=0
}

stop_nginx_pid() {
	local pid=$1 _
	kill -QUIT "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "# nginx $pid still running after 5 s: killed"
	kill -KILL "$pid" 2>/dev/null || true
}

# A throw-away certificate for the names the checks use (valid one day).
make_certificate() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 1 -subj /CN=pms.example.com \
		-addext 'subjectAltName=DNS:pms.example.com,IP:127.0.0.1' \
		-keyout "$DIR/tls/privkey.pem" -out "$DIR/tls/fullchain.pem" \
		>"$DIR/tls/openssl.out" 2>&1 ||
		bail "openssl could not make a certificate: $(cat "$DIR/tls/openssl.out")"
}

# nginx.conf.example -> $CONF, its pools' sockets in directory $1.  Root
# keeps a user directive (root: the test pools' sockets are 0660 root);
# anyone else may have none.
render_config() {
	local sockets=$1 user_line='# user: none when not started as root'
	[ "$(id -u)" = 0 ] && user_line='user root;'
	cp "$PMS_ROOT/nginx.conf.example" "$CONF"
	render_subst "$CONF" 1 'user www-data;' "$user_line"
	render_subst "$CONF" 1 'pid /run/nginx.pid;' "pid $DIR/nginx.pid;"
	render_subst "$CONF" 1 '/var/log/nginx/error.log' "$DIR/error.log"
	render_subst "$CONF" 1 '/var/log/nginx/pms-access.log' "$DIR/access.log"
	render_subst "$CONF" 2 '/var/lib/nginx/' "$DIR/tmp/"
	render_subst "$CONF" 4 'unix:/run/pms/' "unix:$sockets/"
	render_subst "$CONF" 1 'listen 80;' "listen 127.0.0.1:$REDIRECT_PORT;"
	render_subst "$CONF" 1 'listen 443 ssl' "listen 127.0.0.1:$HTTPS_PORT ssl"
	# Loopback only: no IPv6 wildcard listeners.
	render_subst "$CONF" 2 'listen [::]:' '# test: no IPv6, was listen [::]:'
	render_subst "$CONF" 1 '/etc/ssl/pms/fullchain.pem' "$DIR/tls/fullchain.pem"
	render_subst "$CONF" 1 '/etc/ssl/pms/privkey.pem' "$DIR/tls/privkey.pem"
	render_absent "$CONF" '^[^#]*/run/pms' '^[^#]*/var/(log|lib)/' '^[^#]*/etc/ssl' \
		'^[^#]*/run/nginx' '^[[:space:]]*listen[[:space:]]+(\[::\]:)?[0-9]+[ ;]'
}

# start_nginx NAME: the check NAME passes when nginx runs $CONF.
start_nginx() {
	local name=$1 out
	if ! out=$(nginx -t -q -e "$DIR/error.log" -p "$DIR" -c "$CONF" 2>&1); then
		tap_result "$name" 1 "$out"
		bail "nginx -t refused the rendered example"
	fi
	NGINX_STARTED=1
	if ! out=$(nginx -e "$DIR/error.log" -p "$DIR" -c "$CONF" 2>&1) ||
		! wait_for_url "http://127.0.0.1:$REDIRECT_PORT/"; then
		tap_result "$name" 1 "$out" "$(tail -n 5 "$DIR/error.log" 2>/dev/null)"
		bail "nginx did not start"
	fi
	tap_result "$name" 0
}

# GET of a demo unit over HTTPS: HSTS on the answer; its trace id is
# the one nginx logs (checked once nginx has flushed its log).
check_hsts_and_trace() {
	local rc=0
	http_call GET "$BASE/v1/units/bbbbbbbb-0000-4000-8000-000000000001" \
		-H "X-API-Key: $SMOKE_KEY"
	TRACE_ID=$(resp_header X-Trace-Id)
	[ "$RESP_STATUS" = 200 ] && [[ "$(resp_header Strict-Transport-Security)" == max-age=* ]] ||
		rc=1
	tap_result "HTTPS answer: 200 with Strict-Transport-Security" "$rc" \
		"got $RESP_STATUS, headers: $RESP_HEADERS"
}

check_trace_logged() {
	local rc=0
	[[ "$TRACE_ID" =~ ^[0-9a-f]{32}$ ]] && grep -q "trace=$TRACE_ID " "$DIR/access.log" || rc=1
	tap_result "nginx's \$request_id is the binary's X-Trace-Id and is logged" "$rc" \
		"X-Trace-Id '$TRACE_ID'; access log tail: $(tail -n 3 "$DIR/access.log" 2>/dev/null)"
}

# Plain HTTP: 301 to the same URI on https://, host kept.
check_redirect() {
	local rc=0
	http_call GET "http://127.0.0.1:$REDIRECT_PORT/v1/units?establishmentId=x" \
		-H 'Host: pms.example.com'
	[ "$RESP_STATUS" = 301 ] &&
		[ "$(resp_header Location)" = "https://pms.example.com/v1/units?establishmentId=x" ] ||
		rc=1
	tap_result "plain HTTP: 301 to https:// with the request URI" "$rc" \
		"got $RESP_STATUS, Location: '$(resp_header Location)'"
}

# Above client_max_body_size (2 MiB): nginx's own 413, in our envelope,
# over HTTP/2 and HTTP/1.1 (nginx refuses the body differently).
check_body_limit() {
	local http
	head -c 3145728 /dev/zero | tr '\0' 'a' >"$DIR/big.body"
	for http in 2 1.1; do
		check_body_limit_over "$http"
	done
}

check_body_limit_over() {
	http_call POST "$BASE/v1/units/bbbbbbbb-0000-4000-8000-000000000001/out-of-service" \
		-H "X-API-Key: $SMOKE_KEY" -H 'Content-Type: application/json' \
		--http"$1" --data-binary "@$DIR/big.body"
	expect_response "3 MiB body over HTTP/$1: nginx's 413 in the PMS envelope" 413 '"code":"PAYLOAD_TOO_LARGE"'
}

# The example's rate limit, made small (1 a second, a burst of 5): 12
# requests in a row from one address, the first 6 pass and the last is
# nginx's 429 in the PMS envelope.  (At the example's own 100/s and 200,
# the smoke set above ran through it untouched.)
check_rate_limit() {
	local i passed=0
	render_config "$PMS_TEST_VAR/run"
	render_subst "$CONF" 1 'rate=100r/s;' 'rate=1r/s;'
	render_subst "$CONF" 1 'burst=200 nodelay;' 'burst=5 nodelay;'
	start_nginx "nginx starts with a rate limit of 1/s, burst 5"
	for i in $(seq 12); do
		http_call GET "$BASE/v1/units/bbbbbbbb-0000-4000-8000-000000000001" \
			-H "X-API-Key: $SMOKE_KEY"
		[ "$RESP_STATUS" != 200 ] || passed=$((passed + 1))
	done
	expect_response "over the rate limit: 429 in the PMS envelope ($passed of 12 passed)" \
		429 '"code":"TOO_MANY_REQUESTS"'
	stop_nginx
}

# The same example with its pools' sockets absent (every pool down):
# nginx's 502 is our 503, in each family's envelope.
check_pools_down() {
	render_config "$DIR/no-pools"
	start_nginx "nginx starts with every pool down"
	http_call GET "$BASE/v1/units/bbbbbbbb-0000-4000-8000-000000000001" \
		-H "X-API-Key: $SMOKE_KEY"
	expect_response "pool down, PMS path: 503 in the PMS envelope" 503 \
		'"code":"SERVICE_UNAVAILABLE"'
	AMAGE_URL=$BASE amage_call GET /rest/amage/v1/work-orders/count
	expect_response "pool down, AMAGE path: 503 in the AMAGE envelope" 503 \
		'"errorCode":503'
	stop_nginx
}

main() {
	rm -rf "$DIR"
	mkdir -p "$DIR/tls" "$DIR/tmp" "$DIR/responses"
	SMOKE_TMP=$DIR/responses
	trap stop_nginx EXIT
	trap 'exit 130' INT TERM
	tap_plan $((SMOKE_CHECKS + 11))
	make_certificate
	render_config "$PMS_TEST_VAR/run"
	start_nginx "nginx accepts the rendered nginx.conf.example and starts"
	export CURL_CA_BUNDLE=$DIR/tls/fullchain.pem
	smoke_run "$BASE"
	check_hsts_and_trace
	check_redirect
	check_body_limit
	stop_nginx
	check_trace_logged
	check_rate_limit
	check_pools_down
	tap_done
}

main "$@"
