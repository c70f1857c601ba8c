-- wrk script for the load test: a new random User-Agent on every request, valid consent cookies
-- (filled in by the test: COOKIES below), a mix of pages, the JSON route and the consent state.
-- Counts statuses itself, because wrk counts the upgrade page's 406 as an error.

local COOKIES = {}  -- replaced by the test
local PATHS = { "/", "/", "/", "/", "/api/data", "/partners", "/_antechamber/consent" }
local LANGUAGES = { "en-US,en;q=0.9", "de-DE,de;q=0.8,en;q=0.5", "uk", "fr-FR", "*", "" }
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  counter = 0
  good = 0
  bad = 0
  statuses = ""
end

local function junk(n)
  local chars = {}
  for i = 1, n do chars[i] = string.char(math.random(32, 126)) end
  return table.concat(chars)
end

local function user_agent()
  counter = counter + 1
  local r = math.random(1, 10)
  local build = string.format("%d.%d", id * 1000000 + counter, math.random(0, 999))
  if r == 1 then
    return string.format("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%s Safari/537.36", math.random(40, 140), build)
  elseif r == 2 then
    return string.format("Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0 Build/%s", math.random(50, 140), math.random(50, 140), build)
  elseif r == 3 then
    return string.format("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d Safari/605.1.15 B/%s", math.random(9, 18), math.random(0, 6), build)
  elseif r == 4 then
    return string.format("Mozilla/4.0 (compatible; MSIE %d.0; Windows NT 6.1; Trident/%s)", math.random(6, 11), build)
  elseif r == 5 then
    return string.format("Mozilla/5.0 (Linux; Android %d; SM-G%d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%s Mobile Safari/537.36", math.random(5, 15), math.random(100, 999), math.random(60, 140), build)
  elseif r == 6 then
    return string.format("Mozilla/5.0 (iPhone; CPU iPhone OS %d_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.0 Mobile/15E148 Safari/604.1 B/%s", math.random(9, 18), math.random(0, 6), math.random(9, 18), build)
  elseif r == 7 then
    return string.format("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) %s", build)
  elseif r == 8 then
    return string.format("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36 Edg/%s", math.random(79, 140), build)
  else
    return junk(math.random(0, 300)) .. build
  end
end

function request()
  local headers = {
    ["User-Agent"] = user_agent(),
    ["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    ["Accept-Language"] = LANGUAGES[math.random(1, #LANGUAGES)],
  }
  if math.random(1, 5) > 1 then
    headers["Cookie"] = "antechamber_consent=" .. COOKIES[math.random(1, #COOKIES)]
  end
  if math.random(1, 10) == 1 then
    headers["Sec-GPC"] = "1"
  end
  return wrk.format("GET", PATHS[math.random(1, #PATHS)], headers)
end

function response(status, headers, body)
  if status == 200 or status == 303 or status == 406 then
    good = good + 1
  else
    bad = bad + 1
    if #statuses < 200 then statuses = statuses .. " " .. status end
  end
end

function done(summary, latency, requests)
  local total_good, total_bad, seen = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_good = total_good + thread:get("good")
    total_bad = total_bad + thread:get("bad")
    seen = seen .. thread:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    "LOADRESULT requests=%d good=%d bad=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d max_us=%d duration_us=%d bad_statuses=%s\n",
    summary.requests, total_good, total_bad, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.duration, seen == "" and "-" or seen))
end
