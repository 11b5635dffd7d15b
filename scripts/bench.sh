#!/usr/bin/env bash
# bench.sh: `make bench`, never part of `make test`.  Drives the local stack
# through nginx with wrk (-t2 -c16, BENCH_SECONDS each, default 10) and
# prints one table: requests/s, p50, p99, non-2xx responses, and the ratio
# to nginx answering a static `return 200` from the same nginx in the same
# run; then each pool's worker RSS.
#   rows: static, get/by-uuid (random uuids over >= 100,000 work orders),
#   count, list page 1 and the last page (size 50), add (every request
#   signed afresh with a distinct body, pre-generated: wrk's Lua has no
#   HMAC), PMS GET /v1/units/{unitId} with a demo key, and on the bench
#   establishment (200 units, 10 types, scripts/bench-seed.sql) an
#   open-ended block with its return to service (scripts/bench-block.lua)
#   and GET /v1/availability over 30 and 366 nights; then the time of one
#   open-ended (365-night) block alone; then pickups on one hot allotment
#   (32 clients, scripts/bench-pickup.lua) with the oversell check.
#   Its PHP peer is ../shared/bench's php/pickup (peer-bench.sh).
# Starts the stack if it is not up and loads the work orders it needs
# (reusing what is there).  BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_THREADS,
# BENCH_ROWS (all, or pickup).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SECONDS_EACH=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
URL=http://127.0.0.1:${STACK_HTTP_PORT:-8080}
W=/rest/amage/v1/work-orders
SECRET=demo-amage-secret-0123456789abcdef	# DEMO ONLY client of the demo seed
KEY=demo-amage-client
DEVICE=0e0e0e0e-0000-4000-8000-000000000001
# The stack's var directory, as scripts/stack.sh reads STACK_VAR_DIR.
VAR=${STACK_VAR_DIR:-var}
case "$VAR" in /*) ;; *) VAR=$ROOT/$VAR ;; esac
WORK=$VAR/bench
SIGN=$ROOT/build/release/bench_sign

command -v wrk >/dev/null || { echo "bench: wrk missing (make deps installs it)" >&2; exit 1; }
scripts/stack.sh status >/dev/null 2>&1 || scripts/stack.sh start
[ "$(cat "$VAR/run/variant" 2>/dev/null || echo release)" = release ] ||
	echo "bench: warning: the stack runs the ASan build; 'make stop && make bench' measures the release build" >&2
scripts/load-work-orders.sh 100000
mkdir -p "$WORK"
# shellcheck disable=SC1091
. "$VAR/pms.env"
# 10,000 random uuids among the first 100,000 work orders, leaving out the
# uuids shared by several (the tests make some): those answer 400 by design.
mariadb --socket="$PMS_DB_SOCKET" -uroot -N -B pms -e "SELECT uuid FROM
	(SELECT uuid FROM work_orders ORDER BY id LIMIT 100000) t
	WHERE uuid NOT IN (SELECT uuid FROM work_order_shared_uuids)
	ORDER BY RAND() LIMIT 10000" >"$WORK/uuids.txt"
# Warm-up, untimed: the uuid index, as after any while of traffic (the
# query above has read the rows themselves).  A database just started
# would otherwise measure its disk reads.
mariadb --socket="$PMS_DB_SOCKET" -uroot -N -B pms -e "SELECT COUNT(uuid_key)
	FROM work_orders FORCE INDEX (uq_work_orders_uuid_key)" >/dev/null

# Milliseconds from wrk's "1.23ms" / "850.00us" / "1.02s".
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
		else if (v ~ /s$/) n *= 1000
		printf "%.2f", n }'
}

# run NAME FILE: one wrk run replaying FILE's requests; prints a table row.
STATIC_RPS=
# run NAME FILE [SCRIPT ARGS...]: SCRIPT (default bench.lua) gets FILE,
# the thread count, then ARGS.  ROW_CONNS overrides the connections.
run() {
	local name=$1 file=$2 script=${3:-scripts/bench.lua} out rps p50 p99 non2xx ratio
	shift 2
	[ $# -eq 0 ] || shift
	out=$(wrk -t"$THREADS" -c"${ROW_CONNS:-$CONNS}" -d"${SECONDS_EACH}s" --latency \
		-s "$script" "$URL" -- "$file" "$THREADS" "$@" 2>&1)
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
	non2xx=${non2xx:-0}
	[ -n "$STATIC_RPS" ] || STATIC_RPS=$rps
	ratio=$(awk -v a="$rps" -v b="$STATIC_RPS" 'BEGIN {printf "%.3f", a / b}')
	printf '%-22s %10.0f %9s %9s %9s %9s\n' "$name" "$rps" "$p50" "$p99" "$non2xx" "$ratio"
}

printf 'GET\t/bench/static\t\t\n' >"$WORK/static.txt"
printf 'GET\t/v1/units/bbbbbbbb-0000-4000-8000-000000000001\tX-API-Key: demo-agent-paris-0123456789abcdef0123456789abcdef01\t\n' >"$WORK/unit.txt"
count=$(mariadb --socket="$PMS_DB_SOCKET" -uroot -N -B pms -e "SELECT SUM(n) FROM work_order_id_blocks")
last=$(( (count + 49) / 50 ))

echo "bench: wrk -t$THREADS -c$CONNS, ${SECONDS_EACH} s a row, $count work orders, $(nproc) cores"
printf '%-22s %10s %9s %9s %9s %9s\n' row 'req/s' 'p50 ms' 'p99 ms' 'non-2xx' 'x static'
run static "$WORK/static.txt"
# BENCH_ROWS=pickup: only the static row and the hot allotment's pickups
# (the peer comparison of issue 16, a minute instead of three).
ALL_ROWS=1
[ "${BENCH_ROWS:-all}" = pickup ] && ALL_ROWS=
if [ -n "$ALL_ROWS" ]; then
# Signatures are made just before each row: they hold for 300 s.
"$SIGN" get "$SECRET" "$KEY" "$DEVICE" "$W/get/by-uuid/" <"$WORK/uuids.txt" >"$WORK/get.txt"
run get/by-uuid "$WORK/get.txt"
"$SIGN" path "$SECRET" "$KEY" "$DEVICE" "$W/count" >"$WORK/count.txt"
run count "$WORK/count.txt"
"$SIGN" path "$SECRET" "$KEY" "$DEVICE" "$W/list?page=1&size=50" >"$WORK/list1.txt"
run "list page 1" "$WORK/list1.txt"
"$SIGN" path "$SECRET" "$KEY" "$DEVICE" "$W/list?page=$last&size=50" >"$WORK/listlast.txt"
run "list page $last" "$WORK/listlast.txt"
# Enough distinct bodies that none is sent twice at 20,000 req/s.
"$SIGN" add "$SECRET" "$KEY" "$DEVICE" $(( SECONDS_EACH * 20000 )) >"$WORK/add.txt"
run add "$WORK/add.txt"
run "units GET (PMS)" "$WORK/unit.txt"
fi

# Inventory rows (SPEC 2.2, 2.3) on the bench establishment: 200 units in
# 10 types (scripts/bench-seed.sql, DEMO ONLY key).
mariadb --socket="$PMS_DB_SOCKET" -uroot pms <scripts/bench-seed.sql
BENCH_EST=99999999-9999-4999-8999-999999999999
BENCH_KEY=bench-manager-0123456789abcdef0123456789abcdef0123	# DEMO ONLY
bd=$(mariadb --socket="$PMS_DB_SOCKET" -uroot -N -B pms -e "SELECT
	business_date FROM establishments WHERE id = '$BENCH_EST'")
mariadb --socket="$PMS_DB_SOCKET" -uroot -N -B pms -e "SELECT id FROM units
	WHERE establishment_id = '$BENCH_EST' ORDER BY id" >"$WORK/bench-units.txt"
# block UNIT: one open-ended block; prints "seconds refId".
block() {
	curl -s -o "$WORK/block.json" -w '%{time_total}' -X POST \
		-H "X-API-Key: $BENCH_KEY" -H 'Content-Type: application/json' \
		--data "{\"kind\":\"ooo\",\"oooFrom\":\"$bd\"}" \
		"$URL/v1/units/$1/out-of-service"
	printf ' %s\n' "$(sed -n 's/.*"refId":"\([^"]*\)".*/\1/p' "$WORK/block.json")"
}
unblock() {
	curl -s -o /dev/null -X DELETE -H "X-API-Key: $BENCH_KEY" \
		"$URL/v1/units/$1/out-of-service/$2"
}
# Blocks a stopped wrk left open (requests in flight at its end) would
# answer 409 and slow the reads: return them to service first.
return_open_blocks() {
	mariadb --socket="$PMS_DB_SOCKET" -uroot -N -B pms -e "SELECT unit_id, id
		FROM unit_blocks WHERE establishment_id = '$BENCH_EST'
		AND released_at IS NULL" | while read -r unit ref; do
		unblock "$unit" "$ref"
	done
}
if [ -n "$ALL_ROWS" ]; then
return_open_blocks
u1=$(head -1 "$WORK/bench-units.txt")
read -r _ ref < <(block "$u1")	# the first one materialises the horizon
unblock "$u1" "$ref"
run "block 365 + return" "$WORK/bench-units.txt" scripts/bench-block.lua \
	"$BENCH_KEY" "$bd"
return_open_blocks
to30=$(date -u -d "$bd + 30 days" +%F)
to366=$(date -u -d "$bd + 366 days" +%F)
printf 'GET\t/v1/availability?establishmentId=%s&from=%s&to=%s\tX-API-Key: %s\t\n' \
	"$BENCH_EST" "$bd" "$to30" "$BENCH_KEY" >"$WORK/avail30.txt"
printf 'GET\t/v1/availability?establishmentId=%s&from=%s&to=%s\tX-API-Key: %s\t\n' \
	"$BENCH_EST" "$bd" "$to366" "$BENCH_KEY" >"$WORK/avail366.txt"
run "availability 30 nights" "$WORK/avail30.txt"
run "availability 366 nights" "$WORK/avail366.txt"
# One open-ended block alone (365 nights of one type), five times.
times=""
for _ in 1 2 3 4 5; do
	read -r t ref < <(block "$u1")
	times="$times $(awk -v t="$t" 'BEGIN {printf "%.1f", t * 1000}')"
	unblock "$u1" "$ref"
done
echo "one open-ended block (365 nights), ms, five in a row:$times"
fi

# Pickups on one hot allotment (issue 16), as ../shared/bench's php/pickup
# does them: 32 clients, 1-3-night stays of one room, on one definite
# allotment of 3 unit types x 30 nights, 3000 rooms a night each
# (scripts/bench-seed.sql).  Made over HTTP once; its pickups are emptied
# before each run (the allocation stays committed, as while it is open).
# Then the oversell check: per night, picked <= allocated and picked = the
# rooms of the active reservations covering it.
# shellcheck source=scripts/bench-hot.sh
. "$ROOT/scripts/bench-hot.sh"
sql() { mariadb --socket="$PMS_DB_SOCKET" -uroot -N -B pms -e "$1"; }
gbd=$(sql "SELECT business_date FROM establishments WHERE id = '$G_EST'")
# Older hot allotments (another business date): emptied and cancelled, so
# their rooms are free for today's.
for old in $(sql "SELECT id FROM allotments WHERE establishment_id = '$G_EST'
	AND status = 'definite' AND period_from <> '$(date -u -d "$gbd + 1 day" +%F)'"); do
	sql "DELETE FROM allotment_reservations WHERE allotment_id = '$old';
		UPDATE allotment_nights SET picked = 0 WHERE allotment_id = '$old'"
	curl -s -o /dev/null -X POST -H "X-API-Key: $BENCH_KEY" "$URL/v1/allotments/$old/cancel"
done
hot=$(bench_hot_allotment "$URL") || exit 1
gfrom=$(date -u -d "$gbd + 1 day" +%F)
sql "DELETE FROM allotment_reservations WHERE allotment_id = '$hot';
	UPDATE allotment_nights SET picked = 0 WHERE allotment_id = '$hot'"
# Let InnoDB purge the deleted rows before the clock runs: a purge
# running beside the pickups would be measured with them.
for _ in $(seq 60); do
	[ "$(sql "SHOW GLOBAL STATUS LIKE 'Innodb_history_list_length'" |
		cut -f2)" -lt 100 ] && break
	sleep 1
done
# And let it write back the pages that delete dirtied (down to 5 % of the
# pool, below the 10 % where the stack's page cleaner starts), so the run
# flushes only what its own pickups dirty.
for _ in $(seq 60); do
	sql "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_%'" | awk '
		$1 ~ /_dirty$/ { d = $2 } $1 ~ /_total$/ { t = $2 }
		END { exit !(d * 20 <= t) }' && break
	sleep 1
done
ROW_CONNS=32 run "pickup, hot allotment" "$hot" scripts/bench-pickup.lua \
	"$BENCH_KEY" "$gfrom" "$G_TYPES" "$G_RATE" "$G_GUEST"
oversold=$(bench_oversold "$hot")
picked=$(sql "SELECT SUM(picked) FROM allotment_nights WHERE allotment_id = '$hot'")
pickups=$(sql "SELECT COUNT(*) FROM allotment_reservations WHERE allotment_id = '$hot'")
echo "hot allotment: $pickups pickups stored, $picked room-nights picked, oversold nights: $oversold"

echo
echo "worker RSS (KiB), per pool: max / mean over its workers"
for f in units allotments long-stay-contracts work-orders; do
	master=$(cat "$VAR/run/$f.pid" 2>/dev/null) || continue
	pgrep -P "$master" | while read -r pid; do
		awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"
	done | awk -v f="$f" '{ s += $1; if ($1 > m) m = $1; n++ }
		END { if (n) printf "  %-22s %6d / %6d  (%d workers)\n", f, m, s / n, n }'
done
