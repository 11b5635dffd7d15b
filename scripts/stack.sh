#!/usr/bin/env bash
# stack.sh: the local stack of docs/architecture.md, everything under one
# var directory (var/ by default, STACK_VAR_DIR): a private MariaDB
# (<var>/db, 127.0.0.1:23306, socket <var>/run/mysqld.sock), the schema/
# migrations and the demo seed, the four FastCGI pools
# (<var>/run/<family>.sock) and nginx on 127.0.0.1:8080.  Processes are
# found by their paths under the var directory, so stacks with different
# var directories (make run's var/, make test's var/test) never touch
# each other.
#
#   scripts/stack.sh start      start what is not running (idempotent)
#   scripts/stack.sh stop       stop everything this var directory started
#   scripts/stack.sh status     exit 0 when DB, pools and nginx all answer
#   scripts/stack.sh db-stop    stop MariaDB only (resilience tests)
#   scripts/stack.sh db-start   start MariaDB only
#   scripts/stack.sh db-kill    SIGKILL MariaDB (chaos test: a crash; the
#                               next db-start runs InnoDB's recovery)
#   scripts/stack.sh nginx-start   start nginx only (a cluster's front)
#   scripts/stack.sh nginx-reload  nginx re-reads its configuration (chaos
#                               test: no request may fail meanwhile)
#   scripts/stack.sh examples   print working curl examples
#
# Environment:
#   STACK_VAR_DIR=DIR           the var directory (default var; relative to
#                               the tree's root)
#   STACK_HTTP_PORT, STACK_DB_PORT  loopback ports (default 8080, 23306)
#   STACK_VARIANT=release|asan  pool binaries: cgi-bin/*.fcgi (default) or
#                               build/asan/cgi-bin/*.fcgi
#   STACK_BIN_DIR=DIR           take <family>.fcgi from DIR instead
#   POOL_WORKERS=N              workers per pool (default: cores + 1;
#                               allotments 4 x cores)
#   NGINX_WORKERS=N|auto        nginx worker processes (default 1)
#   STACK_DB_CNF=FILE           mariadbd reads this option file (instead of
#                               none): scripts/cluster.sh makes each node a
#                               Galera member with one; its SST scripts
#                               read it too
#   STACK_DB_ARGS="..."         more mariadbd options, space-separated (no
#                               value may hold a space), e.g. the
#                               --wsrep-new-cluster of a cluster's first node
#   STACK_DB_PASSWORD_FILE=F    user pms's password file (default
#                               <var>/db-password): the nodes of one cluster
#                               share one, as they share the user
#   STACK_UPSTREAM_DIRS="d ..." nginx's upstream of each family lists the
#                               pool socket of every directory given (a
#                               cluster's front), not this stack's own
#   STACK_DB_HOSTS=h:p,h:p      the pools reach MariaDB over TCP at these
#                               hosts, in order (PMS_DB_HOST), not over the
#                               socket: a pool whose node dies goes on with
#                               the next
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR_REL=${STACK_VAR_DIR:-var}
case "$VAR_REL" in
/*) VAR_DIR=$VAR_REL ;;
*) VAR_DIR=$ROOT/$VAR_REL ;;
esac
VAR_DIR=${VAR_DIR%/}
# How messages name it: relative to the tree when it is inside.
VAR_NAME=${VAR_DIR#"$ROOT"/}
RUN_DIR=$VAR_DIR/run
LOG_DIR=$VAR_DIR/log
DB_DIR=$VAR_DIR/db
NGINX_DIR=$VAR_DIR/nginx
ENV_FILE=$VAR_DIR/pms.env
PASSWORD_FILE=${STACK_DB_PASSWORD_FILE:-$VAR_DIR/db-password}
FAMILIES=(units allotments long-stay-contracts work-orders)
# Overridable so that two checkouts can run side by side (STACK_DB_PORT,
# STACK_HTTP_PORT); the defaults are the README's.
DB_PORT=${STACK_DB_PORT:-23306}
HTTP_LISTEN=127.0.0.1:${STACK_HTTP_PORT:-8080}
BASE_URL=http://$HTTP_LISTEN
# Cores + 1: a worker waits on the database for about half of a request.
# Measured on 2 cores (get/by-uuid, wrk -c16): 3 workers gave the same
# req/s as 4 and a lower p99; 2, 6 and 8 were worse.
# The allotments pool: one worker per core.  A worker runs the pickups
# it finds waiting on its connections as one statement (lib/batch.h), so
# fewer workers make larger batches: on 2 cores (make bench's hot
# allotment, 32 clients) 2 workers gave 7,300-8,300 pickups/s with a p99
# of 9-18 ms, 3 gave 6,900-7,500 and 8 gave 5,300-5,600 with worse p99s.
# POOL_WORKERS, when set, is every pool's.
CORES=$(nproc 2>/dev/null || echo 1)
POOL_WORKERS_SET=${POOL_WORKERS:+1}
POOL_WORKERS=${POOL_WORKERS:-$(( CORES + 1 ))}
# The workers of pool $1.
pool_workers() {
	if [ -z "$POOL_WORKERS_SET" ] && [ "$1" = allotments ]; then
		echo "$CORES"
	else
		echo "$POOL_WORKERS"
	fi
}
STACK_VARIANT=${STACK_VARIANT:-release}

# Unix socket paths must fit in sun_path (108 bytes with its NUL): when the
# var directory is too deep, the sockets live under /tmp in a directory
# named after a hash of the var directory's path (one per stack).
socket_dir() {
	local longest="$RUN_DIR/long-stay-contracts.sock"
	if [ "${#longest}" -lt 100 ]; then
		echo "$RUN_DIR"
	else
		echo "/tmp/pms-$(printf '%s' "$VAR_DIR" | sha256sum | cut -c1-16)"
	fi
}
SOCK_DIR=$(socket_dir)
DB_SOCK=$SOCK_DIR/mysqld.sock
DB_PID_FILE=$RUN_DIR/mysqld.pid
NGINX_PID_FILE=$RUN_DIR/nginx.pid

say() { printf '%s\n' "stack: $*"; }
die() { printf '%s\n' "stack: $*" >&2; exit 1; }

# Prints the last lines of a log file, indented, to stderr.
log_tail() {
	[ -f "$1" ] || return 0
	printf '  --- last lines of %s ---\n' "$1" >&2
	tail -n "${2:-25}" "$1" | sed 's/^/  /' >&2
}

# Escapes a string for use in a pgrep (extended) regular expression.
re_escape() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }

# A pid read from a file, when that process is alive.
live_pid() {
	local pid
	[ -f "$1" ] || return 1
	pid=$(tr -cd '0-9' <"$1")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Daemons must not inherit the caller's descriptors beyond 0-2 (a pipe held
# open by a daemon would keep `make` or a CI log reader waiting forever).
close_extra_fds() {
	local fd n
	for fd in "/proc/$BASHPID/fd"/*; do
		n=${fd##*/}
		if [ "$n" -gt 2 ] 2>/dev/null; then
			eval "exec $n>&-" 2>/dev/null || true
		fi
	done
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_taken() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# wait_for SECONDS CMD...: runs CMD every 0.2 s until it succeeds; 1 on timeout.
wait_for() {
	local timeout=$1 deadline
	shift
	deadline=$((SECONDS + timeout))
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

require_tools() {
	local t missing=()
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	[ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}: run 'make deps' (scripts/deps.sh)"
}

prepare_dirs() {
	mkdir -p "$RUN_DIR" "$LOG_DIR" "$NGINX_DIR/tmp"
	if [ "$SOCK_DIR" != "$RUN_DIR" ]; then
		mkdir -m 0700 "$SOCK_DIR" 2>/dev/null || [ -d "$SOCK_DIR" ] || die "cannot create $SOCK_DIR"
		echo "$SOCK_DIR" >"$RUN_DIR/socket-dir"
		say "sockets in $SOCK_DIR: $VAR_DIR is too deep for unix socket paths"
	fi
}

# ---------------------------------------------------------------- MariaDB

db_client() {
	mariadb --no-defaults --protocol=socket --socket="$DB_SOCK" -uroot \
		--default-character-set=utf8mb4 "$@"
}

db_answers() {
	[ -S "$DB_SOCK" ] &&
	mariadb-admin --no-defaults --protocol=socket --socket="$DB_SOCK" -uroot \
		--connect-timeout=2 ping >/dev/null 2>&1
}

# Statements are served: not a Galera member, or one that is ready.
db_ready() {
	local ready
	ready=$(db_client -N -e "SELECT IF(@@wsrep_on, (SELECT VARIABLE_VALUE
		FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_READY'), 'ON')" \
		2>/dev/null) || return 1
	[ "$ready" = ON ]
}

# The pid of our mariadbd (from its pid file, else by its datadir).
db_pid() {
	local pid
	if pid=$(live_pid "$DB_PID_FILE") && grep -qaF -- "$DB_DIR" "/proc/$pid/cmdline" 2>/dev/null; then
		echo "$pid"
		return 0
	fi
	pgrep -o -f -- "mariadbd --(no-defaults|defaults-file=[^ ]+) .*--datadir=$(re_escape "$DB_DIR")( |$)"
}

db_initialise() {
	[ -d "$DB_DIR/mysql" ] && return 0
	say "initialising MariaDB in $VAR_NAME/db"
	rm -rf "$DB_DIR"
	if ! mariadb-install-db --no-defaults --user=root --datadir="$DB_DIR" \
		--auth-root-authentication-method=normal --skip-test-db \
		</dev/null >"$LOG_DIR/mysql-install.log" 2>&1; then
		log_tail "$LOG_DIR/mysql-install.log"
		rm -rf "$DB_DIR"
		die "mariadb-install-db failed"
	fi
}

db_launch() {
	# A 512 MB buffer pool, as the bench peers' database has: `make bench`
	# reads 100,000 work orders (~130 MB) and their uuid index at random.
	# A 1 GB redo log instead of 96 MB: at thousands of pickups a second
	# the default fills within a minute and InnoDB then stalls commits
	# while it flushes pages to make room.
	# Pre-flushing from 10 % dirty pages: MariaDB >= 10.5.7 defaults the
	# low-water mark to 0, which turns adaptive flushing off, so dirty
	# pages pile up until the checkpoint age nears the log's size and
	# InnoDB then flushes furiously, stalling commits for up to 0.6 s.
	# An option file (a cluster's node) holds these settings itself: its
	# SST scripts hand mariadbd's command line to mariadb-backup, which
	# refuses InnoDB sizing options.
	local options=(--no-defaults --user=root --innodb-buffer-pool-size=512M
		--innodb-log-file-size=1G --innodb-max-dirty-pages-pct-lwm=10)
	[ -z "${STACK_DB_CNF:-}" ] || options=(--defaults-file="$STACK_DB_CNF" --user=root)
	(
		close_extra_fds
		# shellcheck disable=SC2086 # STACK_DB_ARGS: a list, split on purpose
		exec setsid mariadbd "${options[@]}" --datadir="$DB_DIR" \
			--socket="$DB_SOCK" --port="$DB_PORT" --bind-address=127.0.0.1 \
			--pid-file="$DB_PID_FILE" --log-error="$LOG_DIR/mysqld.log" \
			--skip-name-resolve ${STACK_DB_ARGS:-} </dev/null >>"$LOG_DIR/mysqld.log" 2>&1
	) &
}

db_start() {
	prepare_dirs
	db_initialise
	if ! db_answers; then
		if db_pid >/dev/null; then
			say "MariaDB is starting, waiting"
		else
			rm -f "$DB_SOCK" "$DB_PID_FILE"
			port_taken "$DB_PORT" && die "127.0.0.1:$DB_PORT is taken by another process (not our MariaDB)"
			say "starting MariaDB on 127.0.0.1:$DB_PORT (socket $DB_SOCK)"
			db_launch
		fi
		if ! wait_for 60 db_answers; then
			log_tail "$LOG_DIR/mysqld.log"
			die "MariaDB did not answer within 60 s (log: $VAR_NAME/log/mysqld.log)"
		fi
	fi
	# A Galera node answers pings before it has joined; statements are
	# refused (1047) until it is synced.
	if ! wait_for 120 db_ready; then
		log_tail "$LOG_DIR/mysqld.log"
		die "MariaDB answers but refuses statements (log: $VAR_NAME/log/mysqld.log)"
	fi
	db_provision
}

# The database password: generated once, kept in <var>/db-password (0600).
db_password() {
	if [ ! -s "$PASSWORD_FILE" ]; then
		(umask 077 && openssl rand -hex 24 >"$PASSWORD_FILE")
	fi
	tr -cd '0-9a-f' <"$PASSWORD_FILE"
}

write_env_file() {
	local password=$1 tmp
	tmp=$(umask 077 && mktemp "$ENV_FILE.XXXXXX")
	# One variable a line: both `source` and the binaries' PMS_CONFIG read it.
	if [ -n "${STACK_DB_HOSTS:-}" ]; then
		printf 'export PMS_DB_HOST=%s\n' "$STACK_DB_HOSTS" >"$tmp"
	else
		printf 'export PMS_DB_SOCKET=%s\n' "$DB_SOCK" >"$tmp"
	fi
	printf 'export PMS_DB_USER=pms\nexport PMS_DB_PASSWORD=%s\nexport PMS_DB_NAME=pms\n' \
		"$password" >>"$tmp"
	chmod 0600 "$tmp"
	mv -f "$tmp" "$ENV_FILE"
}

# Database pms, user pms (socket and 127.0.0.1), <var>/pms.env; idempotent.
# The password travels on stdin, never on a command line.  The workers and
# pms-admin only read and write rows: user pms may do nothing else (no
# DDL, no FILE, no GRANT; docs/security.md, API8), and migrations run as
# root.  REVOKE first: a var/ provisioned before had ALL PRIVILEGES.
db_provision() {
	local password host
	password=$(db_password)
	db_client <<-SQL || die "could not create database/user pms"
		CREATE DATABASE IF NOT EXISTS pms CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
	SQL
	for host in localhost 127.0.0.1; do
		db_client <<-SQL || die "could not create user pms@$host"
			CREATE USER IF NOT EXISTS 'pms'@'$host' IDENTIFIED BY '$password';
			ALTER USER 'pms'@'$host' IDENTIFIED BY '$password';
			REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'pms'@'$host';
			GRANT SELECT, INSERT, UPDATE, DELETE ON pms.* TO 'pms'@'$host';
		SQL
	done
	write_env_file "$password"
	db_load_time_zones
}

# Named time zones (CONVERT_TZ(..., 'Europe/Paris')), loaded once.
db_load_time_zones() {
	local n
	n=$(db_client -N -e 'SELECT COUNT(*) FROM mysql.time_zone_name') || return 0
	[ "$n" = 0 ] && [ -d /usr/share/zoneinfo ] || return 0
	command -v mariadb-tzinfo-to-sql >/dev/null 2>&1 || return 0
	mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>>"$LOG_DIR/mysql-install.log" |
		db_client mysql || say "warning: time zone tables not loaded"
}

db_stop() {
	local pid
	pid=$(db_pid) || pid=""
	if [ -z "$pid" ]; then
		db_answers && die "a MariaDB answers on $DB_SOCK but its pid is unknown"
		rm -f "$DB_SOCK" "$DB_PID_FILE"
		return 0
	fi
	say "stopping MariaDB (pid $pid)"
	if ! mariadb-admin --no-defaults --protocol=socket --socket="$DB_SOCK" -uroot \
		--connect-timeout=5 shutdown >/dev/null 2>&1; then
		kill -TERM "$pid" 2>/dev/null || true
	fi
	if ! wait_for 60 pid_gone "$pid"; then
		say "MariaDB still running after 60 s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		wait_for 10 pid_gone "$pid" || true
	fi
	rm -f "$DB_SOCK" "$DB_PID_FILE"
}

pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# Migrations, then the demo seed (INSERT IGNORE: loaded on every start).
db_migrate_and_seed() {
	MIGRATE_SOCKET=$DB_SOCK "$ROOT/scripts/migrate.sh" || die "migrations failed"
	db_client pms <"$ROOT/scripts/demo-seed.sql" || die "demo seed failed (scripts/demo-seed.sql)"
}

# ---------------------------------------------------------------- pools

bin_dir() {
	if [ -n "${STACK_BIN_DIR:-}" ]; then
		echo "$STACK_BIN_DIR"
	elif [ "$STACK_VARIANT" = asan ]; then
		echo "$ROOT/build/asan/cgi-bin"
	else
		echo "$ROOT/cgi-bin"
	fi
}

check_binaries() {
	local dir fam missing=()
	case "$STACK_VARIANT" in
	release | asan) ;;
	*) die "STACK_VARIANT must be release or asan, not '$STACK_VARIANT'" ;;
	esac
	dir=$(bin_dir)
	for fam in "${FAMILIES[@]}"; do
		[ -x "$dir/$fam.fcgi" ] || missing+=("$dir/$fam.fcgi")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$STACK_VARIANT" = asan ]; then
		die "missing ${missing[*]}: run 'make asan'"
	fi
	die "missing ${missing[*]}: run 'make'"
}

# Pids of a pool (master and workers): every process listening on its socket.
pool_pids() {
	pgrep -f -- "--listen $(re_escape "$SOCK_DIR/$1.sock")( |$)" || true
}

pool_master() {
	local fam=$1 pid
	if pid=$(live_pid "$RUN_DIR/$fam.pid") &&
	   grep -qaF -- "$SOCK_DIR/$fam.sock" "/proc/$pid/cmdline" 2>/dev/null; then
		echo "$pid"
		return 0
	fi
	pgrep -o -f -- "--listen $(re_escape "$SOCK_DIR/$fam.sock")( |$)"
}

pool_up() { pool_master "$1" >/dev/null && [ -S "$SOCK_DIR/$1.sock" ]; }

pool_launch() {
	local fam=$1 bin=$2
	(
		close_extra_fds
		set -a
		# shellcheck disable=SC1090
		. "$ENV_FILE"
		set +a
		if [ "$STACK_VARIANT" = asan ]; then
			export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
			export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
		fi
		exec setsid "$bin" --listen "$SOCK_DIR/$fam.sock" --workers "$(pool_workers "$fam")" \
			</dev/null >>"$LOG_DIR/$fam.log" 2>&1
	) &
	echo $! >"$RUN_DIR/$fam.pid"
}

# When some pools already run, the missing ones are started with the same
# variant (recorded in <var>/run/variant), so one stack never mixes binaries.
pools_variant() {
	local fam recorded
	recorded=$(cat "$RUN_DIR/variant" 2>/dev/null || true)
	for fam in "${FAMILIES[@]}"; do
		if pool_up "$fam" && [ -n "$recorded" ]; then
			[ "$recorded" = "$STACK_VARIANT" ] ||
				say "warning: the pools run the $recorded binaries; 'stop' first to switch to $STACK_VARIANT" >&2
			echo "$recorded"
			return 0
		fi
	done
	echo "$STACK_VARIANT"
}

pools_start() {
	local fam dir
	STACK_VARIANT=$(pools_variant)
	echo "$STACK_VARIANT" >"$RUN_DIR/variant"
	dir=$(bin_dir)
	for fam in "${FAMILIES[@]}"; do
		pool_up "$fam" && continue
		rm -f "$SOCK_DIR/$fam.sock"
		say "starting pool $fam ($(pool_workers "$fam") workers, $STACK_VARIANT)"
		pool_launch "$fam" "$dir/$fam.fcgi"
	done
	for fam in "${FAMILIES[@]}"; do
		if ! wait_for 30 pool_socket_ready "$fam"; then
			log_tail "$LOG_DIR/$fam.log"
			die "pool $fam did not create $SOCK_DIR/$fam.sock (log: $VAR_NAME/log/$fam.log)"
		fi
	done
}

# Fails at once (exit) when the pool died, so a crash is not waited for.
pool_socket_ready() {
	if ! pool_master "$1" >/dev/null; then
		log_tail "$LOG_DIR/$1.log"
		die "pool $1 exited at start (log: $VAR_NAME/log/$1.log)"
	fi
	[ -S "$SOCK_DIR/$1.sock" ]
}

pools_gone() {
	local fam
	for fam in "$@"; do
		[ -z "$(pool_pids "$fam")" ] || return 1
	done
}

# SIGTERM to every master (the workers exit with it), 10 s, then SIGKILL.
pools_stop() {
	local fam pid stopping=()
	for fam in "${FAMILIES[@]}"; do
		if pid=$(pool_master "$fam"); then
			say "stopping pool $fam (pid $pid)"
			kill -TERM "$pid" 2>/dev/null || true
			stopping+=("$fam")
		elif [ -n "$(pool_pids "$fam")" ]; then
			stopping+=("$fam")
		fi
	done
	if [ ${#stopping[@]} -gt 0 ] && ! wait_for 10 pools_gone "${stopping[@]}"; then
		for fam in "${stopping[@]}"; do
			pid=$(pool_pids "$fam" | tr '\n' ' ')
			[ -n "$pid" ] || continue
			say "pool $fam still running after 10 s: SIGKILL $pid"
			# shellcheck disable=SC2086
			kill -KILL $pid 2>/dev/null || true
		done
		wait_for 5 pools_gone "${stopping[@]}" || true
	fi
	for fam in "${FAMILIES[@]}"; do
		rm -f "$SOCK_DIR/$fam.sock" "$RUN_DIR/$fam.pid"
	done
	rm -f "$RUN_DIR/variant"
}

# ---------------------------------------------------------------- nginx

# Replaces @NAME@ in scripts/nginx.conf.in; paths are escaped for sed.
nginx_render() {
	# One worker: on a small box shared with MariaDB and the pools, a second
	# nginx process only competes for the cores (make bench: 1 worker gave
	# 10-25 % more get/by-uuid and a lower p99 than auto on 2 cores); one
	# worker alone answers over 60,000 static requests/s here.
	local workers=${NGINX_WORKERS:-1} dir servers=""
	# A cluster's front: one server line per directory in each upstream.
	for dir in ${STACK_UPSTREAM_DIRS:-}; do
		servers="${servers}server unix:$(sed_escape "$dir")/\\1.sock; "
	done
	sed -e "${servers:+s|server unix:@SOCK_DIR@/\\([a-z-]*\\)\\.sock; |$servers|}" \
	    -e "s|@PREFIX@|$(sed_escape "$NGINX_DIR")|g" \
	    -e "s|@RUN_DIR@|$(sed_escape "$RUN_DIR")|g" \
	    -e "s|@LOG_DIR@|$(sed_escape "$LOG_DIR")|g" \
	    -e "s|@SOCK_DIR@|$(sed_escape "$SOCK_DIR")|g" \
	    -e "s|@DOCS_DIR@|$(sed_escape "$ROOT/build/docs")|g" \
	    -e "s|@LISTEN@|$HTTP_LISTEN|g" \
	    -e "s|@WORKER_PROCESSES@|$workers|g" \
	    "$ROOT/scripts/nginx.conf.in"
}

sed_escape() { printf '%s' "$1" | sed 's/[|&\\]/\\&/g'; }

nginx_master() {
	local pid
	if pid=$(live_pid "$NGINX_PID_FILE") &&
	   grep -qaF -- "$NGINX_DIR" "/proc/$pid/cmdline" 2>/dev/null; then
		echo "$pid"
		return 0
	fi
	pgrep -o -f -- "^nginx: master process .*-p $(re_escape "$NGINX_DIR")( |$)"
}

nginx_cmd() {
	nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log" "$@"
}

# Writes <var>/nginx/nginx.conf; returns 0 when it changed.
nginx_write_conf() {
	local conf=$NGINX_DIR/nginx.conf new
	mkdir -p "$NGINX_DIR/tmp"
	new=$(nginx_render)
	if [ -f "$conf" ] && [ "$new" = "$(cat "$conf")" ]; then
		return 1
	fi
	printf '%s\n' "$new" >"$conf"
	if ! nginx_cmd -t -q </dev/null >"$LOG_DIR/nginx-start.log" 2>&1; then
		log_tail "$LOG_DIR/nginx-start.log"
		rm -f "$conf"
		die "nginx refuses $conf (template scripts/nginx.conf.in)"
	fi
	return 0
}

nginx_start() {
	local changed=0 pid
	nginx_write_conf && changed=1
	if pid=$(nginx_master); then
		if [ "$changed" = 1 ]; then
			say "reloading nginx (configuration changed)"
			nginx_cmd -s reload </dev/null >>"$LOG_DIR/nginx-start.log" 2>&1 ||
				die "nginx reload failed (log: $VAR_NAME/log/nginx-error.log)"
		fi
		return 0
	fi
	rm -f "$NGINX_PID_FILE"
	say "starting nginx on $HTTP_LISTEN"
	if ! (close_extra_fds && nginx_cmd </dev/null >"$LOG_DIR/nginx-start.log" 2>&1); then
		log_tail "$LOG_DIR/nginx-start.log"
		log_tail "$LOG_DIR/nginx-error.log" 5
		die "nginx did not start (is $HTTP_LISTEN taken?)"
	fi
	wait_for 10 nginx_master_alive || die "nginx exited at start (log: $VAR_NAME/log/nginx-error.log)"
}

nginx_master_alive() { nginx_master >/dev/null; }

# Before anything starts: 8080 must be ours or free.
check_http_port() {
	nginx_master >/dev/null && return 0
	port_taken "${HTTP_LISTEN##*:}" || return 0
	die "$HTTP_LISTEN is taken by another process (not our nginx)"
}

nginx_stop() {
	local pid workers
	pid=$(nginx_master) || { rm -f "$NGINX_PID_FILE"; return 0; }
	say "stopping nginx (pid $pid)"
	workers=$(pgrep -P "$pid" | tr '\n' ' ' || true)
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_for 10 pid_gone "$pid"; then
		say "nginx still running after 10 s: SIGKILL"
		# shellcheck disable=SC2086
		kill -KILL "$pid" $workers 2>/dev/null || true
	fi
	# shellcheck disable=SC2086
	[ -z "$workers" ] || wait_for 5 pids_gone $workers || true
	rm -f "$NGINX_PID_FILE"
}

pids_gone() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 1
	done
	return 0
}

# ---------------------------------------------------------------- HTTP

# One URL per pool; any answer from the application will do (an unknown
# route is a 404 in its envelope), but not nginx's 502/503/504.
probe_path() {
	case "$1" in
	units) echo /v1/units/x/y ;;
	allotments) echo /v1/allotments/x/y ;;
	long-stay-contracts) echo /v1/long-stay-contracts/x/y ;;
	work-orders) echo /rest/amage/v1/work-orders/x/y ;;
	esac
}

http_status() {
	curl -s -o /dev/null -m 5 -w '%{http_code}' "$BASE_URL$(probe_path "$1")" 2>/dev/null || true
}

pool_answers() {
	case "$(http_status "$1")" in
	000 | 502 | 503 | 504 | "") return 1 ;;
	*) return 0 ;;
	esac
}

all_pools_answer() {
	local fam
	for fam in "${FAMILIES[@]}"; do
		pool_answers "$fam" || return 1
	done
}

# ---------------------------------------------------------------- commands

cmd_start() {
	local started=$SECONDS
	require_tools mariadbd mariadb mariadb-admin mariadb-install-db nginx curl openssl pgrep setsid
	check_binaries
	check_http_port
	db_start
	db_migrate_and_seed
	pools_start
	nginx_start
	if ! wait_for 30 all_pools_answer; then
		local fam
		for fam in "${FAMILIES[@]}"; do
			pool_answers "$fam" || say "$fam: no answer through nginx (HTTP $(http_status "$fam"))"
		done
		log_tail "$LOG_DIR/nginx-error.log" 10
		die "the stack does not answer on $BASE_URL"
	fi
	local how="make stop"
	[ "$VAR_NAME" = var ] || how="STACK_VAR_DIR=$VAR_NAME scripts/stack.sh stop"
	say "up on $BASE_URL ($VAR_NAME, $(cat "$RUN_DIR/variant") binaries, $((SECONDS - started)) s); stop with '$how'"
}

cmd_stop() {
	nginx_stop
	pools_stop
	db_stop
	if [ "$SOCK_DIR" != "$RUN_DIR" ]; then
		rmdir "$SOCK_DIR" 2>/dev/null || true
		rm -f "$RUN_DIR/socket-dir"
	fi
	leftovers
}

# Daemons of this tree still running after stop: named, and an error.
leftovers() {
	local left
	left=$(pgrep -af -- "--datadir=$(re_escape "$DB_DIR")( |\$)|-p $(re_escape "$NGINX_DIR")( |\$)|--listen $(re_escape "$SOCK_DIR/")" || true)
	[ -z "$left" ] && { say "stopped"; return 0; }
	printf '%s\n' "$left" >&2
	die "processes of this tree are still running (above)"
}

cmd_status() {
	local ok=0 fam pid code variant
	variant=$(cat "$RUN_DIR/variant" 2>/dev/null || echo "-")
	if db_answers; then
		echo "mariadb: up (socket $DB_SOCK, port $DB_PORT)"
	else
		echo "mariadb: down"
		ok=1
	fi
	for fam in "${FAMILIES[@]}"; do
		if pid=$(pool_master "$fam") && [ -S "$SOCK_DIR/$fam.sock" ]; then
			code=$(http_status "$fam")
			if pool_answers "$fam"; then
				echo "$fam: up (pid $pid, $variant, HTTP $code on $(probe_path "$fam"))"
			else
				echo "$fam: running (pid $pid) but HTTP $code through nginx"
				ok=1
			fi
		else
			echo "$fam: down"
			ok=1
		fi
	done
	if pid=$(nginx_master); then
		echo "nginx: up (pid $pid, $BASE_URL)"
	else
		echo "nginx: down"
		ok=1
	fi
	return "$ok"
}

cmd_db_start() {
	require_tools mariadbd mariadb mariadb-admin mariadb-install-db openssl setsid
	db_start
	say "MariaDB up (socket $DB_SOCK)"
}

cmd_db_stop() {
	db_stop
	say "MariaDB stopped"
}

cmd_db_kill() {
	local pid
	pid=$(db_pid) || die "MariaDB is not running"
	kill -KILL "$pid"
	wait_for 10 pid_gone "$pid" || die "MariaDB $pid survived SIGKILL"
	rm -f "$DB_SOCK" "$DB_PID_FILE"
	say "MariaDB killed (pid $pid)"
}

# nginx alone (a cluster's front: its pools are the nodes' stacks').
cmd_nginx_start() {
	require_tools nginx
	check_http_port
	prepare_dirs
	nginx_start
	say "nginx up on $BASE_URL"
}

cmd_nginx_reload() {
	nginx_master_alive || die "nginx is not running"
	nginx_cmd -s reload
	say "nginx reloaded"
}

cmd_examples() {
	local wo
	wo=$(cat /proc/sys/kernel/random/uuid)
	cat <<-EOF
	# The local stack answers on $BASE_URL.  DEMO ONLY keys and secrets
	# (scripts/demo-seed.sql); the admin tool (bin/pms-admin) makes real ones.
	# The API reference (both APIs, from docs/openapi.yaml): $BASE_URL/docs/
	# One curl per PMS endpoint: README.md, "Every PMS endpoint with curl".

	# PMS API: a unit of the Paris demo hotel (manager key)
	curl -s -w '\n' -H 'X-API-Key: demo-manager-paris-0123456789abcdef0123456789abcdef' $BASE_URL/v1/units/bbbbbbbb-0000-4000-8000-000000000001

	# Another unit with the Paris agent key (any role may read)
	curl -s -w '\n' -H 'X-API-Key: demo-agent-paris-0123456789abcdef0123456789abcdef01' $BASE_URL/v1/units/bbbbbbbb-0000-4000-8000-000000000002

	# Out of scope: the Lyon manager key on a Paris unit (403)
	curl -s -w '\n' -H 'X-API-Key: demo-manager-lyon-0123456789abcdef0123456789abcdef' $BASE_URL/v1/units/bbbbbbbb-0000-4000-8000-000000000001

	# Take unit 103 out of order for three nights from tomorrow (manager only),
	# then see it in the week's availability; return it with DELETE .../out-of-service/<refId>
	curl -s -w '\n' -X POST -H 'X-API-Key: demo-manager-paris-0123456789abcdef0123456789abcdef' -H 'Content-Type: application/json' -H "Idempotency-Key: \$(cat /proc/sys/kernel/random/uuid)" --data "{\"kind\":\"ooo\",\"oooFrom\":\"\$(date -u -d tomorrow +%F)\",\"oooUntil\":\"\$(date -u -d '+4 days' +%F)\"}" $BASE_URL/v1/units/bbbbbbbb-0000-4000-8000-000000000003/out-of-service
	curl -s -w '\n' -H 'X-API-Key: demo-agent-paris-0123456789abcdef0123456789abcdef01' "$BASE_URL/v1/availability?establishmentId=11111111-1111-4111-8111-111111111111&from=\$(date -u +%F)&to=\$(date -u -d '+7 days' +%F)&unitTypeId=aaaaaaaa-0000-4000-8000-000000000001"
	curl -s -w '\n' -H 'X-API-Key: demo-agent-paris-0123456789abcdef0123456789abcdef01' "$BASE_URL/v1/units?establishmentId=11111111-1111-4111-8111-111111111111&size=5"

	# Allotments: a group contingent of 2 double rooms a night for three nights in
	# two weeks, cutoff in a week (manager); a pickup of one room (any role); the
	# allotment with its per-night pickup, and its rooming list
	A=\$(curl -s -X POST -H 'X-API-Key: demo-manager-paris-0123456789abcdef0123456789abcdef' -H 'Content-Type: application/json' --data "{\"establishmentId\":\"11111111-1111-4111-8111-111111111111\",\"ratePlanId\":\"cccccccc-0000-4000-8000-000000000001\",\"channelType\":\"group\",\"allotmentType\":\"allotment\",\"currency\":\"EUR\",\"periodFrom\":\"\$(date -u -d '+14 days' +%F)\",\"periodTo\":\"\$(date -u -d '+17 days' +%F)\",\"unitAllocations\":[{\"unitTypeId\":\"aaaaaaaa-0000-4000-8000-000000000001\",\"quantity\":2}],\"cutoffDate\":\"\$(date -u -d '+7 days' +%F)\",\"minimumPickupPercent\":70,\"penaltyPerRoomNightCents\":\"5000\"}" $BASE_URL/v1/allotments | sed -n 's/.*"allotmentId":"\([^"]*\)".*/\1/p'); echo "allotment \$A"
	curl -s -w '\n' -X POST -H 'X-API-Key: demo-agent-paris-0123456789abcdef0123456789abcdef01' -H 'Content-Type: application/json' --data "{\"checkInDate\":\"\$(date -u -d '+14 days' +%F)\",\"checkOutDate\":\"\$(date -u -d '+16 days' +%F)\",\"unitTypeId\":\"aaaaaaaa-0000-4000-8000-000000000001\",\"ratePlanId\":\"cccccccc-0000-4000-8000-000000000001\",\"guestProfileId\":\"dddddddd-0000-4000-8000-000000000001\",\"channelType\":\"group\",\"segment\":\"group\",\"bookerContactName\":\"CE Acme\",\"bookerContactEmail\":\"ce@acme.fr\"}" $BASE_URL/v1/allotments/\$A/reservations
	curl -s -w '\n' -H 'X-API-Key: demo-agent-paris-0123456789abcdef0123456789abcdef01' $BASE_URL/v1/allotments/\$A
	curl -s -w '\n' -H 'X-API-Key: demo-agent-paris-0123456789abcdef0123456789abcdef01' $BASE_URL/v1/allotments/\$A/reservations

	# AMAGE work orders, signed by scripts/amage-curl (demo client and device;
	# override with AMAGE_API_KEY, AMAGE_SECRET, AMAGE_DEVICE, AMAGE_URL).
	# The add uses a fresh uuid each time these lines are printed: run it once
	# (uuids are not checked for uniqueness; get/by-uuid of a duplicate is a 400).
	scripts/amage-curl GET /rest/amage/v1/work-orders/count
	scripts/amage-curl POST /rest/amage/v1/work-orders/add '{"uuid":"$wo","name":"Leaking tap, room 101","typeUuid":"ffffffff-0000-4000-8000-000000000031","locationUuid":"ffffffff-0000-4000-8000-000000000041","priorityName":"HIGH","assignedUserUuid":"ffffffff-0000-4000-8000-000000000001"}'
	scripts/amage-curl GET /rest/amage/v1/work-orders/get/by-uuid/$wo
	scripts/amage-curl -i GET '/rest/amage/v1/work-orders/list?page=1&size=10'

	# The signature by hand (SPEC 3.1): S = t, METHOD, path?query, device, sha256(body)
	t=\$(date +%s); path=/rest/amage/v1/work-orders/count; dev=0e0e0e0e-0000-4000-8000-000000000001
	body_sha=\$(printf '' | openssl dgst -sha256 | awk '{print \$NF}')
	sig=\$(printf '%s\\n%s\\n%s\\n%s\\n%s' "\$t" GET "\$path" "\$dev" "\$body_sha" | openssl dgst -sha256 -hmac 'demo-amage-secret-0123456789abcdef' | awk '{print \$NF}')
	curl -s -H "device-uuid: \$dev" -H 'api-key: demo-amage-client' -H "api-sign: t=\$t,v1=\$sig" "$BASE_URL\$path"
	EOF
}

usage() {
	echo "usage: scripts/stack.sh start|stop|status|db-start|db-stop|db-kill|nginx-start|nginx-reload|examples" >&2
	exit 2
}

main() {
	[ $# -eq 1 ] || usage
	case "$1" in
	start) cmd_start ;;
	stop) cmd_stop ;;
	status) cmd_status ;;
	db-start) cmd_db_start ;;
	db-stop) cmd_db_stop ;;
	db-kill) cmd_db_kill ;;
	nginx-start) cmd_nginx_start ;;
	nginx-reload) cmd_nginx_reload ;;
	examples) cmd_examples ;;
	*) usage ;;
	esac
}

main "$@"
