#!/bin/sh
# Install the Debian packages awm needs, when they are missing.
#   scripts/deps.sh build   what building awm needs
#   scripts/deps.sh demo    that, and the sqlite3 shell scripts/demo.sh shows rows with
#   scripts/deps.sh test    that, and what the tests drive (sqlite3, sqldiff, git, curl,
#                           node and npm for the Appwrite stand-in's fidelity test,
#                           chromium for the HTML report, ...)
# Runs apt-get as root (or through sudo); does nothing when all are present.
set -eu

build="build-essential cmake pkg-config libgit2-dev libsqlite3-dev libxxhash-dev
       libzstd-dev libcurl4-openssl-dev libssl-dev libjansson-dev"
demo="$build sqlite3"
test="$build libcmocka-dev sqlite3 sqlite3-tools git python3 xxhash zstd time
      chromium fonts-dejavu-core python3-yaml curl"

case "${1:-build}" in
build) want=$build ;;
demo) want=$demo ;;
test) want=$test ;;
*) echo "usage: scripts/deps.sh [build|demo|test]" >&2; exit 2 ;;
esac

# tests/cli/t8001 installs node-appwrite with npm and runs it on node (18 or
# newer).  Any node will do, so the commands are checked, not the packages:
# NodeSource's nodejs bundles npm and conflicts with Debian's npm package.
if [ "${1:-build}" = test ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
	want="$want nodejs npm"
fi

missing=
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "error: these packages are missing and I am not root:$missing" >&2
	exit 1
fi
echo "Installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
