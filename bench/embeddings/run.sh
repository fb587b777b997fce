#!/usr/bin/env bash
# Benchmarks the in-process all-MiniLM-L6-v2 embedder and writes bench/results/embeddings-<date>.md.
#
# Measures, pinned to one core (taskset -c 0): p50/p90/p99 latency of embedding one 64-token text, and
# throughput (texts/s) at batch sizes 1, 8 and 32, for the built-in SIMD kernel and for OpenBLAS (loaded at run
# time when libopenblas0 is installed; `apt-get install libopenblas0` to include it).
#
# Usage: bench/embeddings/run.sh [extra EmbeddingBenchmark arguments, e.g. --iterations 500]
# Environment: BACKENDS (default simd,openblas,int8: `int8` is the SIMD encoder with int8 dense layers),
# OUTPUT (default bench/results/embeddings-<date>.md).
# Builds in release mode in its own scratch directory (.build-release-embeddings): the benchmark target exists
# only when SWITCHYARD_EMBEDDING_BENCHMARK=1, and flipping that in a shared .build would rebuild everything.
set -euo pipefail
cd "$(dirname "$0")/../.."

MODEL_DIR=$(scripts/embeddings/fetch-model.sh)
SCRATCH="${SCRATCH:-.build-release-embeddings}"
SWITCHYARD_EMBEDDING_BENCHMARK=1 swift build -c release --product EmbeddingBenchmark --scratch-path "$SCRATCH" >&2
BINARY="$SCRATCH/release/EmbeddingBenchmark"

PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c 0); fi
COMMAND=("${PIN[@]}" "$BINARY" --model "$MODEL_DIR" --backend "${BACKENDS:-simd,openblas,int8}" "$@")

mkdir -p bench/results
OUTPUT="${OUTPUT:-bench/results/embeddings-$(date +%Y-%m-%d).md}"
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | grep -o -w -E 'avx2|fma|avx512f' | sort -u | tr '\n' ' ' || true)
mhz=$(grep -m1 'cpu MHz' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
openblas=$(dpkg-query -W -f '${Package} ${Version}' libopenblas0-pthread 2>/dev/null || echo "not installed")
{
    echo "# Embeddings benchmark, $(date +%Y-%m-%d)"
    echo
    echo "all-MiniLM-L6-v2 (6 layers, 384 dims), \`SentenceEmbedder\` in SwitchyardEmbeddings, release build."
    echo
    echo "- Machine: $(nproc) cores, ${cpu:-unknown CPU} (${mhz:-?} MHz, ${flags:-no AVX2/FMA}), $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "- Toolchain: $(swift --version 2>&1 | head -n 1)"
    echo "- OpenBLAS: $openblas"
    echo "- Load average at start (other work on the machine skews results): $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Command: \`SWITCHYARD_EMBEDDING_BENCHMARK=1 swift build -c release --product EmbeddingBenchmark --scratch-path $SCRATCH\`"
    echo "  then \`${COMMAND[*]}\`"
    echo "- Latency is one \`embed(_:)\` call (tokenization included), pinned to core 0; throughput uses \`embed(batch:)\`."
    echo
    "${COMMAND[@]}"
    echo
    echo "Arithmetic bound: one 64-token text costs about 1.36 GFLOP (2 x 10.6 M encoder weights per token, plus"
    echo "attention). A core doing 2 x 8-lane FMAs per cycle peaks at 32 FLOP/cycle, about 80-90 GFLOP/s at"
    echo "2.5-2.8 GHz, so about 16 ms is the floor in FP32 on one core; 5 ms would need about 270 GFLOP/s."
} | tee "$OUTPUT"
echo "wrote $OUTPUT" >&2
