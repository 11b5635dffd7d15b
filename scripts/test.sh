#!/usr/bin/env bash
# test.sh: the suite runner behind `make test` (which builds everything
# first).  Every run starts a stack of its own, from nothing, and judges
# only what that stack did:
#
#  - the test stack: scripts/stack.sh with STACK_VAR_DIR=var/test, the
#    ASan/UBSan binaries, nginx on 127.0.0.1:$TEST_HTTP_PORT (28080) and
#    MariaDB on $TEST_DB_PORT (23316).  It never borrows, stops or touches
#    make run's stack (var/, 8080, 23306): stack.sh finds processes by
#    their paths under the var directory.  A test stack left by a run that
#    was killed is stopped first, then var/test is emptied (a fresh
#    MariaDB, migrations, demo seed: a few seconds), so no state of an
#    earlier run can fail or pass a test.  Stopped at the end, also on
#    failure or interruption.
#  - unit tests (cmocka): "Running N test(s)" must be matched by as many
#    tests reported passed ("[       OK ]") or failed; the others did not
#    run, and are failures.
#  - fuzz corpora: each tests/fuzz/fuzz_<h>.c harness (built with driver.c)
#    replays tests/fuzz/corpus/fuzz_<h>/; every input must run, and a
#    crash, a sanitizer report or a non-zero exit fails it.
#  - integration tests (test_resilience, then test_chaos last): the TAP plan "1..N" must be
#    matched by as many ok / not ok lines: "N tests did not run" otherwise.
#  - a test binary the sources promise (tests/unit/test_*.c,
#    tests/integration/test_*.c, tests/fuzz/fuzz_*.c) but that is missing
#    is a failure, never a skip.
#  - sanitizers where requests are served: once the stack is stopped, each
#    family's log must exist, hold no sanitizer report, and hold one "leak
#    check clean" line per worker its masters started (the ASan build runs
#    LeakSanitizer in every worker that exits).
#
# Output: the output of each binary, a summary per suite, and as the very
# last line `N passed, N failed`.  Exit 0 only when nothing failed and
# something passed.
#
# Environment: TEST_HTTP_PORT (28080), TEST_DB_PORT (23316), TEST_BUILD_DIR
# (build/asan/tests), TEST_TIMEOUT (seconds per binary, default 600).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${TEST_BUILD_DIR:-$ROOT/build/asan/tests}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
FAMILIES=(units allotments long-stay-contracts work-orders)
SANITIZER_RE='AddressSanitizer|LeakSanitizer|runtime error:|ERROR: [A-Za-z]+Sanitizer'

# The test stack, whatever the caller's STACK_* say (those are make run's).
TEST_VAR_REL=var/test
TEST_VAR=$ROOT/$TEST_VAR_REL
export STACK_VAR_DIR=$TEST_VAR_REL
export STACK_HTTP_PORT=${TEST_HTTP_PORT:-28080}
export STACK_DB_PORT=${TEST_DB_PORT:-23316}
export STACK_VARIANT=asan
unset STACK_BIN_DIR
# Workers per pool, fixed here so the leak checks can be counted.
export POOL_WORKERS=${POOL_WORKERS:-$(($(nproc 2>/dev/null || echo 1) + 1))}
# Leak checks on, whatever the caller's ASAN_OPTIONS (the last value wins).
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

PASSED=0
FAILED=0
SUMMARY=()
STACK_STARTED=0
CHILD=""
TMP_DIR=$(mktemp -d)

say() { printf 'test: %s\n' "$*"; }

stack() { "$ROOT/scripts/stack.sh" "$@"; }

cleanup() {
	if [ -n "$CHILD" ]; then
		kill -TERM "$CHILD" 2>/dev/null || true
		wait "$CHILD" 2>/dev/null || true
	fi
	if [ "$STACK_STARTED" = 1 ]; then
		say "stopping the test stack ($TEST_VAR_REL)" >&2
		stack stop >&2 || true
	fi
	rm -rf "$TMP_DIR"
}
trap cleanup EXIT
trap 'say "interrupted" >&2; exit 130' INT
trap 'say "terminated" >&2; exit 143' TERM

# Records one suite's result: name, passed, failed, note.
record() {
	local name=$1 p=$2 f=$3 note=${4:-}
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	local verdict=PASS
	[ "$f" -eq 0 ] || verdict=FAIL
	SUMMARY+=("$(printf '%-4s %-40s %4d passed, %4d failed%s' "$verdict" "$name" "$p" "$f" "${note:+  ($note)}")")
}

# Runs a command in the background (so a signal reaches this script at
# once), output to $1; sets RC.
run_binary() {
	local out=$1
	shift
	RC=0
	timeout -k 10 "$TEST_TIMEOUT" "$@" </dev/null >"$out" 2>&1 &
	CHILD=$!
	wait "$CHILD" || RC=$?
	CHILD=""
}

# What to say about an exit status the binary did not explain itself.
exit_note() {
	case "$1" in
	124 | 137) echo "timed out after ${TEST_TIMEOUT} s" ;;
	*) if [ "$1" -gt 128 ]; then echo "killed by signal $(($1 - 128))"; else echo "exit status $1"; fi ;;
	esac
}

# cmocka: "declared passed failed" over every group: "[==========] Running
# N test(s)." opens a group, "[       OK ] name" is a test passed, and
# "[  FAILED  ] N test(s), listed below:" closes a group with failures.
# Passes are counted one by one, so a group cut short by a crash still
# counts the tests that passed before it.
count_cmocka() {
	awk '/^\[==========\] Running [0-9]+ test/ { d += $3 }
	     /^\[       OK \] / { p++ }
	     /^\[  FAILED  \] [0-9]+ test/ { f += $4 }
	     END { print d + 0, p + 0, f + 0 }' "$1"
}

# Integration harness (TAP): "declared passed failed plans": the "1..N"
# plan, then "ok - name" / "not ok - name" lines.
count_tap() {
	awk '/^1\.\.[0-9]+$/ { d += substr($0, 4); plans++ }
	     /^ok( [0-9]+)? - / { p++ } /^not ok( [0-9]+)? - / { f++ }
	     END { print d + 0, p + 0, f + 0, plans + 0 }' "$1"
}

# The notes of a suite, joined with "; ".
NOTES=""
note() { NOTES=${NOTES:+$NOTES; }$1; }

# run_suite KIND BIN: runs a test binary, prints its output, compares what
# it declared with what it reported, and records it.
run_suite() {
	local kind=$1 bin=$2 name out d p f plans=1 missing
	name=$kind/$(basename "$bin")
	out=$TMP_DIR/$(basename "$bin").out
	NOTES=""
	echo "== $name"
	run_binary "$out" "$bin"
	cat "$out"
	if [ "$kind" = unit ]; then
		read -r d p f < <(count_cmocka "$out")
	else
		read -r d p f plans < <(count_tap "$out")
		[ "$plans" -eq 1 ] || { f=$((f + 1)); note "$plans TAP plans, expected 1"; }
	fi
	missing=$((d - p - f))
	if [ "$missing" -gt 0 ]; then
		f=$((f + missing))
		note "$missing tests did not run"
	elif [ "$missing" -lt 0 ]; then
		f=$((f + 1))
		note "$((-missing)) results more than the $d declared"
	fi
	if [ "$RC" -eq 124 ] || [ "$RC" -gt 128 ]; then
		f=$((f + 1))
		note "$(exit_note "$RC")"
	elif [ "$RC" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		note "$(exit_note "$RC") without reporting a failure"
	elif [ "$RC" -eq 0 ] && [ "$d" -eq 0 ]; then
		f=$((f + 1))
		note "declared no test"
	fi
	if grep -a -q -E "$SANITIZER_RE" "$out"; then
		f=$((f + 1))
		note "sanitizer report"
	fi
	record "$name" "$p" "$f" "$NOTES"
}

# The binaries the sources promise: for each DIR/PREFIX*.c, BUILD/<name>.
expected_binaries() {
	local src_dir=$1 prefix=$2 build=$3 f
	for f in "$src_dir"/"$prefix"*.c; do
		[ -e "$f" ] || continue
		printf '%s\n' "$build/$(basename "$f" .c)"
	done | LC_ALL=C sort
}

# run_expected KIND BIN: a missing binary is a failure.
run_expected() {
	if [ ! -x "$2" ]; then
		echo "== $1/$(basename "$2")"
		say "missing: $2 (its source is in the tree; did the build fail?)"
		record "$1/$(basename "$2")" 0 1 "binary missing"
		return 0
	fi
	run_suite "$@"
}

run_unit_tests() {
	local bin
	while IFS= read -r bin; do
		run_expected unit "$bin"
	done < <(expected_binaries tests/unit test_ "$BUILD_DIR/unit")
}

# Each harness replays its corpus: the driver says "N input(s) run, M
# unreadable"; N must be the number of files in the corpus.
run_fuzz_corpora() {
	local bin h corpus out files runs unreadable n=0 name
	while IFS= read -r bin; do
		n=$((n + 1))
		h=$(basename "$bin")
		name=fuzz/$h
		corpus=$ROOT/tests/fuzz/corpus/$h
		echo "== $name"
		if [ ! -x "$bin" ]; then
			say "missing: $bin"
			record "$name" 0 1 "binary missing"
			continue
		fi
		files=$(find "$corpus" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l)
		if [ "$files" -eq 0 ]; then
			record "$name" 0 1 "no corpus in tests/fuzz/corpus/$h"
			continue
		fi
		out=$TMP_DIR/$h.out
		run_binary "$out" "$bin" "$corpus"
		cat "$out"
		NOTES=""
		read -r runs unreadable < <(sed -n 's/.*: \([0-9][0-9]*\) input(s) run, \([0-9][0-9]*\) unreadable$/\1 \2/p' "$out" | tail -n 1) || true
		runs=${runs:-0}
		unreadable=${unreadable:-0}
		[ "$RC" -eq 0 ] || note "$(exit_note "$RC")"
		[ "$runs" -eq "$files" ] || note "$runs of $files inputs replayed"
		[ "$unreadable" -eq 0 ] || note "$unreadable unreadable"
		grep -a -q -E "$SANITIZER_RE" "$out" && note "sanitizer report"
		if [ -z "$NOTES" ]; then
			record "$name" "$runs" 0 "$runs inputs replayed"
		else
			record "$name" 0 1 "$NOTES"
		fi
	done < <(expected_binaries tests/fuzz fuzz_ "$BUILD_DIR/fuzz")
	[ "$n" -gt 0 ] || record "fuzz" 0 1 "no harness in tests/fuzz"
}

# The tests that disturb the stack run last: test_resilience, then
# test_chaos (workers killed, MariaDB stopped and crashed, nginx reloaded
# under load).
run_integration_tests() {
	local bin resilience="" chaos=""
	while IFS= read -r bin; do
		case "$(basename "$bin")" in
		test_resilience) resilience=$bin ;;
		test_chaos) chaos=$bin ;;
		*) run_expected integration "$bin" ;;
		esac
	done < <(expected_binaries tests/integration test_ "$BUILD_DIR/integration")
	run_deploy_checks
	[ -z "$resilience" ] || run_expected integration "$resilience"
	[ -z "$chaos" ] || run_expected integration "$chaos"
	run_openapi_checks
}

# docs/openapi.yaml linted, every recorded response checked against it,
# the reference page it makes (/docs/) drawn by Chromium, the README's
# curl examples run as printed, and scripts/amage-curl on every AMAGE
# endpoint.
run_openapi_checks() {
	run_suite openapi "$ROOT/tests/openapi/lint.sh"
	run_suite openapi "$ROOT/tests/openapi/responses.sh"
	run_suite openapi "$ROOT/tests/openapi/reference-page.sh"
	run_suite openapi "$ROOT/tests/openapi/readme-examples.sh"
	run_suite openapi "$ROOT/tests/openapi/amage-curl.sh"
}

# tests/deploy/*.sh: each deployment mode (nginx with TLS, Apache CGI,
# systemd socket activation) checked against the running test stack.  A
# script prints TAP (one plan, "ok - " / "not ok - " lines), uses loopback
# ports from 28081 to 28099 only, and stops whatever it starts, also when
# it fails (trap EXIT).
run_deploy_checks() {
	local script
	for script in tests/deploy/*.sh; do
		[ -e "$script" ] || continue
		run_suite deploy "$ROOT/$script"
	done
}

# A test stack of this tree that a killed run left running: stopped (it
# is found by its paths under var/test, never make run's), then wiped.
fresh_test_stack() {
	if [ -d "$TEST_VAR" ]; then
		if ! stack stop >"$TMP_DIR/leftover.out" 2>&1; then
			cat "$TMP_DIR/leftover.out"
			return 1
		fi
		grep -q 'stopping' "$TMP_DIR/leftover.out" &&
			say "stopped a test stack left by an earlier run:" &&
			sed 's/^/  /' "$TMP_DIR/leftover.out"
	fi
	rm -rf "$TEST_VAR"
}

start_test_stack() {
	local t0=$SECONDS
	say "starting the test stack: $TEST_VAR_REL, http 127.0.0.1:$STACK_HTTP_PORT, db $STACK_DB_PORT, ASan binaries"
	STACK_STARTED=1
	stack start || return 1
	say "test stack up in $((SECONDS - t0)) s (fresh MariaDB, migrations, seed)"
}

export_test_env() {
	set -a
	# shellcheck disable=SC1091
	. "$TEST_VAR/pms.env"
	set +a
	export PMS_ADMIN=$ROOT/bin/pms-admin
	export PMS_TEST_URL=http://127.0.0.1:$STACK_HTTP_PORT
	export PMS_TEST_VAR=$TEST_VAR
	export PMS_ROOT=$ROOT
	# Every response the integration tests get, for tests/openapi.
	export PMS_TEST_RECORD=$TEST_VAR/responses.jsonl
	unset CMOCKA_MESSAGE_OUTPUT CMOCKA_XML_FILE
}

# Stops the test stack before its logs are read: LeakSanitizer runs when
# the workers and masters exit.
stop_test_stack() {
	[ "$STACK_STARTED" = 1 ] || return 0
	STACK_STARTED=0
	stack stop || record "stack/stop" 0 1 "the test stack did not stop cleanly"
}

# Per family: the log exists, holds no sanitizer report, and holds one
# "leak check clean" line per worker its masters started ("master ...
# with N workers"): a worker that never ran its check is a failure too.
scan_pool_logs() {
	local fam file hits n workers checks
	for fam in "${FAMILIES[@]}"; do
		file=$TEST_VAR/log/$fam.log
		if [ ! -f "$file" ]; then
			record "sanitizers/$fam" 0 1 "$TEST_VAR_REL/log/$fam.log missing"
			continue
		fi
		workers=$(sed -n 's/.* master [0-9]* listening on .* with \([0-9][0-9]*\) workers$/\1/p' "$file" |
			awk '{ s += $1 } END { print s + 0 }')
		checks=$(grep -a -c 'worker [0-9]*: leak check clean' "$file" || true)
		hits=$(grep -a -E "$SANITIZER_RE" "$file" || true)
		if [ -n "$hits" ]; then
			n=$(printf '%s\n' "$hits" | wc -l)
			echo "== sanitizer reports in $TEST_VAR_REL/log/$fam.log ($n lines; the full report is in the log)"
			grep -a -E -A 12 "$SANITIZER_RE" "$file" | head -n 60
			record "sanitizers/$fam" 0 1 "$n sanitizer lines in $TEST_VAR_REL/log/$fam.log"
		elif [ "$workers" -eq 0 ]; then
			record "sanitizers/$fam" 0 1 "no pool master started in $TEST_VAR_REL/log/$fam.log"
		elif [ "$checks" -lt "$workers" ]; then
			record "sanitizers/$fam" 0 1 "$checks of $workers workers ran their leak check"
		else
			record "sanitizers/$fam" 1 0 "$checks workers leak-checked clean"
		fi
	done
}

print_summary() {
	local line
	echo
	echo "== summary"
	for line in "${SUMMARY[@]}"; do
		echo "$line"
	done
	echo "$PASSED passed, $FAILED failed"
}

main() {
	local stack_ok=1
	mkdir -p "$ROOT/var"
	# One run per tree at a time: a second one would wipe the first's stack.
	exec 9>"$ROOT/var/test.lock"
	if ! flock -n 9; then
		say "another 'make test' is running in $ROOT" >&2
		exit 1
	fi
	if ! fresh_test_stack; then
		record "stack/leftover" 0 1 "a test stack left by an earlier run did not stop"
		print_summary
		exit 1
	fi
	if ! start_test_stack; then
		stack_ok=0
		record "stack/start" 0 1 "the test stack did not start"
	fi
	[ "$stack_ok" = 0 ] || export_test_env
	run_unit_tests
	run_fuzz_corpora
	if [ "$stack_ok" = 1 ]; then
		run_integration_tests
	else
		while IFS= read -r bin; do
			record "integration/$(basename "$bin")" 0 1 "not run: no test stack"
		done < <(expected_binaries tests/integration test_ "$BUILD_DIR/integration")
	fi
	stop_test_stack
	if [ "$stack_ok" = 1 ]; then
		scan_pool_logs
		run_suite security "$ROOT/tests/security/secrets-in-logs.sh"
	fi
	print_summary
	[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
}

main "$@"
