#!/usr/bin/env bash
# deps.sh: install the Debian 12 packages the build, the local stack
# (scripts/stack.sh) and the test suite (scripts/test.sh) need, and only
# those missing.  Fast and offline when everything is already there (one
# dpkg-query); otherwise one `apt-get update` and one `apt-get install`.
#
# What uses what:
#   build         build-essential (assumed present), pkg-config, libfcgi-dev,
#                 libcjson-dev, default-libmysqlclient-dev (mariadb_config),
#                 libcurl4-openssl-dev, libssl-dev, libcmocka-dev
#   stack.sh      mariadb-server (mariadbd, mariadb-install-db),
#                 mariadb-client (mariadb, mariadb-admin), nginx-light (or
#                 nginx), openssl (password), curl (readiness probes),
#                 procps (pgrep), tzdata (mariadb-tzinfo-to-sql)
#   amage-curl    openssl, curl
#   test.sh       curl, procps, coreutils (timeout), everything above
#   make bench    wrk (the HTTP load generator)
#   make fuzz     clang, libclang-rt-14-dev (deps.sh fuzz)
#   make cluster  galera-4, mariadb-backup, socat (deps.sh cluster)
# Installing mariadb-server may try to start the system's own MariaDB (or be
# refused by policy-rc.d): harmless, our stack runs its own under var/.
set -euo pipefail

# Each entry: one package, or alternatives "a|b" (any installed one will do;
# the first with an install candidate is installed).
PACKAGES=(
	pkg-config
	libfcgi-dev
	libcjson-dev
	default-libmysqlclient-dev
	libcurl4-openssl-dev
	libssl-dev
	libcmocka-dev
	mariadb-server
	mariadb-client
	"nginx-light|nginx"
	openssl
	curl
	procps
	tzdata
	wrk
	nodejs
	chromium
	apache2-bin
	systemd
)

# Prints the packages (one a line) that dpkg knows as installed.
installed_packages() {
	local names=()
	local entry
	for entry in "${PACKAGES[@]}" libmariadb-dev; do
		IFS='|' read -r -a alts <<<"$entry"
		names+=("${alts[@]}")
	done
	dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${names[@]}" 2>/dev/null |
		awk '$1 == "ii" { print $2 }' || true
}

has_candidate() {
	apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [^(]'
}

# Sets MISSING to the packages to install.
find_missing() {
	local have entry alt found
	have=" $(installed_packages | tr '\n' ' ') "
	MISSING=()
	for entry in "${PACKAGES[@]}"; do
		IFS='|' read -r -a alts <<<"$entry"
		found=""
		for alt in "${alts[@]}"; do
			[[ "$have" == *" $alt "* ]] && found=$alt && break
		done
		[ -n "$found" ] || MISSING+=("$entry")
	done
	# mariadb_config normally comes with default-libmysqlclient-dev
	# (through libmariadb-dev-compat -> libmariadb-dev).
	if [[ "$have" == *" default-libmysqlclient-dev "* ]] &&
	   [[ "$have" != *" libmariadb-dev "* ]] &&
	   ! command -v mariadb_config >/dev/null 2>&1; then
		MISSING+=(libmariadb-dev)
	fi
	# Some nodejs builds bring npm; Debian's does not.
	command -v npm >/dev/null 2>&1 || MISSING+=(npm)
}

# Resolves "a|b" to the first alternative apt can install.
resolve() {
	local entry=$1 alt
	IFS='|' read -r -a alts <<<"$entry"
	for alt in "${alts[@]}"; do
		if has_candidate "$alt"; then echo "$alt"; return 0; fi
	done
	echo "${alts[0]}"
}

install_missing() {
	local entry to_install=()
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages (${MISSING[*]}); run as root to install them" >&2
		exit 1
	fi
	echo "deps: installing: ${MISSING[*]}"
	apt-get update -qq </dev/null
	for entry in "${MISSING[@]}"; do
		to_install+=("$(resolve "$entry")")
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"${to_install[@]}" </dev/null
}

check_tools() {
	local tool bad=()
	for tool in mariadb_config mariadbd mariadb mariadb-admin mariadb-install-db \
	            nginx openssl curl pgrep pkg-config node npm chromium apache2 \
	            systemd-analyze systemd-socket-activate; do
		command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || bad+=("$tool")
	done
	if [ ${#bad[@]} -gt 0 ]; then
		echo "deps: still missing after install: ${bad[*]}" >&2
		exit 1
	fi
}

# The OpenAPI tools (tests/openapi/package-lock.json) from the npm
# registry, installed again only when the lock file changed.
node_modules() {
	local dir
	dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/openapi" && pwd)
	[ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] && return 0
	echo "deps: npm ci in tests/openapi"
	# Node.js trusts only its own CA list; a proxy's CA installed in the
	# system's (update-ca-certificates) is what apt and curl trust too.
	NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt} \
		npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error </dev/null
}

main() {
	# make fuzz: libFuzzer comes with clang's runtime.
	[ "${1:-}" = fuzz ] && PACKAGES+=(clang libclang-rt-14-dev)
	# make cluster: Galera, and mariadb-backup + socat for its state
	# transfers (rsync's cannot run as root: PITFALLS.md).
	[ "${1:-}" = cluster ] && PACKAGES+=(galera-4 mariadb-backup socat)
	find_missing
	if [ ${#MISSING[@]} -eq 0 ]; then
		node_modules
		return 0
	fi
	install_missing
	find_missing
	if [ ${#MISSING[@]} -gt 0 ]; then
		echo "deps: could not install: ${MISSING[*]}" >&2
		exit 1
	fi
	check_tools
	node_modules
	echo "deps: all packages installed"
}

main "$@"
