-- bench.lua: wrk replays requests pre-signed by bench_sign, one a line:
--   METHOD \t PATH \t header: value|header: value \t BODY
-- usage: wrk ... -s scripts/bench.lua URL -- FILE NTHREADS
-- Each wrk thread takes every NTHREADS-th line from its own offset, so two
-- threads never send the same line (POST signatures are single-use).
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local reqs, i, step = {}, 0, 1

function init(args)
  local file, n = args[1], tonumber(args[2] or "1")
  for line in io.lines(file) do
    local m, p, h, b = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    for kv in h:gmatch("[^|]+") do
      local k, v = kv:match("^([^:]+): (.*)$")
      headers[k] = v
    end
    reqs[#reqs + 1] = wrk.format(m, p, headers, b ~= "" and b or nil)
  end
  i, step = tid, n
end

function request()
  local r = reqs[(i % #reqs) + 1]
  i = i + step
  return r
end
