#!/usr/bin/env bash
# secrets-in-logs: no demo API key, AMAGE secret or database password in
# any log the suite's stack produced (SPEC: keys are stored as SHA-256 and
# never logged).  Run by scripts/test.sh once the test stack has stopped,
# over every *.log under its var directory (the pools', nginx's, MariaDB's
# and the deployment checks').  TAP.
#   tests/security/secrets-in-logs.sh [VAR_DIR]     (default $PMS_TEST_VAR)
set -uo pipefail
ROOT=${PMS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
VAR=${1:-${PMS_TEST_VAR:?usage: secrets-in-logs.sh VAR_DIR}}

echo "1..1"
# The demo seed's keys and secret (the api-key name demo-amage-client is
# an identifier, sent in the clear, and may be logged).
mapfile -t secrets < <(grep -o -E 'demo-[a-z]+-[a-z]+-[0-9a-f]{16,}' \
	"$ROOT/scripts/demo-seed.sql" | sort -u)
password=$(sed -n 's/^export PMS_DB_PASSWORD=//p' "$VAR/pms.env" 2>/dev/null)
[ -n "$password" ] && secrets+=("$password")
mapfile -t logs < <(find "$VAR" -type f -name '*.log' | sort)
if [ "${#secrets[@]}" -lt 5 ] || [ "${#logs[@]}" -eq 0 ]; then
	echo "not ok - nothing to check: ${#secrets[@]} secrets, ${#logs[@]} logs in $VAR"
	exit 1
fi
found=0
for s in "${secrets[@]}"; do
	while IFS= read -r f; do
		# The secret's first characters only: the report is a log too.
		echo "#   ${s:0:12}... in ${f#"$VAR"/}"
		found=$((found + 1))
	done < <(grep -a -l -F -e "$s" "${logs[@]}")
done
if [ "$found" -eq 0 ]; then
	echo "ok - none of ${#secrets[@]} secrets in ${#logs[@]} logs"
else
	echo "not ok - $found secret-in-log findings"
	exit 1
fi
