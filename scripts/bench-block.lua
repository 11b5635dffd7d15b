-- bench-block.lua: open-ended out-of-service blocks and their return to
-- service, alternating: each answered block is returned by the next
-- request the thread sends, so every unit is free again long before its
-- turn comes back.  Each wrk thread takes its own units (no two threads
-- block one unit).
-- usage: wrk ... -s scripts/bench-block.lua URL -- UNITS_FILE NTHREADS KEY FROM
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local units, turn, pending, key, from = {}, 1, {}, nil, nil

function init(args)
  local n, k = tonumber(args[2]), 0
  key, from = args[3], args[4]
  for line in io.lines(args[1]) do
    if k % n == tid then units[#units + 1] = line end
    k = k + 1
  end
end

function request()
  local back = table.remove(pending, 1)
  if back then
    return wrk.format("DELETE", "/v1/units/" .. back.unit ..
      "/out-of-service/" .. back.ref, { ["X-API-Key"] = key })
  end
  local unit = units[turn]
  turn = turn % #units + 1
  return wrk.format("POST", "/v1/units/" .. unit .. "/out-of-service",
    { ["X-API-Key"] = key, ["Content-Type"] = "application/json" },
    '{"kind":"ooo","oooFrom":"' .. from .. '"}')
end

function response(status, headers, body)
  if status == 201 then
    local ref = body:match('"refId":"([^"]+)"')
    local unit = body:match('"unitId":"([^"]+)"')
    if ref and unit then pending[#pending + 1] = { ref = ref, unit = unit } end
  end
end
