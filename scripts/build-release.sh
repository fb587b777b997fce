#!/usr/bin/env bash
# The gateway's release build, as the benchmarks measure it and as it should be deployed:
#
#   scripts/build-release.sh [swift build options]     (in the package's directory; e.g. --scratch-path .build-release)
#
# `swift build -c release --product switchyard` with the run-time exclusivity checks left out of the dependencies too
# (`-Xswiftc -enforce-exclusivity=unchecked`). Our own targets already leave them out of release builds
# (Package.swift), but a package cannot set flags for its dependencies: SwiftNIO, Hummingbird and swift-http-types
# then called `swift_beginAccess` about 160 times per proxied request, which with its thread-local lookups came to 5%
# of a request's instructions and 4% of its CPU at concurrency 64 (bench/results/gateway-2026-12-04-session19.md).
# Debug builds, which run the test suite, keep every check, so a conflicting access still traps in a test.
#
# The Swift runtime, standard library and Foundation are linked in (`--static-swift-stdlib`): the binary needs no
# Swift toolchain on the host, only glibc, libstdc++ and zlib. It is also faster: calls into the runtime
# (`swift_retain`, `swift_release`, task creation) no longer go through the dynamic linker's tables, and the runtime's
# code sits beside ours. Measured interleaved (bench/results/gateway-2026-12-05-session20.md): 4.6% fewer
# instruction-cache misses per request, c=1 added p50 −6 µs, c=64 +7.6% requests/s. The binary grows from 148 to
# 224 MB (mostly ICU's data, mapped and not read); idle RSS does not change.
#
# The code a request runs through is placed together. Every function is compiled into a section of its own
# (`-Xfrontend -function-sections` for Swift, `-ffunction-sections` for C), and lld (the toolchain's linker) places the
# functions listed in scripts/link-order.txt first, hottest first (`--symbol-ordering-file`). The list is the
# functions a proxied request runs, JSON and streamed, from callgrind (bench/gateway/link-order.sh regenerates it).
# Without it those functions lie among the binary's 37 MB of code, and every cache line and page of code fetched holds
# their neighbours too. Measured interleaved against the same code linked without it
# (bench/results/gateway-2026-12-05-session21.md): c=1 added p50 −12 to −15 µs, CPU per request −8 to −10%, c=64
# +4.5% requests/s. A name the list has and the code no longer does is skipped, and new functions go after the listed
# ones, so a stale list only loses effect. A list newer than the executable has it linked again.
#
# The request path is compiled with the profile of a benchmark run (profile-guided optimisation, IR-level:
# `-ir-profile-use`): the compiler knows which branches are taken and which calls are hot, so it lays the taken path
# out straight, inlines where it pays and moves what never ran out of the way. The profile is
# scripts/switchyard.profdata (LLVM's indexed format, binary: the text format cannot hold Swift's names, which begin
# with `$` as its own markers do), made by bench/gateway/pgo-profile.sh, which builds an instrumented binary
# (`--pgo-generate` below) and runs the benchmark's requests through it. Functions the profile does not have (code
# the run never reached, or written since) are compiled as without a profile; a function whose code changed since
# loses its profile, so a stale profile only loses effect. Measured interleaved against the same code built without
# it (bench/results/gateway-2026-12-05-session22.md): instructions per request −5.7% (JSON and streamed), CPU per
# request at c=1 −2 to −10%, c=1 added p50 −3 to −20 µs in five runs of seven (within a noisy host's noise in the
# other two), −30 µs through a TLS upstream with HTTP/2; c=64 throughput within the noise.
#   --no-pgo         build without the profile
#   --pgo-generate   an instrumented build that writes a raw profile when it exits (LLVM_PROFILE_FILE names it):
#                    for bench/gateway/pgo-profile.sh, in a scratch directory of its own. Not for measuring: its
#                    counters make it slower.
#
# Use this script for every release build that shares a scratch directory (bench/run.sh and bench/cache do). When its
# flags, the options passed to it for swift build or the profile differ from those the directory was built with (a
# stamp file in it says), it empties the directory's release products first: the Swift driver's incremental build
# does not notice a changed `-Xfrontend` flag, and left every object compiled without function sections. It takes
# no lock; callers that share a scratch directory with others hold /tmp/switchyard-release.lock around it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLAGS=(
    -c release --product switchyard --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked
    -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections
    -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
    -Xlinker "--symbol-ordering-file=$ROOT/scripts/link-order.txt" -Xlinker --no-warn-symbol-ordering
)
PROFILE=$ROOT/scripts/switchyard.profdata
pgo=use digest=none
scratch=.build
args=()
extra=() # what else the caller passes to swift build (e.g. -Xswiftc -Osize): part of the stamp too
while (($# > 0)); do
    case $1 in
        --no-pgo) pgo=none ;;
        --pgo-generate) pgo=generate ;;
        --scratch-path) scratch=${2:-$scratch}; args+=("$1" "${2:-}"); shift ;;
        --scratch-path=*) scratch=${1#--scratch-path=}; args+=("$1") ;;
        *) args+=("$1"); extra+=("$1") ;;
    esac
    shift
done
if [[ $pgo == use && ! -f $PROFILE ]]; then pgo=none; fi
case $pgo in
    use)
        FLAGS+=(-Xswiftc -Xfrontend -Xswiftc "-ir-profile-use=$PROFILE")
        # The profile's digest goes into the stamp below: the driver does not notice a changed profile either.
        digest=$(sha256sum "$PROFILE" | cut -c1-16) ;;
    generate)
        FLAGS+=(-Xswiftc -Xfrontend -Xswiftc -ir-profile-generate -Xswiftc -Xclang-linker -Xswiftc -fprofile-generate) ;;
esac
set -- "${args[@]}"
stamp="$scratch/switchyard-release-flags"
signature="${FLAGS[*]}${extra[*]:+ ${extra[*]}} profile=$digest"
if [[ -d $scratch && "$(cat "$stamp" 2>/dev/null)" != "$signature" ]]; then
    echo "build-release.sh: the release flags changed; rebuilding $scratch's release products from scratch" >&2
    rm -rf "$scratch"/*-linux-gnu/release "$scratch"/release
fi
# A new link order changes no flag and no source: take the old executable away, so that it is linked again.
for product in "$scratch"/*-linux-gnu/release/switchyard; do
    if [[ -f $product && $ROOT/scripts/link-order.txt -nt $product ]]; then rm -f "$product"; fi
done
swift build "${FLAGS[@]}" "$@"
printf '%s' "$signature" >"$stamp"
