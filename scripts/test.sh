#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need, builds, runs every test.
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

echo "==> building (debug, with tests)"
swift build --build-tests

echo "==> running tests"
swift test --skip-build "$@"
