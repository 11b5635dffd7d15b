#!/usr/bin/env bash
# cluster.sh: `make cluster` / `make cluster-stop`: the stack on a 3-node
# MariaDB Galera cluster, on this machine, with real nodes (docs/cluster.md).
#
#   var/cluster/n1 .. n3   one scripts/stack.sh stack per node: its
#                          MariaDB a Galera member (STACK_DB_ARGS), its four
#                          pools reaching their own node first and the two
#                          others after it (STACK_DB_HOSTS: a pool whose
#                          node dies goes on with the next), its nginx on
#                          127.0.0.1:$((HTTP_BASE + i)), the node's own entry
#                          (the cluster tests split racers across nodes so)
#   var/cluster/front      one nginx on 127.0.0.1:$HTTP_BASE whose upstream
#                          per family holds the three nodes' pools
#
#   scripts/cluster.sh start          start what is not running
#   scripts/cluster.sh stop           stop everything (node 1 last)
#   scripts/cluster.sh status         exit 0 when 3 nodes are Synced
#   scripts/cluster.sh node-kill N    SIGKILL node N's MariaDB
#   scripts/cluster.sh node-start N   start node N's MariaDB again (it
#                                     rejoins by IST), wait until Synced
#   scripts/cluster.sh sql N 'SQL'    run SQL on node N as root (tests)
#
# A first start bootstraps node 1, applies the migrations and the demo
# seed there, stops it cleanly and copies its datadir to nodes 2 and 3, so
# they join at the same state with no state transfer (an SST by rsync
# cannot run as root: PITFALLS.md).  After a full stop, the node stopped
# last (safe_to_bootstrap: 1) bootstraps the cluster again.
#
# Environment: CLUSTER_VAR_DIR (var/cluster, relative to the tree),
# CLUSTER_HTTP_PORT (28180: front; nodes +1..+3),
# CLUSTER_DB_PORT (23411: node 1; +1, +2), CLUSTER_GALERA_PORT (23421:
# group communication; IST +10, SST +20), STACK_VARIANT, POOL_WORKERS
# (default 2 per pool: twelve pools share the machine).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CLUSTER_REL=${CLUSTER_VAR_DIR:-var/cluster}
CLUSTER_DIR=$ROOT/$CLUSTER_REL
HTTP_BASE=${CLUSTER_HTTP_PORT:-28180}
DB_BASE=${CLUSTER_DB_PORT:-23411}
GALERA_BASE=${CLUSTER_GALERA_PORT:-23421}
PROVIDER=/usr/lib/galera/libgalera_smm.so
export POOL_WORKERS=${POOL_WORKERS:-2}
export STACK_VARIANT=${STACK_VARIANT:-release}
export STACK_DB_PASSWORD_FILE=$CLUSTER_DIR/db-password
NODES=(1 2 3)

say() { printf '%s\n' "cluster: $*"; }
die() { printf '%s\n' "cluster: $*" >&2; exit 1; }

db_port() { echo $((DB_BASE + $1 - 1)); }
gcomm_port() { echo $((GALERA_BASE + $1 - 1)); }
node_dir() { echo "$CLUSTER_DIR/n$1"; }

# The pools of node i: their own node first, then the two others.
node_hosts() {
	local i=$1 j list=""
	for j in 0 1 2; do
		list="$list${list:+,}127.0.0.1:$(db_port $(((i - 1 + j) % 3 + 1)))"
	done
	echo "$list"
}

# Node i's option file: a Galera member (mariadbd and its SST scripts
# read it; the rest of the settings are stack.sh's command line).
node_cnf() {
	local i=$1 peers cnf
	cnf=$(node_dir "$i")/my.cnf
	peers="127.0.0.1:$(gcomm_port 1),127.0.0.1:$(gcomm_port 2),127.0.0.1:$(gcomm_port 3)"
	mkdir -p "$(node_dir "$i")"
	# binlog_format ROW and autoinc_lock_mode 2: what Galera requires;
	# each node's AUTO_INCREMENT then steps by the cluster size from its
	# own offset (wsrep_auto_increment_control), so ids never clash.
	# SST by mariabackup: rsync's daemon drops root to nobody and cannot
	# write the joiner's datadir (PITFALLS.md).  Its logs go to files in
	# the datadir, not to syslog.
	cat >"$cnf" <<-EOF
		[mysqld]
		wsrep_on = ON
		wsrep_provider = $PROVIDER
		wsrep_cluster_name = pms
		wsrep_node_name = n$i
		wsrep_node_address = 127.0.0.1:$(gcomm_port "$i")
		wsrep_cluster_address = gcomm://$peers
		wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$i"); ist.recv_addr=127.0.0.1:$(($(gcomm_port "$i") + 10)); gcache.size=256M"
		wsrep_sst_receive_address = 127.0.0.1:$(($(gcomm_port "$i") + 20))
		wsrep_sst_method = mariabackup
		wsrep_sst_auth = root:
		binlog_format = ROW
		innodb_autoinc_lock_mode = 2
		# Three nodes share the machine: a quarter of one node's sizes.
		innodb_buffer_pool_size = 256M
		innodb_log_file_size = 256M
		innodb_max_dirty_pages_pct_lwm = 10
		[sst]
		sst-syslog = -1
	EOF
	echo "$cnf"
}

# scripts/stack.sh VERB on node i; extra: more mariadbd options.
node_stack() {
	local i=$1 verb=$2 extra=${3:-}
	STACK_VAR_DIR=$CLUSTER_REL/n$i STACK_HTTP_PORT=$((HTTP_BASE + i)) \
		STACK_DB_PORT=$(db_port "$i") STACK_DB_HOSTS=$(node_hosts "$i") \
		STACK_DB_CNF=$(node_cnf "$i") STACK_DB_ARGS="$extra" \
		"$ROOT/scripts/stack.sh" "$verb"
}

# The unix socket directory of node i's stack (stack.sh may move it).
node_sock_dir() {
	local d
	d=$(node_dir "$1")/run
	cat "$d/socket-dir" 2>/dev/null || echo "$d"
}

node_sql() {
	mariadb --no-defaults --protocol=socket --socket="$(node_sock_dir "$1")/mysqld.sock" \
		-uroot -N -B -e "$2" 2>/dev/null
}

node_db_up() { [ -S "$(node_sock_dir "$1")/mysqld.sock" ] && node_sql "$1" 'SELECT 1' >/dev/null; }

# "Synced 3" when node i is a synced member of a 3-node primary component.
node_state() {
	node_sql "$1" "SELECT GROUP_CONCAT(VARIABLE_VALUE ORDER BY VARIABLE_NAME SEPARATOR ' ')
		FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN
		('WSREP_LOCAL_STATE_COMMENT', 'WSREP_CLUSTER_SIZE')" | awk '{ print $2, $1 }'
}

all_synced() {
	local i
	for i in "${NODES[@]}"; do
		[ "$(node_state "$i")" = "Synced 3" ] || return 1
	done
}

wait_synced() {
	local deadline=$((SECONDS + ${1:-90}))
	until all_synced; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.5
	done
}

grastate() { sed -n "s/^$2: *//p" "$(node_dir "$1")/db/grastate.dat" 2>/dev/null; }

# The first start: node 1 bootstraps and takes the schema and the demo
# data; the others then join with a full state transfer from it.
cluster_create() {
	say "creating the cluster: node 1 bootstraps and takes the schema and demo data"
	node_stack 1 start --wsrep-new-cluster
}

# With no node running: the node that may bootstrap (the one stopped
# last); none when a crash left no such node (then it is an admin's call:
# docs/cluster.md).
bootstrap_node() {
	local i
	for i in "${NODES[@]}"; do
		if [ "$(grastate "$i" safe_to_bootstrap)" = 1 ]; then
			echo "$i"
			return 0
		fi
	done
	return 1
}

cmd_start() {
	local i first="" running=0
	if ! command -v mariadbd >/dev/null || [ ! -f "$PROVIDER" ] ||
		! command -v mariabackup >/dev/null; then
		die "missing mariadbd, mariabackup or $PROVIDER: run 'scripts/deps.sh cluster'"
	fi
	mkdir -p "$CLUSTER_DIR"
	for i in "${NODES[@]}"; do
		node_db_up "$i" && running=1
	done
	if [ "$running" = 0 ]; then
		if [ ! -d "$(node_dir 1)/db/mysql" ]; then
			cluster_create
			first=1
		else
			first=$(bootstrap_node) ||
				die "no node may bootstrap (none has safe_to_bootstrap: 1 in its grastate.dat): see docs/cluster.md"
			say "bootstrapping from node $first (stopped last)"
			node_stack "$first" start --wsrep-new-cluster
		fi
	fi
	for i in "${NODES[@]}"; do
		[ "$i" = "$first" ] && continue
		node_stack "$i" start
	done
	[ "$first" = 1 ] && node_stack 1 start
	wait_synced 120 || die "the nodes are not all Synced in a cluster of 3: $(cmd_status_line)"
	STACK_VAR_DIR=$CLUSTER_REL/front STACK_HTTP_PORT=$HTTP_BASE \
		STACK_UPSTREAM_DIRS="$(node_sock_dir 1) $(node_sock_dir 2) $(node_sock_dir 3)" \
		"$ROOT/scripts/stack.sh" nginx-start
	say "up: front http://127.0.0.1:$HTTP_BASE, nodes' own entries :$((HTTP_BASE + 1)) :$((HTTP_BASE + 2)) :$((HTTP_BASE + 3)); $(cmd_status_line)"
}

cmd_status_line() {
	local i out=""
	for i in "${NODES[@]}"; do
		out="$out n$i=$(node_state "$i" 2>/dev/null | tr ' ' '/' || true)"
	done
	echo "${out# }"
}

cmd_stop() {
	local i
	STACK_VAR_DIR=$CLUSTER_REL/front STACK_HTTP_PORT=$HTTP_BASE "$ROOT/scripts/stack.sh" stop
	# Node 1 last: it is then the one that may bootstrap the next start.
	for i in 3 2 1; do
		[ -d "$(node_dir "$i")" ] || continue
		node_stack "$i" stop
	done
}

cmd_status() {
	local line
	line=$(cmd_status_line)
	echo "$line"
	all_synced
}

cmd_node_kill() {
	local i=$1
	node_stack "$i" db-kill
}

# After a crash grastate.dat says seqno -1, and a node started so asks
# for a full state transfer.  InnoDB knows the last transaction it
# committed: `mariadbd --wsrep-recover` prints it, and a node started at
# that position gets only what it missed from a donor's cache (IST).
node_recovered_position() {
	local i=$1 dir log pos
	dir=$(node_dir "$i")
	log=$dir/log/wsrep-recover.log
	mariadbd --defaults-file="$dir/my.cnf" --user=root --datadir="$dir/db" \
		--log-error="$log" --wsrep-recover </dev/null >/dev/null 2>&1 || true
	pos=$(sed -n 's/.*WSREP: Recovered position: *\([0-9a-f-]*:[0-9-]*\).*/\1/p' "$log" | tail -n 1)
	[ -n "$pos" ] && [ "${pos##*:}" != -1 ] && echo "$pos"
}

cmd_node_start() {
	local i=$1 pos extra=""
	if [ "$(grastate "$i" seqno)" = -1 ] && ! node_db_up "$i"; then
		pos=$(node_recovered_position "$i") ||
			die "node $i: no position recovered (log: $CLUSTER_REL/n$i/log/wsrep-recover.log)"
		say "node $i crashed at $pos: it rejoins from there (IST)"
		extra=--wsrep-start-position=$pos
	fi
	node_stack "$i" db-start "$extra"
	wait_synced 120 || die "node $i did not rejoin: $(cmd_status_line)"
	say "node $i rejoined: $(cmd_status_line)"
}

usage() {
	echo "usage: scripts/cluster.sh start|stop|status|node-kill N|node-start N|sql N SQL" >&2
	exit 2
}

node_arg() {
	case "${1:-}" in
	1 | 2 | 3) echo "$1" ;;
	*) usage ;;
	esac
}

main() {
	[ $# -ge 1 ] || usage
	case "$1" in
	start) cmd_start ;;
	stop) cmd_stop ;;
	status) cmd_status ;;
	node-kill) cmd_node_kill "$(node_arg "${2:-}")" ;;
	node-start) cmd_node_start "$(node_arg "${2:-}")" ;;
	sql) node_sql "$(node_arg "${2:-}")" "${3:?SQL}" ;;
	*) usage ;;
	esac
}

main "$@"
