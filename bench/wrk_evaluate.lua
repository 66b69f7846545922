-- wrk script for bench/api_load.py: POST the request bodies named after `--` in turn,
-- then print one line "BENCH {json}" with the counts and the latency percentiles.

local prepared = {}
local counter = 0

local function read(path)
  local f = assert(io.open(path, "rb"))
  local body = f:read("*a")
  f:close()
  return body
end

function init(args)
  for _, path in ipairs(args) do
    prepared[#prepared + 1] =
      wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, read(path))
  end
  assert(#prepared > 0, "give the request body files after --")
end

function request()
  counter = counter + 1
  return prepared[(counter % #prepared) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,'
      .. '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
