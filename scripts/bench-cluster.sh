#!/usr/bin/env bash
# bench-cluster.sh: `make bench-cluster` (never part of a test): pickups on
# one hot allotment, as make bench's pickup row (32 clients, 1-3-night
# stays of one room, scripts/bench-pickup.lua), on the Galera cluster of
# `make cluster` (release build, started if it is not up):
#   - one writer node: through node 1's own entry (its pools write to it);
#   - three writer nodes: through the front, whose upstreams spread the
#     pickups over the three nodes' pools.
# Each row: pickups/s, p50, p99, non-2xx, the certification conflicts the
# cluster met (wsrep_local_cert_failures + wsrep_local_bf_aborts over the
# nodes) and the oversell check (per night, picked <= allocated and picked
# = the rooms of the active pickups covering it).
# Environment: BENCH_SECONDS (10), CLUSTER_* as scripts/cluster.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SECONDS_EACH=${BENCH_SECONDS:-10}
HTTP_BASE=${CLUSTER_HTTP_PORT:-28180}
CLUSTER_REL=${CLUSTER_VAR_DIR:-var/cluster}
BENCH_KEY=bench-manager-0123456789abcdef0123456789abcdef0123	# DEMO ONLY (bench-seed.sql)
# shellcheck source=scripts/bench-hot.sh
. "$ROOT/scripts/bench-hot.sh"

command -v wrk >/dev/null || { echo "bench-cluster: wrk missing (make deps installs it)" >&2; exit 1; }
scripts/cluster.sh status >/dev/null 2>&1 || scripts/cluster.sh start
sql() { scripts/cluster.sh sql 1 "USE pms; $1"; }

conflicts() {
	local i n total=0
	for i in 1 2 3; do
		n=$(scripts/cluster.sh sql "$i" "SELECT SUM(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS
			WHERE VARIABLE_NAME IN ('WSREP_LOCAL_CERT_FAILURES', 'WSREP_LOCAL_BF_ABORTS')")
		total=$((total + ${n:-0}))
	done
	echo "$total"
}

# The bench establishment (DEMO ONLY key), replicated from node 1.
mariadb --no-defaults -uroot --socket="$(cat "$CLUSTER_REL/n1/run/socket-dir" 2>/dev/null ||
	echo "$CLUSTER_REL/n1/run")/mysqld.sock" pms <scripts/bench-seed.sql
hot=$(bench_hot_allotment "http://127.0.0.1:$HTTP_BASE") || exit 1
gfrom=$(date -u -d "$(sql "SELECT business_date FROM establishments WHERE id = '$G_EST'") + 1 day" +%F)

# row NAME PORT: the allotment emptied, then one wrk run through PORT.
row() {
	local name=$1 port=$2 out before after rps p50 p99 non2xx oversold
	sql "DELETE FROM allotment_reservations WHERE allotment_id = '$hot';
		UPDATE allotment_nights SET picked = 0 WHERE allotment_id = '$hot'"
	sleep 2
	before=$(conflicts)
	out=$(wrk -t2 -c32 -d"${SECONDS_EACH}s" --latency -s scripts/bench-pickup.lua \
		"http://127.0.0.1:$port" -- "$hot" 2 "$BENCH_KEY" "$gfrom" "$G_TYPES" \
		"$G_RATE" "$G_GUEST" 2>&1)
	after=$(conflicts)
	rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec/ { printf "%.0f", $2 }')
	p50=$(printf '%s\n' "$out" | awk '$1 == "50%" { print $2 }')
	p99=$(printf '%s\n' "$out" | awk '$1 == "99%" { print $2 }')
	non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx/ { print $NF }')
	oversold=$(bench_oversold "$hot")
	printf '%-30s %8s/s  p50 %8s  p99 %8s  non-2xx %5s  conflicts %5d  oversold nights %s\n' \
		"$name" "${rps:-?}" "${p50:-?}" "${p99:-?}" "${non2xx:-0}" $((after - before)) "$oversold"
}

echo "bench-cluster: wrk -t2 -c32, ${SECONDS_EACH} s a row, pickups on one hot allotment, $(nproc) cores"
row "pickups, one writer node" $((HTTP_BASE + 1))
row "pickups, three writer nodes" "$HTTP_BASE"
