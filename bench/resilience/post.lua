-- wrk script: POST a chat completion for the model in the MODEL environment variable, count statuses.
local model = os.getenv("MODEL") or "resilient"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Summarise the incident report in one line."}]}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok_count = 0
  failed_count = 0
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok_count = ok_count + 1 else failed_count = failed_count + 1 end
end

function done(summary, latency, requests)
  local ok, failed = 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("ok_count")
    failed = failed + thread:get("failed_count")
  end
  failed = failed + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d ok=%d failed=%d p50_us=%d p90_us=%d p99_us=%d rps=%.1f\n",
    summary.requests, ok, failed, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    summary.requests / (summary.duration / 1e6)))
end
