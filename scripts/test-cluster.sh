#!/usr/bin/env bash
# test-cluster.sh: the runner behind `make test-cluster` (not part of make
# test).  A 3-node Galera cluster of its own (scripts/cluster.sh with
# CLUSTER_VAR_DIR=var/test-cluster, the ASan pools, ports 28280-28283,
# 23511-23513 and 23521-23543), made from nothing every run and stopped at
# the end, also on failure or interruption.  Then:
#
#  - races across nodes: the racer tests of test_allotments_pickup and
#    test_unit_blocks (40 pickups on an allocation of 3, mixed stays, 50
#    blocks on a type with room for k) through the front, each racer
#    sending through one of the three nodes' own entries in turn
#    (PMS_TEST_RACER_URLS): exact counts, nothing oversold;
#  - tests/cluster/test_*: a node killed under write load
#    (test_cluster_node_kill);
#  - the certification conflicts the cluster met meanwhile (Galera's
#    wsrep_local_cert_failures + wsrep_local_bf_aborts, summed over the
#    nodes): every one was retried by lib/db.c, or a count above failed.
#
# Output: each binary's TAP, then `N passed, N failed` as the last line.
# Exit 0 only when nothing failed and something passed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=$ROOT/build/asan/tests
export CLUSTER_VAR_DIR=var/test-cluster
export CLUSTER_HTTP_PORT=${TEST_CLUSTER_HTTP_PORT:-28280}
export CLUSTER_DB_PORT=${TEST_CLUSTER_DB_PORT:-23511}
export CLUSTER_GALERA_PORT=${TEST_CLUSTER_GALERA_PORT:-23521}
export STACK_VARIANT=asan
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1
CLUSTER=$ROOT/$CLUSTER_VAR_DIR
PASSED=0
FAILED=0
STARTED=0

say() { printf '%s\n' "test-cluster: $*"; }

cluster() { "$ROOT/scripts/cluster.sh" "$@"; }

stop_cluster() {
	[ "$STARTED" = 1 ] || return 0
	STARTED=0
	cluster stop >"$ROOT/var/test-cluster.stop.log" 2>&1 ||
		{ say "the cluster did not stop cleanly (var/test-cluster.stop.log)"; FAILED=$((FAILED + 1)); }
}

# Sum of wsrep_local_cert_failures + wsrep_local_bf_aborts over the nodes.
conflicts() {
	local i n total=0
	for i in 1 2 3; do
		n=$(cluster sql "$i" "SELECT SUM(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS
			WHERE VARIABLE_NAME IN ('WSREP_LOCAL_CERT_FAILURES', 'WSREP_LOCAL_BF_ABORTS')" || echo 0)
		total=$((total + ${n:-0}))
	done
	echo "$total"
}

# run BIN [TEST...]: counts its "ok" / "not ok" lines against its plan.
run() {
	local bin=$1 out rc=0 plan ok notok
	shift
	echo "== $(basename "$bin") $*"
	if [ ! -x "$bin" ]; then
		say "$bin is missing"
		FAILED=$((FAILED + 1))
		return
	fi
	out=$(timeout 600 "$bin" "$@" 2>&1) || rc=$?
	printf '%s\n' "$out"
	plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | head -n 1)
	ok=$(printf '%s\n' "$out" | grep -c '^ok ' || true)
	notok=$(printf '%s\n' "$out" | grep -c '^not ok ' || true)
	PASSED=$((PASSED + ok))
	FAILED=$((FAILED + notok))
	if [ -z "$plan" ] || [ $((ok + notok)) -lt "$plan" ]; then
		say "$(basename "$bin"): $((${plan:-1} - ok - notok)) tests did not run (exit $rc)"
		FAILED=$((FAILED + ${plan:-1} - ok - notok))
	fi
}

main() {
	local before after front
	trap stop_cluster EXIT
	trap 'exit 130' INT TERM
	# From nothing: a cluster left by a killed run is stopped first.
	cluster stop >/dev/null 2>&1 || true
	rm -rf "$CLUSTER"
	STARTED=1
	if ! cluster start; then
		say "the cluster did not start"
		FAILED=$((FAILED + 1))
		echo "$PASSED passed, $FAILED failed"
		exit 1
	fi
	front=http://127.0.0.1:$CLUSTER_HTTP_PORT
	set -a
	# shellcheck disable=SC1091
	. "$CLUSTER/n1/pms.env"
	set +a
	export PMS_ROOT=$ROOT PMS_TEST_URL=$front PMS_TEST_VAR=$CLUSTER/n1
	export PMS_TEST_CLUSTER=$CLUSTER PMS_HORIZON_DAYS=${PMS_HORIZON_DAYS:-365}
	export PMS_TEST_RACER_URLS="http://127.0.0.1:$((CLUSTER_HTTP_PORT + 1)) http://127.0.0.1:$((CLUSTER_HTTP_PORT + 2)) http://127.0.0.1:$((CLUSTER_HTTP_PORT + 3))"
	before=$(conflicts)
	run "$BUILD_DIR/integration/test_allotments_pickup" \
		forty_racing_pickups_on_an_allocation_of_3_take_exactly_3 \
		racing_pickups_of_mixed_stays_and_refusals_are_each_answered_as_alone
	run "$BUILD_DIR/integration/test_unit_blocks" \
		fifty_racing_blocks_on_a_type_with_room_for_k_accept_exactly_k_and_never_oversell
	after=$(conflicts)
	echo "# races across nodes: $((after - before)) certification conflicts met and retried"
	for bin in "$BUILD_DIR"/cluster/test_*; do
		run "$bin"
	done
	stop_cluster
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
}

main "$@"
