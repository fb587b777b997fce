-- wrk script for the gateway benchmark: POST the JSON body in $BENCH_BODY_FILE and print one machine-readable
-- summary line (prefixed WRK_JSON) when done. Latencies are in microseconds; errors are wrk's socket errors
-- (connect, read, write, timeout) plus responses with status > 399 ("status"). No response() callback on
-- purpose: it would make wrk parse every body and cost the shared cores load-generator time.

local path = os.getenv("BENCH_BODY_FILE")
local file = assert(io.open(path, "rb"), "cannot open BENCH_BODY_FILE")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
        '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
        '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
        summary.requests, summary.duration, summary.bytes,
        e.connect, e.read, e.write, e.status, e.timeout,
        latency.min, latency.mean, latency.stdev, latency.max,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
