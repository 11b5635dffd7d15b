#!/usr/bin/env bash
# tests/deploy/systemd.sh: the systemd deployment mode (scripts/systemd/),
# checked against the running test stack (scripts/test.sh, run_deploy_checks).
#
#  1. `systemd-analyze verify` of every unit template, one instance per
#     family, on copies whose ExecStart names the built binaries instead
#     of /opt/pms/ (a warning counts as a failure: verify exits 0 on an
#     unknown key or a bad value).
#  2. The socket hand-over for real: the units and work-orders binaries
#     started by systemd-socket-activate (LISTEN_PID/LISTEN_FDS, the socket
#     on fd 3, as pms@.socket hands it to pms@.service) with the test
#     stack's database settings, behind a throw-away nginx on
#     127.0.0.1:28091: a PMS GET, a request without key (401), a signed
#     AMAGE count; the activated process is the master of its workers,
#     replaces a SIGKILLed one, leaves systemd's socket alone (mode, file)
#     and stops cleanly on SIGTERM; no sanitizer report in their logs.
#
# Environment (exported by scripts/test.sh): PMS_ROOT, PMS_TEST_VAR
# (pms.env), STACK_VARIANT / STACK_BIN_DIR (which binaries).  Files:
# $PMS_TEST_VAR/deploy-systemd/.  Ports: 127.0.0.1:28091 only.  Prints TAP;
# everything it starts is stopped on exit (trap EXIT), also on failure.
set -uo pipefail

ROOT=${PMS_ROOT:?PMS_ROOT: the root of the tree}
TEST_VAR=${PMS_TEST_VAR:?PMS_TEST_VAR: the test stack var directory}
DIR=$TEST_VAR/deploy-systemd
UNIT_SRC=$ROOT/scripts/systemd
HTTP=127.0.0.1:28091
BASE=http://$HTTP
FAMILIES=(units allotments long-stay-contracts work-orders)
ACTIVATED=(units work-orders)
WORKERS=2
# The demo data (scripts/demo-seed.sql, DEMO ONLY).
DEMO_UNIT=bbbbbbbb-0000-4000-8000-000000000001
DEMO_AGENT_KEY=demo-agent-paris-0123456789abcdef0123456789abcdef01
SANITIZER_RE='AddressSanitizer|LeakSanitizer|runtime error:|ERROR: [A-Za-z]+Sanitizer'

if [ -n "${STACK_BIN_DIR:-}" ]; then
	BIN_DIR=$STACK_BIN_DIR
elif [ "${STACK_VARIANT:-release}" = asan ]; then
	BIN_DIR=$ROOT/build/asan/cgi-bin
else
	BIN_DIR=$ROOT/cgi-bin
fi

# Unix socket paths must fit in sun_path (108 bytes): under /tmp when the
# var directory is too deep, as scripts/stack.sh does.
SOCK_DIR=$DIR/run
TMP_SOCK_DIR=
if [ $((${#SOCK_DIR} + 25)) -ge 100 ]; then
	TMP_SOCK_DIR=$(mktemp -d /tmp/pms-deploy-systemd.XXXXXX)
	SOCK_DIR=$TMP_SOCK_DIR
fi

declare -A MASTER=()	# family -> pid of systemd-socket-activate, then of the binary
NGINX_PID=
FAILED=0

# ------------------------------------------------------------ cleanup

stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

cleanup() {
	local fam
	[ -z "$NGINX_PID" ] || stop_pid "$NGINX_PID"
	for fam in "${!MASTER[@]}"; do
		stop_pid "${MASTER[$fam]}"
	done
	[ -z "$TMP_SOCK_DIR" ] || rm -rf "$TMP_SOCK_DIR"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# ------------------------------------------------------------ TAP

ok() { echo "ok - $1"; }
# check NAME CMD...: one TAP line from CMD's status; its output as
# diagnostics.  CMD runs in this shell (not a $(...) subshell): it may
# start or wait for the processes that cleanup must know about.
check() {
	local name=$1 line
	shift
	if "$@" >"$DIR/check.out" 2>&1; then
		ok "$name"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - $name"
		while IFS= read -r line; do
			printf '# %s\n' "$line"
		done <"$DIR/check.out"
	fi
}

# wait_for SECONDS CMD...: CMD every 0.1 s until it succeeds; 1 on timeout.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# ------------------------------------------------------------ 1. units

UNIT_FILES=()
for f in "$UNIT_SRC"/*.socket "$UNIT_SRC"/*.service; do
	[ -e "$f" ] && UNIT_FILES+=("$f")
done

# The copy of template $1 with /opt/pms/ replaced by the binaries' dir; fails
# (loudly) when the file no longer names /opt/pms/ where it is substituted.
unit_copy() {
	local src=$1 dst=$DIR/units/$(basename "$1")
	if grep -q '^ExecStart=' "$src" && ! grep -q '^ExecStart=/opt/pms/%i\.fcgi ' "$src"; then
		echo "$src: ExecStart no longer starts with /opt/pms/%i.fcgi: update this test"
		return 1
	fi
	sed "s|^ExecStart=/opt/pms/|ExecStart=$BIN_DIR/|" "$src" >"$dst"
}

# verify_unit FILE FAMILY: the instance FAMILY of template FILE (its
# copy, made with every other one: a socket is verified with its service).
verify_unit() {
	local src=$1 fam=$2 base inst out
	if [ -n "${COPY_ERRORS[$src]:-}" ]; then
		echo "${COPY_ERRORS[$src]}"
		return 1
	fi
	base=$(basename "$src")
	inst=${base/@./@$fam.}
	# Run from the copies' directory: verify resolves the instance there.
	out=$(cd "$DIR/units" && systemd-analyze verify --man=no "./$inst" 2>&1) || {
		echo "$out"
		return 1
	}
	# Warnings (unknown key, bad value) leave verify's status at 0.
	[ -z "$out" ] || { echo "$out"; return 1; }
}

# ------------------------------------------------------------ 2. activation

# systemd-socket-activate passes on only a few variables (PATH, HOME...):
# each PMS_* of pms.env, and the sanitizers' options, are named with -E.
activate() {
	local fam=$1 sock=$SOCK_DIR/$1.sock args=() v
	args=(-l "$sock")
	for v in $(sed -n 's/^export \(PMS_[A-Z_]*\)=.*/\1/p' "$TEST_VAR/pms.env"); do
		args+=(-E "$v")
	done
	args+=(-E ASAN_OPTIONS -E UBSAN_OPTIONS)
	(
		set -a
		# shellcheck disable=SC1091
		. "$TEST_VAR/pms.env"
		set +a
		export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
		export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
		# The socket is created 0750 by systemd-socket-activate: a master
		# that chmods it (as --listen does, to 0660) is caught below.
		umask 027
		exec systemd-socket-activate "${args[@]}" "$BIN_DIR/$fam.fcgi" \
			--workers "$WORKERS"
	) </dev/null >>"$DIR/$fam.log" 2>&1 &
	MASTER[$fam]=$!
}

write_nginx_conf() {
	mkdir -p "$DIR/nginx/tmp"
	cat >"$DIR/nginx/nginx.conf" <<EOF
# Throw-away nginx of tests/deploy/systemd.sh: a FastCGI client for the
# socket-activated pools.  Root workers: the sockets are 0750 root.
user root;
daemon off;
worker_processes 1;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $DIR/nginx/tmp/client_body;
    proxy_temp_path       $DIR/nginx/tmp/proxy;
    fastcgi_temp_path     $DIR/nginx/tmp/fastcgi;
    uwsgi_temp_path       $DIR/nginx/tmp/uwsgi;
    scgi_temp_path        $DIR/nginx/tmp/scgi;
    server {
        listen $HTTP;
        location /v1/units {
            include /etc/nginx/fastcgi_params;
            fastcgi_param REQUEST_ID \$request_id;
            fastcgi_pass unix:$SOCK_DIR/units.sock;
        }
        location /rest/amage/v1/work-orders {
            include /etc/nginx/fastcgi_params;
            fastcgi_param REQUEST_ID \$request_id;
            fastcgi_pass unix:$SOCK_DIR/work-orders.sock;
        }
    }
}
EOF
}

start_nginx() {
	if curl -s -m 2 -o /dev/null "$BASE/"; then
		echo "$HTTP is taken by another process"
		return 1
	fi
	write_nginx_conf
	nginx -e "$DIR/nginx/error.log" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" \
		</dev/null >>"$DIR/nginx/error.log" 2>&1 &
	NGINX_PID=$!
	wait_for 10 curl -s -o /dev/null "$BASE/" || {
		echo "nginx did not answer on $HTTP"
		tail -n 5 "$DIR/nginx/error.log"
		return 1
	}
}

# http_expect STATUS BODY_RE CURL_ARGS...: one request through nginx.
http_expect() {
	local want=$1 re=$2 got body
	shift 2
	body=$(curl -s -m 10 -w '\n%{http_code}' "$@") || { echo "curl failed: $*"; return 1; }
	got=${body##*$'\n'}
	body=${body%$'\n'*}
	if [ "$got" != "$want" ] || ! grep -qE -- "$re" <<<"$body"; then
		echo "expected $want matching /$re/, got $got: $body"
		return 1
	fi
}

pms_get_unit() {
	http_expect 200 "\"id\":\"$DEMO_UNIT\"" -H "X-Api-Key: $DEMO_AGENT_KEY" \
		"$BASE/v1/units/$DEMO_UNIT"
}

pms_without_key() {
	http_expect 401 '"code":"UNAUTHENTICATED".*"status":401' "$BASE/v1/units/$DEMO_UNIT"
}

amage_count() {
	local out
	out=$(AMAGE_URL=$BASE "$ROOT/scripts/amage-curl" -i GET /rest/amage/v1/work-orders/count) ||
		{ echo "$out"; return 1; }
	if ! head -n 1 <<<"$out" | grep -q ' 200' || ! tail -n 1 <<<"$out" | grep -qE '^[0-9]+$'; then
		echo "expected 200 and a count, got:"
		echo "$out"
		return 1
	fi
}

# The pids of the workers of family $1's master.
workers_of() { pgrep -P "${MASTER[$1]}" | sort; }

# The binary replaced systemd-socket-activate in the same process (exec),
# says so in its log, and forked the workers it was asked for.
master_forked_workers() {
	local fam=$1 pid=${MASTER[$1]} n
	if ! grep -q "$fam: master $pid listening on the socket from systemd (fd 3) with $WORKERS workers" "$DIR/$fam.log"; then
		echo "no master line for pid $pid in $DIR/$fam.log:"
		tail -n 5 "$DIR/$fam.log"
		return 1
	fi
	if [ "$(readlink "/proc/$pid/exe")" != "$(readlink -f "$BIN_DIR/$fam.fcgi")" ]; then
		echo "pid $pid runs $(readlink "/proc/$pid/exe"), not $fam.fcgi"
		return 1
	fi
	n=$(workers_of "$fam" | wc -l)
	[ "$n" -eq "$WORKERS" ] || { echo "$n workers under pid $pid, expected $WORKERS"; return 1; }
}

# systemd's socket (created 0750 under umask 027) is never chmod-ed (to
# --listen's 0660) nor replaced by the activated master.
socket_left_alone() {
	local fam=$1 sock=$SOCK_DIR/$1.sock want=$2 got
	got=$(stat -c '%a %i' "$sock" 2>&1)
	[ "$got" = "$want" ] || { echo "$sock: mode and inode '$got', were '$want'"; return 1; }
}

worker_replaced() {
	local fam=units before victim after
	before=$(workers_of $fam)
	victim=$(head -n 1 <<<"$before")
	[ -n "$victim" ] || { echo "no worker to kill"; return 1; }
	kill -KILL "$victim"
	if ! wait_for 5 grep -q "$fam: worker $victim ended (signal 9), replacing it" "$DIR/$fam.log"; then
		echo "no replacement line for worker $victim"
		return 1
	fi
	# shellcheck disable=SC2317
	two_new() { after=$(workers_of $fam); [ "$(wc -l <<<"$after")" -eq "$WORKERS" ] && ! grep -qx "$victim" <<<"$after"; }
	wait_for 5 two_new || { echo "workers after the kill: $(workers_of $fam | tr '\n' ' ')"; return 1; }
	# Requests pass on the pool of the new worker and the survivor.
	local i
	for i in 1 2 3 4 5 6; do
		pms_get_unit || return 1
	done
}

# SIGTERM: the master stops its workers, says so, exits 0, and leaves the
# socket file to systemd (--listen would remove its own).
master_stops() {
	local fam=$1 pid=${MASTER[$1]} rc=0
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	unset "MASTER[$fam]"
	[ "$rc" -eq 0 ] || { echo "master $pid exited $rc"; return 1; }
	grep -q "$fam: master $pid stopped" "$DIR/$fam.log" || { echo "no stop line"; return 1; }
	[ -S "$SOCK_DIR/$fam.sock" ] || { echo "$SOCK_DIR/$fam.sock was removed"; return 1; }
}

# LISTEN_FDS=1 for this pid but fd 3 no listening socket (/dev/null): the
# binary refuses (exit 1) rather than falling back to plain CGI.
refuses_bogus_fd3() {
	local rc=0
	LISTEN_FDS=1 bash -c 'export LISTEN_PID=$$; exec "$0" --workers 1' \
		"$BIN_DIR/units.fcgi" 3</dev/null </dev/null >"$DIR/bogus.log" 2>&1 || rc=$?
	[ "$rc" -eq 1 ] && grep -q 'fd 3 from systemd is not a listening stream socket' "$DIR/bogus.log" || {
		echo "exit $rc:"
		cat "$DIR/bogus.log"
		return 1
	}
}

# --listen and a socket from systemd at once: refused (exit 2), not a
# guess.  The connection (curl) is what makes systemd-socket-activate exec.
refuses_listen_with_socket() {
	local sock=$SOCK_DIR/both.sock pid rc=0
	systemd-socket-activate -l "$sock" "$BIN_DIR/units.fcgi" \
		--listen "$SOCK_DIR/other.sock" --workers 1 </dev/null >"$DIR/both.log" 2>&1 &
	pid=$!
	MASTER[both]=$pid
	wait_for 10 test -S "$sock" || { echo "no $sock"; return 1; }
	curl -s -m 5 --unix-socket "$sock" -o /dev/null http://localhost/ || true
	wait "$pid" || rc=$?
	unset "MASTER[both]"
	[ "$rc" -eq 2 ] && [ ! -e "$SOCK_DIR/other.sock" ] &&
	    grep -q -- "--listen given, and a socket from systemd" "$DIR/both.log" || {
		echo "exit $rc:"
		cat "$DIR/both.log"
		return 1
	}
}

no_sanitizer_report() {
	local fam bad=0
	for fam in "${ACTIVATED[@]}" bogus both; do
		if grep -a -E "$SANITIZER_RE" "$DIR/$fam.log"; then
			bad=1
		fi
	done
	return "$bad"
}

# ------------------------------------------------------------ main

rm -rf "$DIR"
mkdir -p "$DIR/units" "$SOCK_DIR"

echo "1..$((${#UNIT_FILES[@]} * ${#FAMILIES[@]} + 14))"
declare -A COPY_ERRORS=()
for f in "${UNIT_FILES[@]}"; do
	COPY_ERRORS[$f]=$(unit_copy "$f" 2>&1)
done
for f in "${UNIT_FILES[@]}"; do
	for fam in "${FAMILIES[@]}"; do
		b=$(basename "$f")
		check "systemd-analyze verify ${b/@./@$fam.}" verify_unit "$f" "$fam"
	done
done

for fam in "${ACTIVATED[@]}"; do
	activate "$fam"
done
sockets_created() { [ -S "$SOCK_DIR/units.sock" ] && [ -S "$SOCK_DIR/work-orders.sock" ]; }
check "systemd-socket-activate holds the units and work-orders sockets" wait_for 10 sockets_created
SOCK_STAT=$(stat -c '%a %i' "$SOCK_DIR/units.sock" 2>/dev/null)
check "a throw-away nginx on $HTTP proxies to them" start_nginx
# The first connection makes systemd-socket-activate exec the binary.
check "GET /v1/units/{id} with the demo agent key: 200 from the activated units pool" pms_get_unit
check "GET /v1/units/{id} without a key: 401 in the PMS envelope" pms_without_key
check "signed AMAGE GET /rest/amage/v1/work-orders/count: 200 from the activated work-orders pool" amage_count
check "units: the activated process is the master and forked $WORKERS workers" master_forked_workers units
check "work-orders: the activated process is the master and forked $WORKERS workers" master_forked_workers work-orders
check "units: systemd's socket is neither chmod-ed nor replaced" socket_left_alone units "$SOCK_STAT"
check "units: a SIGKILLed worker is replaced and requests still pass" worker_replaced
check "units: SIGTERM stops the master cleanly and leaves the socket file" master_stops units
check "work-orders: SIGTERM stops the master cleanly and leaves the socket file" master_stops work-orders
check "LISTEN_FDS=1 without a listening socket on fd 3: refused (exit 1), no CGI fallback" refuses_bogus_fd3
check "--listen and a socket from systemd together: refused (exit 2)" refuses_listen_with_socket
check "no sanitizer report in the activated binaries' logs" no_sanitizer_report
[ "$FAILED" -eq 0 ]
