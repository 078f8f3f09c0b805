-- wrk script for the edge load benchmark: every connection cycles through a list of URL paths
-- (one per line in the file given as the first argument after `--`), and done() prints one JSON line
-- prefixed "WRK_JSON " that run.sh collects. With WRK_COUNT_STATUS=1 it also counts 451 answers
-- (used for the blocked-URL check only: a response() callback costs wrk time, so the measured runs go without).

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

local requests = {}
local next_index = 1

function init(args)
   local file = assert(io.open(args[1], "r"), "cannot open the paths file " .. tostring(args[1]))
   for path in file:lines() do
      if path ~= "" then
         requests[#requests + 1] = wrk.format("GET", path)
      end
   end
   file:close()
   assert(#requests > 0, "the paths file " .. args[1] .. " is empty")
   -- Threads start at different places so they do not ask for the same object in lockstep.
   next_index = ((id - 1) * 97) % #requests + 1
end

function request()
   local r = requests[next_index]
   next_index = next_index % #requests + 1
   return r
end

if os.getenv("WRK_COUNT_STATUS") == "1" then
   status_451 = 0
   status_other = 0
   function response(status, headers, body)
      if status == 451 then
         status_451 = status_451 + 1
      else
         status_other = status_other + 1
      end
   end
end

function done(summary, latency, requests_)
   local s451, sother = 0, 0
   for _, thread in ipairs(threads) do
      s451 = s451 + (thread:get("status_451") or 0)
      sother = sother + (thread:get("status_other") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d},' ..
      '"status_451":%d,"status_other":%d}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      s451, sother))
end
