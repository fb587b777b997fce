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
# Changing these flags rebuilds everything in the scratch directory: use this script for every release build that
# shares one (bench/run.sh and bench/cache do). It takes no lock; callers that share a scratch directory with others
# hold /tmp/switchyard-release.lock around it.
set -euo pipefail
exec swift build -c release --product switchyard --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked "$@"
