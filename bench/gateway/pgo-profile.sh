#!/usr/bin/env bash
# Regenerates the release build's profile, scripts/switchyard.profdata: what the benchmark's requests run, branch by
# branch, for profile-guided optimisation (scripts/build-release.sh compiles with it).
#
#   bench/gateway/pgo-profile.sh [--scratch-path DIR] [--out FILE]      (in the package's directory)
#
# Builds an instrumented release binary (scripts/build-release.sh --pgo-generate) in a scratch directory of its own
# (default .build-pgo, so that .build-release keeps its build), then runs through it, with bench/gateway/ab.sh and the
# benchmark's configuration: JSON requests at concurrency 1 and 64 and streamed ones at 1 and 16 from a plain HTTP
# upstream, then both from a TLS upstream that offers HTTP/2 (3 rounds of 3 s each). Each gateway writes its counters
# when it stops; they are merged, keeping only functions that ran (`--sparse`), with the toolchain's llvm-profdata
# (another LLVM's may write a version the compiler cannot read) into LLVM's indexed format. The plain-HTTP runs
# count PLAIN_WEIGHT times (default 4), so that the plain path, which the benchmark's targets are about, stays the
# hottest: with equal weights it gained less at c=1 in two interleaved runs of four
# (bench/results/gateway-2026-12-05-session22.md). KEEP_RAW=1 keeps the raw profiles (their directory is printed).
#
# Regenerate after changing the request path, then rebuild (the script notices the new profile and rebuilds from
# nothing, about 8 minutes) and compare with ab.sh. A stale profile only loses effect: a function whose code changed
# is compiled as without a profile. What the run does not reach (the caches, other providers' adapters, the admin
# API) is compiled as without a profile too, and the branches of a profiled function that the run never took are
# treated as cold: extend the run here when another path must be as fast.
# Takes about 12 minutes (the instrumented build is most of it). Takes /tmp/switchyard-release.lock around the build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRATCH=$ROOT/.build-pgo
OUT=$ROOT/scripts/switchyard.profdata
PLAIN_WEIGHT=${PLAIN_WEIGHT:-4}
KEEP_RAW=${KEEP_RAW:-}
while (($# > 0)); do
    case $1 in
        --scratch-path) SCRATCH=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
    esac
done
cd "$ROOT"
flock /tmp/switchyard-release.lock scripts/build-release.sh --pgo-generate --scratch-path "$SCRATCH"
bin=$SCRATCH/release/switchyard
raw=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-pgo.XXXXXX")
trap '[[ -n $KEEP_RAW ]] && echo "pgo-profile.sh: raw profiles kept in $raw" >&2 || rm -rf "$raw"' EXIT
plain="profiled=bin=$bin,LLVM_PROFILE_FILE=$raw/plain-%p.profraw"
tls="profiled=bin=$bin,LLVM_PROFILE_FILE=$raw/h2-%p.profraw,upstream=h2"
for args in "-c 1" "-c 64" "-s -c 1" "-s -c 16"; do
    # shellcheck disable=SC2086
    bench/gateway/ab.sh -r 3 -d 3 $args "$plain" | tail -1
    # shellcheck disable=SC2086
    bench/gateway/ab.sh -r 3 -d 3 $args "$tls" | tail -1
done
shopt -s nullglob
files=("$raw"/plain-*.profraw "$raw"/h2-*.profraw)
((${#files[@]} == 8)) || { echo "pgo-profile.sh: expected 8 raw profiles, found ${#files[@]}" >&2; exit 1; }
inputs=()
for file in "$raw"/plain-*.profraw; do inputs+=("--weighted-input=$PLAIN_WEIGHT,$file"); done
for file in "$raw"/h2-*.profraw; do inputs+=("$file"); done
tool=$(dirname "$(readlink -f "$(command -v swiftc)")")/llvm-profdata
"$tool" merge --sparse -o "$OUT" "${inputs[@]}"
echo "pgo-profile.sh: $OUT: $("$tool" show "$OUT" | grep 'Total functions')"
