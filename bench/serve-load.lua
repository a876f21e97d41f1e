-- wrk script of bench/serve-load.sh: every request is a multipart
-- `POST /api/submissions` carrying one distinct small RFC 5322 mail
-- (inert plain text; some look like spear-phishing: a lookalike sender
-- domain, a Reply-To elsewhere, an organisation's internal project term).
--
-- Exact count: a request is reserved in delay() (called before each
-- request()); past its share of SERVE_LOAD_REQUESTS a connection waits an
-- hour instead, and the thread stops itself once every reserved request
-- has its response. (request() itself is not counted: wrk calls it once
-- more on the first thread to check the script's request.) wrk's main
-- thread sleeps for the whole -d regardless, so the last thread to stop
-- sends wrk SIGINT (wrk's own "stop now"), which ends the run early; its
-- duration is measured here, first request to last response, with
-- LuaJIT's FFI (clock_gettime), since wrk's counts the wait too.
--
-- Environment: SERVE_LOAD_TOKEN (API token, required),
-- SERVE_LOAD_REQUESTS (default 1000), SERVE_LOAD_THREADS (must equal
-- wrk's -t, default 2), SERVE_LOAD_CASE (default "serve-load"),
-- SERVE_LOAD_RUN (a tag in every Message-ID, default os.time()),
-- SERVE_LOAD_DIR (an empty directory for the threads' "stopped" marks;
-- without it wrk runs for the whole -d).
--
-- done() prints `serve-load KEY VALUE...` lines that the shell script reads.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } serve_load_timespec;
int clock_gettime(int clock, serve_load_timespec *ts);
int getpid(void);
int kill(int pid, int sig);
]]
local timespec = ffi.new("serve_load_timespec")

local function now_us()
   ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC: one clock for all threads
   return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end

local threads = {}

-- Main state: number the threads (before each thread's init()).
function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

-- Thread state.
local token, case_key, run_tag, cap, nthreads
local reserved, made, got = 0, 0, 0
statuses = {}
counts = {}

function init(args)
   token = os.getenv("SERVE_LOAD_TOKEN") or error("SERVE_LOAD_TOKEN is not set")
   case_key = os.getenv("SERVE_LOAD_CASE") or "serve-load"
   run_tag = os.getenv("SERVE_LOAD_RUN") or tostring(os.time())
   local total = tonumber(os.getenv("SERVE_LOAD_REQUESTS") or "1000")
   nthreads = tonumber(os.getenv("SERVE_LOAD_THREADS") or "2")
   cap = math.floor(total / nthreads)
   if tid <= total % nthreads then cap = cap + 1 end
   counts = { cap = cap, reserved = 0, got = 0 }
end

-- The mails. Fields: org, to, from, reply_to, received, auth, subject
-- (already RFC 2047-encoded where not ASCII), body (UTF-8, 8bit).
local templates = {
   { -- benign: internal meeting note, KB Zenit
      org = "kbzenit",
      received = "from mail.kbzenit.local (mail.kbzenit.local [10.0.0.5])\n\tby mx.kbzenit.ru",
      from = "=?utf-8?B?0J7RgNC70L7QstCwINCc0LDRgNC40Y8=?= <m.orlova@kbzenit.ru>",
      to = "=?utf-8?B?0JjQstCw0L3QvtCy0LAg0JDQvdC90LA=?= <a.ivanova@kbzenit.ru>",
      domain = "kbzenit.ru",
      subject = "Weekly planning meeting (%d)",
      body = "Коллеги, совещание по графику работ переносится на четверг, 10:00.\n"
         .. "Повестка без изменений. Протокол №%d разошлю после встречи.\n",
   },
   { -- spear-phishing: lookalike kbzenlt.ru, internal terms, Reply-To gmail
      org = "kbzenit",
      received = "from mx.kbzenlt.ru (mx.kbzenlt.ru [203.0.113.45])\n\tby mx.kbzenit.ru (Postfix)",
      auth = "mx.kbzenit.ru; spf=fail smtp.mailfrom=kbzenlt.ru; dkim=none; dmarc=fail header.from=kbzenlt.ru",
      from = "=?utf-8?B?0J/QtdGC0YDQvtCyINCh0LXRgNCz0LXQuQ==?= <s.petrov@kbzenlt.ru>",
      reply_to = "\"\" <kbzenit.office@gmail.com>",
      to = "=?utf-8?B?0JjQstCw0L3QvtCy0LAg0JDQvdC90LA=?= <a.ivanova@kbzenit.ru>",
      domain = "mx.kbzenlt.ru",
      subject = "=?utf-8?B?0J7RgtGH0ZHRgiDQv9C+INC/0YDQvtC10LrRgtGDIA==?=\n"
         .. " =?utf-8?B?0JPRgNCw0L3QuNGCLdCcLCDQuNC30LTQtdC70LjQtSA10J8tNDI=?= (%d)",
      body = "Анна, добрый день!\n\n"
         .. "Направляю отчёт по проекту Гранит-М. Замечания по изделию Изделие 5П-42\n"
         .. "прошу согласовать до пятницы. Документ (версия %d):\n"
         .. "http://kbzenlt.ru/docs/granit-m-report.doc\n\n"
         .. "С уважением,\nПетров Сергей\n",
   },
   { -- benign: newsletter to Aqua Sever
      org = "aquasever",
      received = "from mail.industryweekly-news.com (mail.industryweekly-news.com [192.0.2.80])\n\tby mx.aquasever.ru",
      auth = "mx.aquasever.ru; spf=pass smtp.mailfrom=industryweekly-news.com; dkim=pass header.d=industryweekly-news.com; dmarc=pass",
      from = "\"Industry Weekly\" <digest@industryweekly-news.com>",
      to = "<o.smirnova@aquasever.ru>",
      domain = "industryweekly-news.com",
      subject = "Industry Weekly #%d: supply chains, patches, outlook",
      body = "Industry Weekly, issue %d\n\n"
         .. "This week: supply chains, patch notes and the market outlook.\n"
         .. "https://www.industryweekly-news.com/2022/06/outlook\n",
   },
   { -- spear-phishing: lookalike minfrontier-gov.af, internal programme names
      org = "minfrontier",
      received = "from mail.minfrontier-gov.af (mail.minfrontier-gov.af [198.51.100.23])\n\tby mx.minfrontier.gov.af",
      auth = "mx.minfrontier.gov.af; spf=softfail smtp.mailfrom=minfrontier-gov.af; dkim=none; dmarc=none",
      from = "\"Farida Ahmadi\" <f.ahmadi@minfrontier-gov.af>",
      to = "\"Mohammad Karimi\" <m.karimi@minfrontier.gov.af>",
      domain = "minfrontier-gov.af",
      subject = "SPINGHAR: Border Logistics Programme 2022 budget revision %d",
      body = "Dear Mohammad,\n\n"
         .. "Please review the revised SPINGHAR figures for the Border Logistics\n"
         .. "Programme 2022 (revision %d) before tomorrow's meeting:\n"
         .. "http://minfrontier-gov.af/portal/review\n\n"
         .. "Regards,\nFarida Ahmadi\n",
   },
   { -- spear-phishing: lookalike po1ymet.by, order number of Polymet
      org = "polymet",
      received = "from mx.po1ymet.by (mx.po1ymet.by [203.0.113.77])\n\tby mx.polymet.by",
      auth = "mx.polymet.by; spf=fail smtp.mailfrom=po1ymet.by; dkim=none; dmarc=fail header.from=po1ymet.by",
      from = "=?utf-8?B?0JrQvtCy0LDQu9GR0LIg0JDQvdC00YDQtdC5?= <a.kovalev@po1ymet.by>",
      to = "<i.novik@polymet.by>",
      domain = "po1ymet.by",
      subject = "=?utf-8?B?0JfQsNC60LDQtyAxMTcvMjI6IA==?=\n"
         .. " =?utf-8?B?0YPRgtC+0YfQvdGR0L3QvdCw0Y8g0YHQv9C10YbQuNGE0LjQutCw0YbQuNGP?= (%d)",
      body = "Добрый день!\n\n"
         .. "По Заказ 117/22 (Кольчуга-2М) направляю уточнённую спецификацию, лист %d.\n"
         .. "Прошу подтвердить получение: http://po1ymet.by/orders/117-22\n\n"
         .. "Ковалёв Андрей\n",
   },
}

local function mail(n)
   local t = templates[(n - 1) % #templates + 1]
   local minute, second = math.floor(n / 60) % 60, n % 60
   local h = {
      string.format("Received: %s; Tue, 14 Jun 2022 09:%02d:%02d +0300", t.received, minute, second),
   }
   if t.auth then h[#h + 1] = "Authentication-Results: " .. t.auth end
   h[#h + 1] = "From: " .. t.from
   if t.reply_to then h[#h + 1] = "Reply-To: " .. t.reply_to end
   h[#h + 1] = "To: " .. t.to
   h[#h + 1] = "Subject: " .. string.format(t.subject, n)
   h[#h + 1] = string.format("Date: Tue, 14 Jun 2022 09:%02d:%02d +0300", minute, second)
   h[#h + 1] = string.format("Message-ID: <load-%s.%d@%s>", run_tag, n, t.domain)
   h[#h + 1] = "MIME-Version: 1.0"
   h[#h + 1] = "Content-Type: text/plain; charset=\"utf-8\""
   h[#h + 1] = "Content-Transfer-Encoding: 8bit"
   return t.org, table.concat(h, "\n") .. "\n\n" .. string.format(t.body, n)
end

function request()
   -- wrk's check of the script calls request() before any delay(): that
   -- one is never sent, so it is not numbered.
   local k = made + 1
   if reserved > 0 then
      made = k
      if not counts.first_us then counts.first_us = now_us() end
   end
   -- Mails are numbered across threads: with 2, thread 1 sends 1, 3, 5, ...
   local n = (k - 1) * nthreads + tid
   local org, eml = mail(n)
   local boundary = string.format("----counterspy-serve-load-%d", n)
   local body = table.concat({
      "--" .. boundary,
      "Content-Disposition: form-data; name=\"case\"",
      "",
      case_key,
      "--" .. boundary,
      "Content-Disposition: form-data; name=\"org\"",
      "",
      org,
      "--" .. boundary,
      string.format("Content-Disposition: form-data; name=\"file\"; filename=\"load-%06d.eml\"", n),
      "Content-Type: message/rfc822",
      "",
      eml,
      "--" .. boundary .. "--",
      "",
   }, "\r\n")
   local headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
      ["Accept"] = "application/json",
   }
   return wrk.format("POST", wrk.path, headers, body)
end

-- This thread is done: mark it, and when every thread is, wake wrk's
-- main thread (a process-directed SIGINT goes to it, the group leader).
local stopped = false
local function finished()
   if stopped then return end
   stopped = true
   wrk.thread:stop()
   local dir = os.getenv("SERVE_LOAD_DIR")
   if not dir then return end
   local mark = io.open(string.format("%s/stopped.%d", dir, tid), "w")
   if mark then mark:close() end
   for i = 1, nthreads do
      local f = io.open(string.format("%s/stopped.%d", dir, i), "r")
      if not f then return end
      f:close()
   end
   ffi.C.kill(ffi.C.getpid(), 2)
end

-- Reserve the next request, or park the connection once the share is used.
function delay()
   if reserved < cap then
      reserved = reserved + 1
      counts.reserved = reserved
      return 0
   end
   if cap == 0 then finished() end -- more threads than requests
   return 3600 * 1000
end

function response(status, headers, body)
   got = got + 1
   counts.got = got
   counts.last_us = now_us()
   statuses[status] = (statuses[status] or 0) + 1
   if got == cap then
      finished()
   end
end

-- Main state again.
function done(summary, latency, requests)
   local reserved_all, got_all, by_status = 0, 0, {}
   local first, last = math.huge, 0
   for _, thread in ipairs(threads) do
      local c = thread:get("counts")
      reserved_all = reserved_all + (c.reserved or 0)
      got_all = got_all + (c.got or 0)
      first = math.min(first, c.first_us or math.huge)
      last = math.max(last, c.last_us or 0)
      for status, n in pairs(thread:get("statuses")) do
         by_status[status] = (by_status[status] or 0) + n
      end
   end
   local e = summary.errors
   io.write(string.format("serve-load sent %d\n", reserved_all))
   io.write(string.format("serve-load responses %d\n", got_all))
   io.write(string.format("serve-load completed %d\n", summary.requests))
   io.write(string.format("serve-load duration_us %d\n",
      last > first and (last - first) or summary.duration))
   io.write(string.format("serve-load wrk_duration_us %d\n", summary.duration))
   io.write(string.format("serve-load socket_errors %d %d %d %d\n",
      e.connect, e.read, e.write, e.timeout))
   for status, n in pairs(by_status) do
      io.write(string.format("serve-load status %d %d\n", status, n))
   end
   io.write(string.format("serve-load latency_us %d %d %d %d %d\n",
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean))
end
