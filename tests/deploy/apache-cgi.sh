#!/usr/bin/env bash
# tests/deploy/apache-cgi.sh: the binaries as plain CGI behind Apache, as
# on shared hosting, with scripts/apache/htaccess.example and
# pms-vhost.conf.example.
#
# Debian's apache2 binary runs a self-contained httpd.conf written here
# (never /etc/apache2, no system service) on 127.0.0.1:$PORT; it includes
# the vhost example and serves a document root holding the .htaccess
# example and copies of the ASan binaries.  Both examples are rendered
# with counted substitutions only (paths, the listen address).  The smoke
# set (tests/deploy/lib/smoke.sh) goes through it; sanitizer reports of
# the CGI processes go to files under $DIR/sanitizer, which must stay empty.
#
# Environment: PMS_ROOT, PMS_TEST_VAR (scripts/test.sh exports them);
# DEPLOY_APACHE_PORT (28085), DEPLOY_CGI_DIR (build/asan/cgi-bin).
set -euo pipefail

# shellcheck source=lib/smoke.sh
. "$PMS_ROOT/tests/deploy/lib/smoke.sh"

PORT=${DEPLOY_APACHE_PORT:-28085}
CGI_DIR=${DEPLOY_CGI_DIR:-$PMS_ROOT/build/asan/cgi-bin}
APACHE=/usr/sbin/apache2
MODULES=/usr/lib/apache2/modules
# Apache's files, binaries and settings live under /tmp: run as root, its
# CGI processes are www-data's, who cannot enter a checkout under /root
# (mode 0700 on Debian).  Kept in $PMS_TEST_VAR/deploy-apache-cgi at exit.
DIR=$(mktemp -d "${TMPDIR:-/tmp}/pms-apache-cgi.XXXXXX")
chmod 0755 "$DIR"
KEEP=$PMS_TEST_VAR/deploy-apache-cgi
BASE=http://127.0.0.1:$PORT
BINARIES=(units allotments long-stay-contracts work-orders)
APACHE_STARTED=0

# graceful-stop (requests in flight finish), then TERM and KILL when
# Apache lingers.  Runs on every exit, also when a signal cut an earlier
# call short: APACHE_STARTED is cleared only once Apache is gone.
stop_apache() {
	[ "$APACHE_STARTED" = 1 ] && [ -s "$DIR/run/httpd.pid" ] || return 0
	stop_apache_pid "$(cat "$DIR/run/httpd.pid")"
	APACHE_STARTED=0
}

stop_apache_pid() {
	local pid=$1 i
	"$APACHE" -f "$DIR/httpd.conf" -k graceful-stop 2>/dev/null ||
		kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
		[ "$i" = 50 ] && kill -TERM "$pid" 2>/dev/null
	done
	echo "# apache2 $pid still running after 10 s: killed"
	kill -KILL "$pid" 2>/dev/null || true
}

# As root Apache runs CGI programs as www-data: what they open is theirs.
cgi_owns() {
	[ "$(id -u)" = 0 ] || return 0
	chown "$@"
}

# The document root: the .htaccess example, the binaries, and the
# settings file it names (the test stack's database).
make_docroot() {
	local b
	mkdir -p "$DIR/htdocs/cgi-bin" "$DIR/run" "$DIR/sanitizer"
	cgi_owns www-data "$DIR/sanitizer"
	for b in "${BINARIES[@]}"; do
		[ -x "$CGI_DIR/$b.fcgi" ] || bail "missing $CGI_DIR/$b.fcgi: run 'make asan'"
		cp "$CGI_DIR/$b.fcgi" "$DIR/htdocs/cgi-bin/"
	done
	# The database over TCP, as a shared host reaches its own: the test
	# stack's socket is under the checkout too.
	[ -n "${STACK_DB_PORT:-}" ] || bail "STACK_DB_PORT unset (scripts/test.sh exports it)"
	{
		grep -v '^export PMS_DB_SOCKET=' "$PMS_TEST_VAR/pms.env"
		echo "export PMS_DB_HOST=127.0.0.1"
		echo "export PMS_DB_PORT=$STACK_DB_PORT"
	} >"$DIR/pms.conf"
	chmod 0640 "$DIR/pms.conf"
	cgi_owns :www-data "$DIR/pms.conf"
	cp "$PMS_ROOT/scripts/apache/htaccess.example" "$DIR/htdocs/.htaccess"
	render_subst "$DIR/htdocs/.htaccess" 1 'SetEnv PMS_CONFIG /home/you/pms.conf' \
		"SetEnv PMS_CONFIG $DIR/pms.conf"
	render_absent "$DIR/htdocs/.htaccess" '/home/you'
}

render_vhost() {
	local conf=$DIR/vhost.conf
	cp "$PMS_ROOT/scripts/apache/pms-vhost.conf.example" "$conf"
	render_subst "$conf" 1 '<VirtualHost *:80>' "<VirtualHost 127.0.0.1:$PORT>"
	render_subst "$conf" 2 '/var/www/pms' "$DIR/htdocs"
	# shellcheck disable=SC2016 # Apache's variable, literally
	render_subst "$conf" 2 '${APACHE_LOG_DIR}/' "$DIR/"
	render_absent "$conf" '/var/www' 'APACHE_LOG_DIR' '^[^#]*\*:[0-9]'
}

# The server around the vhost: modules, pid, logs, this port only; the
# sanitizers' options for the CGI processes (their environment is
# Apache's SetEnv, not ours).
write_httpd_conf() {
	local user=''
	[ "$(id -u)" = 0 ] && user=$'User www-data\nGroup www-data'
	cat >"$DIR/httpd.conf" <<-CONF
	ServerRoot "$DIR"
	ServerName 127.0.0.1
	Listen 127.0.0.1:$PORT
	PidFile "$DIR/run/httpd.pid"
	DefaultRuntimeDir "$DIR/run"
	Mutex file:$DIR/run default
	ErrorLog "$DIR/server-error.log"
	LogLevel warn
	$user
	LoadModule mpm_event_module $MODULES/mod_mpm_event.so
	LoadModule cgid_module $MODULES/mod_cgid.so
	LoadModule rewrite_module $MODULES/mod_rewrite.so
	LoadModule env_module $MODULES/mod_env.so
	LoadModule mime_module $MODULES/mod_mime.so
	LoadModule authz_core_module $MODULES/mod_authz_core.so
	ScriptSock "$DIR/run/cgid.sock"
	TypesConfig /dev/null
	StartServers 1
	LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
	<Directory />
	    AllowOverride None
	    Require all denied
	</Directory>
	SetEnv ASAN_OPTIONS detect_leaks=1:abort_on_error=0:log_path=$DIR/sanitizer/asan
	SetEnv UBSAN_OPTIONS print_stacktrace=1:log_path=$DIR/sanitizer/ubsan
	Include "$DIR/vhost.conf"
	CONF
}

start_apache() {
	local name="apache2 accepts the rendered examples and starts" out
	if ! out=$("$APACHE" -t -f "$DIR/httpd.conf" 2>&1); then
		tap_result "$name" 1 "$out"
		bail "apache2 -t refused the configuration"
	fi
	APACHE_STARTED=1
	if ! out=$("$APACHE" -f "$DIR/httpd.conf" -k start 2>&1) || ! wait_for_url "$BASE/"; then
		tap_result "$name" 1 "$out" "$(tail -n 5 "$DIR/server-error.log" 2>/dev/null)"
		bail "apache2 did not start"
	fi
	tap_result "$name" 0
}

# A query string reaches the binary in REQUEST_URI exactly as signed.
check_signed_query() {
	AMAGE_URL=$BASE amage_call GET '/rest/amage/v1/work-orders/list?page=1&size=1'
	expect_response "AMAGE signed GET list?page=1&size=1: 200" 200 '"uuid":"'
}

# A path no route serves: the binary's JSON 404, not Apache's HTML.
check_unknown_path() {
	http_call GET "$BASE/v1/no-such-thing" -H "X-API-Key: $SMOKE_KEY"
	expect_response "unknown /v1/ path: the PMS envelope's 404" 404 '"code":"NOT_FOUND"'
}

# The binaries' stderr (one line per request) reaches Apache's error log
# (the server's with mod_cgid): a report on stderr would be seen too.
check_request_log() {
	local rc=0
	grep -a -q "method=GET path=/v1/no-such-thing status=404" "$DIR"/*error.log || rc=1
	tap_result "the binaries' request lines reach Apache's error log" "$rc"
}

# After the stop (every CGI process has exited): no sanitizer report in
# the log files nor on stderr (Apache's error logs).
check_sanitizers() {
	local reports rc=0
	mapfile -t reports < <(find "$DIR/sanitizer" -type f | head -n 5)
	[ "${#reports[@]}" -eq 0 ] || rc=1
	! grep -a -q -E "$SANITIZER_RE" "$DIR"/*error.log || rc=1
	tap_result "no sanitizer report from the CGI processes" "$rc" \
		"reports: ${reports[*]}" \
		"$(grep -a -h -E "$SANITIZER_RE" "$DIR"/*error.log | head -n 5)" \
		"$(head -n 20 "${reports[@]}" /dev/null 2>/dev/null)"
}

# At exit: Apache stopped, its files kept where the suite keeps a
# deployment check's, the /tmp copy removed.
finish() {
	stop_apache
	rm -rf "$KEEP" && mkdir -p "$KEEP" &&
		cp -a "$DIR"/*.log "$DIR"/*.conf "$DIR/sanitizer" "$KEEP/" 2>/dev/null
	rm -rf "$DIR"
}

main() {
	mkdir -p "$DIR/responses"
	SMOKE_TMP=$DIR/responses
	trap finish EXIT
	trap 'exit 130' INT TERM
	tap_plan $((SMOKE_CHECKS + 5))
	[ -x "$APACHE" ] || bail "no $APACHE (Debian package apache2-bin)"
	make_docroot
	render_vhost
	write_httpd_conf
	start_apache
	smoke_run "$BASE" bbbbbbbb-0000-4000-8000-000000000009
	check_signed_query
	check_unknown_path
	stop_apache
	check_request_log
	check_sanitizers
	tap_done
}

main "$@"
