#!/usr/bin/env bash
# migrate.sh: applies the schema/NNN_*.sql migrations not yet applied to the
# database pms, in order, each in its own mariadb run, and records each one
# in schema_migrations(version, applied_at).  Stops at the first failure.
#
# Connects as root over the local stack's socket: MIGRATE_SOCKET, else
# PMS_DB_SOCKET from <var>/pms.env (both set by scripts/stack.sh; <var> is
# STACK_VAR_DIR, default var, as for stack.sh).
#   scripts/migrate.sh            apply what is missing
#   scripts/migrate.sh --status   list applied and pending migrations
set -euo pipefail
export LC_ALL=C   # glob order: 001 < 002 < 010 whatever the locale

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DB_NAME=pms
VAR=${STACK_VAR_DIR:-var}
case "$VAR" in /*) ;; *) VAR=$ROOT/$VAR ;; esac

die() { printf 'migrate: %s\n' "$*" >&2; exit 1; }

find_socket() {
	if [ -n "${MIGRATE_SOCKET:-}" ]; then
		echo "$MIGRATE_SOCKET"
		return 0
	fi
	[ -f "$VAR/pms.env" ] || die "no $VAR/pms.env: start the stack first (scripts/stack.sh start)"
	# shellcheck disable=SC1091
	(. "$VAR/pms.env" && echo "$PMS_DB_SOCKET")
}

SOCKET=$(find_socket)

db() {
	mariadb --no-defaults --protocol=socket --socket="$SOCKET" -uroot \
		--default-character-set=utf8mb4 "$@" "$DB_NAME"
}

ensure_table() {
	db -e "CREATE TABLE IF NOT EXISTS schema_migrations (
		version    VARCHAR(255) NOT NULL PRIMARY KEY,
		applied_at DATETIME NOT NULL
	) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" || die "cannot reach database $DB_NAME over $SOCKET"
}

# The migration files, in order, into FILES.
list_migrations() {
	local f
	FILES=()
	for f in "$ROOT"/schema/*.sql; do
		[ -e "$f" ] || continue
		[[ "$(basename "$f")" =~ ^[0-9]{3}_[A-Za-z0-9_.-]+\.sql$ ]] ||
			die "bad migration name $(basename "$f") (want NNN_name.sql)"
		FILES+=("$f")
	done
}

applied_versions() { db -N -B -e "SELECT version FROM schema_migrations"; }

# One run per file; the record is written in the same run, after the last
# statement of the file, so a failing file is never recorded.
apply() {
	local file=$1 version=$2
	if ! {
		cat "$file"
		printf '\nDELIMITER ;\nINSERT INTO schema_migrations (version, applied_at) VALUES (%s, UTC_TIMESTAMP());\n' \
			"'$version'"
	} | db; then
		die "migration $version failed (schema/$version.sql); fix it, then run scripts/migrate.sh again"
	fi
	echo "migrate: applied $version"
}

main() {
	local applied file version status_only=0
	[ "${1:-}" = --status ] && status_only=1
	list_migrations
	ensure_table
	applied=" $(applied_versions | tr '\n' ' ') "
	for file in "${FILES[@]}"; do
		version=$(basename "$file" .sql)
		if [[ "$applied" == *" $version "* ]]; then
			[ "$status_only" = 1 ] && echo "applied  $version"
			continue
		fi
		if [ "$status_only" = 1 ]; then
			echo "pending  $version"
		else
			apply "$file" "$version"
		fi
	done
}

main "$@"
