#!/usr/bin/env bash
# test.sh: the suite runner behind `make test` (which builds everything
# first).  Runs every cmocka unit test binary, then every integration test
# binary (test_resilience last) against the real local stack, then looks for
# sanitizer reports the pools wrote in var/log/<family>.log during the run.
#
# The stack: when `scripts/stack.sh status` says it is up, it is used as it
# is; otherwise it is started with the ASan binaries (STACK_VARIANT=asan)
# and stopped at the end, also on failure or interruption.
#
# Output: the output of each binary, a summary per binary, and as the very
# last line `N passed, N failed`.  Exit 0 only when nothing failed and
# something passed.
#
# Environment: TEST_BUILD_DIR (default build/asan/tests), TEST_TIMEOUT
# (seconds per binary, default 600).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${TEST_BUILD_DIR:-$ROOT/build/asan/tests}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
FAMILIES=(units allotments long-stay-contracts work-orders)
SANITIZER_RE='AddressSanitizer|runtime error:|LeakSanitizer'

PASSED=0
FAILED=0
SUMMARY=()
STACK_OWNED=0
CHILD=""
TMP_DIR=$(mktemp -d)
declare -A LOG_OFFSET=()

say() { printf 'test: %s\n' "$*"; }

cleanup() {
	if [ -n "$CHILD" ]; then
		kill -TERM "$CHILD" 2>/dev/null || true
		wait "$CHILD" 2>/dev/null || true
	fi
	if [ "$STACK_OWNED" = 1 ]; then
		say "stopping the stack this run started" >&2
		"$ROOT/scripts/stack.sh" stop >&2 || true
	fi
	rm -rf "$TMP_DIR"
}
trap cleanup EXIT
trap 'say "interrupted" >&2; exit 130' INT
trap 'say "terminated" >&2; exit 143' TERM

# Records one binary's result: name, passed, failed, note.
record() {
	local name=$1 p=$2 f=$3 note=${4:-}
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	local verdict=PASS
	[ "$f" -eq 0 ] || verdict=FAIL
	SUMMARY+=("$(printf '%-4s %-40s %4d passed, %4d failed%s' "$verdict" "$name" "$p" "$f" "${note:+  ($note)}")")
}

# Runs a binary in the background (so a signal reaches this script at
# once), output to $2; sets RC.
run_binary() {
	local bin=$1 out=$2
	RC=0
	timeout -k 10 "$TEST_TIMEOUT" "$bin" </dev/null >"$out" 2>&1 &
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

# cmocka: "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), ..." per group.
count_cmocka() {
	awk '/^\[  PASSED  \] [0-9]+ test/ { p += $4 }
	     /^\[  FAILED  \] [0-9]+ test/ { f += $4 }
	     END { print p + 0, f + 0 }' "$1"
}

# Integration harness: "ok - name" / "not ok - name" lines.
count_tap() {
	awk '/^ok( [0-9]+)? - / { p++ } /^not ok( [0-9]+)? - / { f++ }
	     END { print p + 0, f + 0 }' "$1"
}

# run_suite KIND BIN: runs it, prints its output, counts and records it.
run_suite() {
	local kind=$1 bin=$2 name out p f note=""
	name=$kind/$(basename "$bin")
	out=$TMP_DIR/$(basename "$bin").out
	echo "== $name"
	run_binary "$bin" "$out"
	cat "$out"
	if [ "$kind" = unit ]; then
		read -r p f < <(count_cmocka "$out")
	else
		read -r p f < <(count_tap "$out")
	fi
	if [ "$RC" -eq 124 ] || [ "$RC" -gt 128 ]; then
		f=$((f + 1))
		note=$(exit_note "$RC")
	elif [ "$RC" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		note="$(exit_note "$RC") without reporting a failure"
	elif [ "$RC" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		note="reported no test"
	fi
	record "$name" "$p" "$f" "$note"
}

# The test binaries of a directory, in name order (no object files).
list_binaries() {
	local dir=$1 f
	[ -d "$dir" ] || return 0
	for f in "$dir"/test_*; do
		[ -f "$f" ] || continue
		[ -x "$f" ] || continue
		case "$f" in *.o | *.d | *.c | *.h) continue ;; esac
		printf '%s\n' "$f"
	done | LC_ALL=C sort
}

remember_log_offsets() {
	local fam file
	for fam in "${FAMILIES[@]}"; do
		file=$ROOT/var/log/$fam.log
		LOG_OFFSET[$fam]=$(stat -c %s "$file" 2>/dev/null || echo 0)
	done
}

# Sanitizer lines the pools wrote since remember_log_offsets: one failure
# per family with findings.
scan_pool_logs() {
	local fam file off size hits n
	for fam in "${FAMILIES[@]}"; do
		file=$ROOT/var/log/$fam.log
		[ -f "$file" ] || continue
		off=${LOG_OFFSET[$fam]:-0}
		size=$(stat -c %s "$file")
		[ "$size" -ge "$off" ] || off=0 # the log was truncated meanwhile
		hits=$(tail -c +$((off + 1)) "$file" | grep -a -E "$SANITIZER_RE" || true)
		if [ -z "$hits" ]; then
			record "sanitizers/$fam" 0 0 "var/log/$fam.log clean"
			continue
		fi
		n=$(printf '%s\n' "$hits" | wc -l)
		echo "== sanitizer reports in var/log/$fam.log ($n lines; full report in the log)"
		printf '%s\n' "$hits" | head -n 40
		record "sanitizers/$fam" 0 1 "$n sanitizer lines in var/log/$fam.log"
	done
}

# Uses the running stack, or starts the ASan one (stopped by cleanup).
ensure_stack() {
	if "$ROOT/scripts/stack.sh" status >/dev/null 2>&1; then
		say "using the running stack ($(cat "$ROOT/var/run/variant" 2>/dev/null || echo '?') binaries)"
		remember_log_offsets
		return 0
	fi
	remember_log_offsets
	say "starting the stack with the ASan binaries"
	STACK_OWNED=1
	STACK_VARIANT=asan "$ROOT/scripts/stack.sh" start
}

export_test_env() {
	set -a
	# shellcheck disable=SC1091
	. "$ROOT/var/pms.env"
	set +a
	export PMS_ADMIN=$ROOT/bin/pms-admin
	export PMS_TEST_URL=http://127.0.0.1:${STACK_HTTP_PORT:-8080}
	export PMS_ROOT=$ROOT
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
	unset CMOCKA_MESSAGE_OUTPUT CMOCKA_XML_FILE
}

run_unit_tests() {
	local bin
	while IFS= read -r bin; do
		run_suite unit "$bin"
	done < <(list_binaries "$BUILD_DIR/unit")
}

run_integration_tests() {
	local bin last=""
	while IFS= read -r bin; do
		if [ "$(basename "$bin")" = test_resilience ]; then
			last=$bin
			continue
		fi
		run_suite integration "$bin"
	done < <(list_binaries "$BUILD_DIR/integration")
	if [ -n "$last" ]; then
		run_suite integration "$last"
		# A resilience test that failed half way may leave MariaDB down.
		"$ROOT/scripts/stack.sh" status >/dev/null 2>&1 || "$ROOT/scripts/stack.sh" db-start || true
	fi
}

# Stops the stack this run started before the logs are read: the pools'
# LeakSanitizer reports are written when their processes exit.
stop_owned_stack() {
	[ "$STACK_OWNED" = 1 ] || return 0
	STACK_OWNED=0
	if ! "$ROOT/scripts/stack.sh" stop; then
		record "stack/stop" 0 1 "the stack did not stop cleanly"
	fi
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
	if ! ensure_stack; then
		stack_ok=0
		record "stack/start" 0 1 "the stack did not start"
	fi
	if [ -f "$ROOT/var/pms.env" ]; then
		export_test_env
	fi
	run_unit_tests
	if [ "$stack_ok" = 1 ]; then
		run_integration_tests
	else
		say "integration tests skipped: no stack"
	fi
	stop_owned_stack
	scan_pool_logs
	print_summary
	[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
}

main "$@"
