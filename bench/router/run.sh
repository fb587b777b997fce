#!/usr/bin/env bash
# Learned router: train one router per routing data set (hyperparameters chosen by 5-fold cross-validation on dev,
# figures from nested cross-validation), write routers/<set>.json, evaluate each with --json and --svg, and keep
# the raw outputs in bench/results/router-<date>/. Prompt embeddings are cached in bench/.work/router-embeddings
# (the first run embeds ~18k prompts: about 10 minutes on 2 cores; reruns start at once).
#   bench/router/run.sh                 # all four sets
#   bench/router/run.sh routerbench     # one set
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=../shared/data
[ -d "$DATA/routing-routerbench" ] || DATA=/work/shared/data
BIN=.build-release/release/switchyard
flock /tmp/switchyard-release.lock scripts/build-release.sh --scratch-path .build-release 2>&1 | tail -1
OUT=bench/results/router-$(date -u +%F)
mkdir -p "$OUT" routers
SETS=${*:-routerbench routellm llmrouter routerarena}
for set in $SETS; do
    file=$DATA/routing-$set/dev.jsonl
    echo "== $set"
    $BIN router train --data "$file" --out "routers/$set.json" --folds 5 | tee "$OUT/$set-train.txt"
    $BIN router eval --router "routers/$set.json" --data "$file" --json --svg "$OUT/$set.svg" \
        --curve "$OUT/$set-curve.json" | tee "$OUT/$set-eval.json"
done
