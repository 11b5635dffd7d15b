# shellcheck shell=bash
# bench-hot.sh: sourced by scripts/bench.sh and scripts/bench-cluster.sh.
# The hot allotment of their pickup rows, on the bench establishment of
# scripts/bench-seed.sql (DEMO ONLY key): one definite allotment of 3 unit
# types x 30 nights from the business date + 1, 3000 rooms a night each,
# made over HTTP once.  The caller defines sql (one statement on the
# stack's database, tab-separated output) and BENCH_KEY.
# shellcheck disable=SC2034 # G_*: read by the scripts that source this
G_EST=99999999-9999-4999-8999-999999999998
G_TYPES=9998aaaa-0000-4000-8000-000000000001,9998aaaa-0000-4000-8000-000000000002,9998aaaa-0000-4000-8000-000000000003
G_RATE=9998cccc-0000-4000-8000-000000000001
G_GUEST=9998dddd-0000-4000-8000-000000000001

# bench_hot_allotment URL: prints its id (made when missing).
bench_hot_allotment() {
	local url=$1 gbd gfrom gto hot alloc t
	gbd=$(sql "SELECT business_date FROM establishments WHERE id = '$G_EST'")
	gfrom=$(date -u -d "$gbd + 1 day" +%F)
	gto=$(date -u -d "$gbd + 31 days" +%F)
	hot=$(sql "SELECT id FROM allotments WHERE establishment_id = '$G_EST'
		AND status = 'definite' AND period_from = '$gfrom' LIMIT 1")
	if [ -z "$hot" ]; then
		alloc=""
		for t in ${G_TYPES//,/ }; do
			alloc="$alloc${alloc:+,}{\"unitTypeId\":\"$t\",\"quantity\":3000}"
		done
		hot=$(curl -s -X POST -H "X-API-Key: $BENCH_KEY" -H 'Content-Type: application/json' \
			--data "{\"establishmentId\":\"$G_EST\",\"ratePlanId\":\"$G_RATE\",
			\"channelType\":\"group\",\"allotmentType\":\"allotment\",\"currency\":\"EUR\",
			\"periodFrom\":\"$gfrom\",\"periodTo\":\"$gto\",\"unitAllocations\":[$alloc],
			\"cutoffDate\":\"$gfrom\",\"minimumPickupPercent\":70,
			\"penaltyPerRoomNightCents\":\"5000\"}" "$url/v1/allotments" |
			sed -n 's/.*"allotmentId":"\([^"]*\)".*/\1/p')
	fi
	[ -n "$hot" ] || { echo "bench: the hot allotment could not be created" >&2; return 1; }
	echo "$hot"
}

# bench_oversold ALLOTMENT: nights with picked > allocated, or picked not
# the rooms of the active pickups covering the night.
bench_oversold() {
	sql "SELECT COUNT(*) FROM allotment_nights n WHERE n.allotment_id = '$1'
		AND (n.picked > n.allocated OR n.picked <> (SELECT COALESCE(SUM(r.quantity), 0)
		FROM allotment_reservations r WHERE r.allotment_id = n.allotment_id
		AND r.unit_type_id = n.unit_type_id AND r.status = 'active'
		AND r.check_in_date <= n.night AND r.check_out_date > n.night))"
}
