-- wrk script for bench/visits.py: every request is a beacon from a new reader (a distinct /24
-- in X-Forwarded-For, believed because redac runs with REDAC_TRUSTED_PROXIES=127.0.0.1).
-- Environment: PAGE (page id), UA (User-Agent), MODE ("beacon" or "count"), OFFSET (first
-- reader number: each run needs its own readers, or the server rightly counts them once).
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  page = os.getenv("PAGE")
  ua = os.getenv("UA")
  mode = os.getenv("MODE") or "beacon"
  offset = tonumber(os.getenv("OFFSET") or "0")
  body = '{"page": ' .. page .. ', "referrer": "https://www.qwant.com/?q=redac"}'
end

function request()
  sent = sent + 1
  if mode == "count" then
    return wrk.format("GET", "/api/visits/" .. page .. "/", { ["User-Agent"] = ua })
  end
  local n = offset + tid * 2000000 + sent
  local ip = string.format("%d.%d.%d.9", 11 + math.floor(n / 65536), math.floor(n / 256) % 256, n % 256)
  return wrk.format("POST", "/api/visits/", {
    ["Content-Type"] = "text/plain;charset=UTF-8",
    ["User-Agent"] = ua,
    ["X-Forwarded-For"] = ip,
  }, body)
end

function done(summary, latency, requests)
  local total_sent = 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
  end
  io.write(string.format(
    'RESULT {"requests": %d, "sent": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, '
    .. '"p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, total_sent, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
