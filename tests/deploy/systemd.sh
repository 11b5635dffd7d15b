#!/usr/bin/env bash
# tests/deploy/systemd.sh: the systemd deployment mode (scripts/systemd/),
# checked against the running test stack.
#
#  1. `systemd-analyze verify` of every unit template, one instance per
#     family, on copies whose ExecStart names the built binaries instead
#     of /opt/pms/ (a counted substitution: an edited ExecStart stops the
#     test).  A warning counts as a failure: verify exits 0 on an unknown
#     key or a bad value.
#  2. The socket hand-over for real: the units and work-orders binaries
#     started by systemd-socket-activate (LISTEN_PID/LISTEN_FDS, the socket
#     on fd 3, as pms@.socket hands it to pms@.service) with the test
#     stack's database settings, behind a throw-away nginx: the smoke set
#     (tests/deploy/lib/smoke.sh); the activated process is the master of
#     its workers, replaces a SIGKILLed one, leaves systemd's socket alone
#     (mode, file) and stops cleanly on SIGTERM; a bogus hand-over and
#     --listen with a socket from systemd are refused; no sanitizer report.
#
# Environment: PMS_ROOT, PMS_TEST_VAR (pms.env), STACK_VARIANT and
# STACK_BIN_DIR (which binaries, as scripts/stack.sh) -- scripts/test.sh
# exports them; DEPLOY_SYSTEMD_PORT (28091).  Files: deploy-systemd/ under
# PMS_TEST_VAR.  Everything it starts is stopped on exit (trap EXIT).
set -uo pipefail

# shellcheck source=lib/smoke.sh
. "$PMS_ROOT/tests/deploy/lib/smoke.sh"

DIR=$PMS_TEST_VAR/deploy-systemd
HTTP=127.0.0.1:${DEPLOY_SYSTEMD_PORT:-28091}
BASE=http://$HTTP
FAMILIES=(units allotments long-stay-contracts work-orders)
ACTIVATED=(units work-orders)
WORKERS=2
DEMO_UNIT=bbbbbbbb-0000-4000-8000-000000000001	# demo only

if [ -n "${STACK_BIN_DIR:-}" ]; then
	BIN_DIR=$STACK_BIN_DIR
elif [ "${STACK_VARIANT:-release}" = asan ]; then
	BIN_DIR=$PMS_ROOT/build/asan/cgi-bin
else
	BIN_DIR=$PMS_ROOT/cgi-bin
fi

# Unix socket paths must fit in sun_path (108 bytes): under /tmp when the
# var directory is too deep, as scripts/stack.sh does.
SOCK_DIR=$DIR/run
TMP_SOCK_DIR=
if [ $((${#SOCK_DIR} + 25)) -ge 100 ]; then
	TMP_SOCK_DIR=$(mktemp -d /tmp/pms-deploy-systemd.XXXXXX)
	SOCK_DIR=$TMP_SOCK_DIR
fi

declare -A MASTER=()	# name -> pid of systemd-socket-activate, then of the binary
NGINX_PID=

# ------------------------------------------------------------ cleanup

# SIGTERM, 10 s, SIGKILL.  Only our own children, by pid.
stop_pid() {
	local pid=$1 _
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

cleanup() {
	local name
	[ -z "$NGINX_PID" ] || stop_pid "$NGINX_PID"
	for name in "${!MASTER[@]}"; do
		stop_pid "${MASTER[$name]}"
	done
	[ -z "$TMP_SOCK_DIR" ] || rm -rf "$TMP_SOCK_DIR"
}

# check NAME CMD...: one TAP line from CMD's status, its output as the
# diagnostics.  CMD runs in this shell (not a $(...) subshell): it may
# start or wait for the processes cleanup must know about.
check() {
	local name=$1 rc=0
	shift
	"$@" >"$DIR/check.out" 2>&1 || rc=$?
	tap_result "$name" "$rc" "$(cat "$DIR/check.out")"
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

# ------------------------------------------------------------ 1. the units

UNIT_FILES=()
for f in "$PMS_ROOT"/scripts/systemd/*.socket "$PMS_ROOT"/scripts/systemd/*.service; do
	[ -e "$f" ] && UNIT_FILES+=("$f")
done

# Every template copied, so that a socket is verified with its service;
# a service's ExecStart names the built binary instead of /opt/pms/.
copy_units() {
	local src dst
	mkdir -p "$DIR/units"
	for src in "${UNIT_FILES[@]}"; do
		dst=$DIR/units/$(basename "$src")
		cp "$src" "$dst"
		case "$dst" in
		*.service) render_subst "$dst" 1 "ExecStart=/opt/pms/%i.fcgi " "ExecStart=$BIN_DIR/%i.fcgi " ;;
		esac
		render_absent "$dst" '^[^#]*/opt/pms/'
	done
}

# verify_unit TEMPLATE FAMILY: the instance FAMILY of the copy of TEMPLATE.
verify_unit() {
	local base inst out
	base=$(basename "$1")
	inst=${base/@./@$2.}
	# From the copies' directory: verify finds the template there.
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
	local fam=$1 args=() v
	args=(-l "$SOCK_DIR/$fam.sock")
	while read -r v; do
		args+=(-E "$v")
	done < <(sed -n 's/^export \(PMS_[A-Z_]*\)=.*/\1/p' "$PMS_TEST_VAR/pms.env")
	args+=(-E ASAN_OPTIONS -E UBSAN_OPTIONS)
	(
		set -a
		# shellcheck disable=SC1091
		. "$PMS_TEST_VAR/pms.env"
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

sockets_created() { [ -S "$SOCK_DIR/units.sock" ] && [ -S "$SOCK_DIR/work-orders.sock" ]; }

activate_both() {
	local fam
	for fam in "${ACTIVATED[@]}"; do
		activate "$fam"
	done
	wait_for 10 sockets_created || { echo "no sockets in $SOCK_DIR"; return 1; }
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
		</dev/null >"$DIR/nginx/stderr.log" 2>&1 &
	NGINX_PID=$!
	wait_for_url "$BASE/" || {
		echo "nginx did not answer on $HTTP"
		tail -n 5 "$DIR/nginx/error.log"
		return 1
	}
}

units_get() {
	http_call GET "$BASE/v1/units/$DEMO_UNIT" -H "X-API-Key: $SMOKE_KEY"
	[ "$RESP_STATUS" = 200 ] || { echo "GET unit: $RESP_STATUS $RESP_BODY"; return 1; }
}

# The pids of the workers of $1's master.
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
	local sock=$SOCK_DIR/$1.sock want=$2 got
	got=$(stat -c '%a %i' "$sock" 2>&1)
	[ "$got" = "$want" ] || { echo "$sock: mode and inode '$got', were '$want'"; return 1; }
}

# replaced FAMILY PID: PID is gone from FAMILY's workers, whose number is
# back to WORKERS.
replaced() {
	local now
	now=$(workers_of "$1")
	[ "$(wc -l <<<"$now")" -eq "$WORKERS" ] && ! grep -qx "$2" <<<"$now"
}

worker_replaced() {
	local fam=units before victim _
	before=$(workers_of $fam)
	victim=$(head -n 1 <<<"$before")
	[ -n "$victim" ] || { echo "no worker to kill"; return 1; }
	kill -KILL "$victim"
	if ! wait_for 5 grep -q "$fam: worker $victim ended (signal 9), replacing it" "$DIR/$fam.log"; then
		echo "no replacement line for worker $victim"
		return 1
	fi
	wait_for 5 replaced $fam "$victim" || {
		echo "workers after the kill: $(workers_of $fam | tr '\n' ' ')"
		return 1
	}
	# Requests pass on the pool of the new worker and the survivor.
	for _ in 1 2 3 4 5 6; do
		units_get || return 1
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
	# shellcheck disable=SC2016 # $$ and $0 are the inner shell's
	LISTEN_FDS=1 bash -c 'export LISTEN_PID=$$; exec "$0" --workers 1' \
		"$BIN_DIR/units.fcgi" 3</dev/null </dev/null >"$DIR/bogus.log" 2>&1 || rc=$?
	if [ "$rc" -ne 1 ] ||
	   ! grep -q 'fd 3 from systemd is not a listening stream socket' "$DIR/bogus.log"; then
		echo "exit $rc:"
		cat "$DIR/bogus.log"
		return 1
	fi
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
	if [ "$rc" -ne 2 ] || [ -e "$SOCK_DIR/other.sock" ] ||
	   ! grep -q -- "--listen given, and a socket from systemd" "$DIR/both.log"; then
		echo "exit $rc:"
		cat "$DIR/both.log"
		return 1
	fi
}

no_sanitizer_report() {
	! grep -s -a -E "$SANITIZER_RE" "$DIR/units.log" "$DIR/work-orders.log" \
		"$DIR/bogus.log" "$DIR/both.log"
}

# ------------------------------------------------------------ main

main() {
	local f b fam sock_stat
	rm -rf "$DIR"
	mkdir -p "$DIR/responses" "$SOCK_DIR"
	# shellcheck disable=SC2034 # read by lib/smoke.sh
	SMOKE_TMP=$DIR/responses
	trap cleanup EXIT
	trap 'exit 130' INT TERM HUP
	tap_plan $((${#UNIT_FILES[@]} * ${#FAMILIES[@]} + SMOKE_CHECKS + 11))

	copy_units
	for f in "${UNIT_FILES[@]}"; do
		for fam in "${FAMILIES[@]}"; do
			b=${f##*/}
			check "systemd-analyze verify ${b/@./@$fam.}" verify_unit "$b" "$fam"
		done
	done

	check "systemd-socket-activate holds the units and work-orders sockets" activate_both
	sock_stat=$(stat -c '%a %i' "$SOCK_DIR/units.sock" 2>/dev/null)
	check "a throw-away nginx on $HTTP passes to them" start_nginx
	# The first connection makes systemd-socket-activate exec the binary.
	smoke_run "$BASE"
	check "units: the activated process is the master and forked $WORKERS workers" \
		master_forked_workers units
	check "work-orders: the activated process is the master and forked $WORKERS workers" \
		master_forked_workers work-orders
	check "units: systemd's socket is neither chmod-ed nor replaced" \
		socket_left_alone units "$sock_stat"
	check "units: a SIGKILLed worker is replaced and requests still pass" worker_replaced
	check "units: SIGTERM stops the master cleanly and leaves the socket file" \
		master_stops units
	check "work-orders: SIGTERM stops the master cleanly and leaves the socket file" \
		master_stops work-orders
	check "LISTEN_FDS=1 without a listening socket on fd 3: refused (exit 1), no CGI fallback" \
		refuses_bogus_fd3
	check "--listen and a socket from systemd together: refused (exit 2)" \
		refuses_listen_with_socket
	check "no sanitizer report in the activated binaries' logs" no_sanitizer_report
	tap_done
}

main "$@"
