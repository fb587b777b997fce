#!/usr/bin/env bash
# HNSW switch-over under load (issue 6): a semantic cache filled to 100,000 entries (QQP question embeddings, topped
# up with seeded random vectors) builds its graph on a background thread while one thread looks up (held-out QQP
# paraphrases) and one stores, each pausing 10 ms between calls; prints the build's wall time, the lock holds during
# the build (p50/p99/max per section, and the switch-over's), and lookup latency during the build and after it.
#   bench/cache/switchover.sh                     # builds the release binary, then runs
#   SKIP_BUILD=1 SCRATCH=.build-x bench/cache/switchover.sh --switchover-interval-ms 5
# Not pinned: the build thread and the two workers share the machine's cores, as they would in the gateway.
set -euo pipefail
cd "$(dirname "$0")/../.."
QQP=../shared/data/cache-qqp/dev.jsonl
[ -f "$QQP" ] || QQP=/work/shared/data/cache-qqp/dev.jsonl
SCRATCH=${SCRATCH:-.build-release}
if [ -z "${SKIP_BUILD:-}" ]; then
    flock /tmp/switchyard-release.lock scripts/build-release.sh --scratch-path "$SCRATCH"
fi
"$SCRATCH/release/switchyard" cache bench --switchover --entries "${ENTRIES:-100000}" --data "$QQP" "$@"
