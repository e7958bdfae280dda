-- wrk script for `python -m benchmarks`: POST one prepared form again and again, count the answers.
-- Arguments (after `--`): a file holding the Cookie header on its first line and the
-- urlencoded body on its second, then the most responses one wrk thread may wait for.
-- Every connection shares the one signed-in session. Only 302 counts as a save.

local threads = {}

-- Per-thread counters (globals, so that done() can read them with thread:get).
sent, ok, other, first_status, first_body = 0, 0, 0, 0, ""

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   local file = assert(io.open(args[1], "r"))
   local cookie = file:read("*l")
   local body = file:read("*l")
   file:close()
   limit = tonumber(args[2])
   req = wrk.format("POST", nil, {
      ["Host"] = wrk.headers["Host"],
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = cookie,
      ["User-Agent"] = "dutydesk-bench",
   }, body)
end

function request()
   sent = sent + 1
   return req
end

function response(status, headers, body)
   if status == 302 then
      ok = ok + 1
   else
      other = other + 1
      if first_status == 0 then
         first_status = status
         first_body = string.sub(body or "", 1, 2000)
      end
   end
   if ok + other >= limit then
      wrk.thread:stop()  -- the count bound; wrk's -d is the time bound
   end
end

function done(summary, latency, requests)
   local t_sent, t_ok, t_other, status, body = 0, 0, 0, 0, ""
   for _, thread in ipairs(threads) do
      t_sent = t_sent + thread:get("sent")
      t_ok = t_ok + thread:get("ok")
      t_other = t_other + thread:get("other")
      if status == 0 and thread:get("first_status") ~= 0 then
         status = thread:get("first_status")
         body = thread:get("first_body")
      end
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"duration_us": %d, "requests": %d, "sent": %d, "ok": %d, "other": %d, ' ..
      '"first_other_status": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
      summary.duration, summary.requests, t_sent, t_ok, t_other, status,
      latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout))
   if status ~= 0 then
      io.write("BENCH_FIRST_OTHER_BODY " .. string.gsub(body, "%s+", " ") .. "\n")
   end
end
