#!/bin/sh
# Build awm into build/ (or $1), with warnings as errors.
#   scripts/build.sh [<build-dir>] [<extra cmake arguments>...]
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
scripts/deps.sh build
cmake -S . -B "$dir" -DAWM_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)" >/dev/null
