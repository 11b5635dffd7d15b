#!/usr/bin/env bash
# fuzz.sh: `make fuzz`, never part of `make test`.  Runs each libFuzzer
# harness (build/fuzz/tests/fuzz/fuzz_*, built by make fuzz with clang,
# ASan and UBSan) from its seed corpus tests/fuzz/corpus/<harness>/ for at
# most FUZZ_RUNS executions or FUZZ_SECONDS seconds (defaults 5,000,000
# and 60), then merges what it found into that corpus: only the inputs
# that reach code the corpus did not (libFuzzer's -merge=1), so it stays
# small.  A crash or a broken invariant (a harness aborts) is copied into
# the corpus as crash-<sha1>, where make test replays it from then on, and
# fails the run.  Prints one line per harness: executions, new inputs,
# crashes.  Commit the corpus files it adds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${FUZZ_RUNS:-5000000}
SECONDS_EACH=${FUZZ_SECONDS:-60}
WORK=build/fuzz/work
CRASHES=0

fuzz_one() {
	local bin=$1 h corpus scratch art log runs before after n f
	h=$(basename "$bin")
	corpus=tests/fuzz/corpus/$h
	scratch=$WORK/$h
	art=$WORK/$h-artifacts
	log=$WORK/$h.log
	rm -rf "$scratch" "$art"
	mkdir -p "$scratch" "$art" "$corpus"
	before=$(find "$corpus" -maxdepth 1 -type f | wc -l)
	# New inputs go to the first directory; the seeds are read from both.
	"$bin" -runs="$RUNS" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" \
		"$scratch" "$corpus" >"$log" 2>&1 || true
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	"$bin" -merge=1 "$corpus" "$scratch" >>"$log" 2>&1 ||
		echo "fuzz: $h: the merge failed, see $log" >&2
	n=0
	for f in "$art"/*; do
		[ -e "$f" ] || continue
		cp "$f" "$corpus/crash-$(sha1sum "$f" | cut -c1-40)"
		n=$((n + 1))
	done
	# Counted after the crashes are in, which the line subtracts.
	after=$(find "$corpus" -maxdepth 1 -type f | wc -l)
	CRASHES=$((CRASHES + n))
	printf '%-20s %12s executions in <= %s s  %4d new corpus inputs  %d crashes%s\n' \
		"$h" "${runs:-?}" "$SECONDS_EACH" $((after - before - n)) "$n" \
		"$([ "$n" -eq 0 ] || echo "  (see $log)")"
}

main() {
	local bin found=0
	mkdir -p "$WORK"
	echo "fuzz: libFuzzer, at most $RUNS executions or $SECONDS_EACH s per harness"
	for bin in build/fuzz/tests/fuzz/fuzz_*; do
		[ -x "$bin" ] || continue
		found=1
		fuzz_one "$bin"
	done
	[ "$found" = 1 ] || { echo "fuzz: no harness built (make fuzz builds them)" >&2; exit 1; }
	if [ "$CRASHES" -gt 0 ]; then
		echo "fuzz: $CRASHES crash(es), now in tests/fuzz/corpus: make test replays them" >&2
		exit 1
	fi
	echo "fuzz: no crash; commit what was added to tests/fuzz/corpus"
}

main "$@"
