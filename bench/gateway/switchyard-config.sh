# shellcheck shell=bash
# Sourced by bench/run.sh and bench/gateway/profile.sh: the gateway configuration both measure.
#
# write_switchyard_config FILE PORT UPSTREAM_PORT SQLITE_PATH: one OpenAI deployment for `bench-chat` (nginx's JSON
# answer) and one for `bench-stream` (its SSE answer), governance on in open mode with the SQLite ledger, no cache.
write_switchyard_config() {
    local file=$1 port=$2 upstream=$3 sqlite=$4
    cat >"$file" <<EOF
server:
  host: 127.0.0.1
  port: $port
store:
  sqlite: $sqlite
providers:
  upstream:
    kind: openai
    api_key: env:BENCH_UPSTREAM_KEY
    base_url: http://127.0.0.1:$upstream/v1
  upstream-stream:
    kind: openai
    api_key: env:BENCH_UPSTREAM_KEY
    base_url: http://127.0.0.1:$upstream/stream/v1
models:
  - name: bench-chat
    deployments:
      - provider: upstream
        model: gpt-4o-mini
  - name: bench-stream
    deployments:
      - provider: upstream-stream
        model: gpt-4o-mini
EOF
}
