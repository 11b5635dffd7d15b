-- bench-pickup.lua: pickups on one hot allotment, as the PHP peer's
-- pickup.lua sends them: 1-3 nights (cut at the period's end) starting on
-- one of its first 28 nights, one room of one of its 3 unit types.
-- usage: wrk ... -s scripts/bench-pickup.lua URL -- ALLOTMENT_ID NTHREADS
--        KEY FROM_DATE TYPE1,TYPE2,TYPE3 RATE_PLAN GUEST
local path, key, from, types, rate, guest
local days = {}

function init(args)
  path = "/v1/allotments/" .. args[1] .. "/reservations"
  key, from, rate, guest = args[3], args[4], args[6], args[7]
  types = {}
  for t in string.gmatch(args[5], "[^,]+") do types[#types + 1] = t end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  -- The period's 31 dates (FROM + 0 .. 30), without a date library.
  local y, m, d = from:match("(%d+)-(%d+)-(%d+)")
  local t = os.time({ year = tonumber(y), month = tonumber(m),
    day = tonumber(d), hour = 12 })
  for i = 0, 30 do days[i] = os.date("!%Y-%m-%d", t + i * 86400) end
end

function request()
  local d = math.random(0, 27)
  local n = math.random(1, 3)
  if d + n > 30 then n = 30 - d end
  local body = string.format('{"checkInDate":"%s","checkOutDate":"%s",' ..
    '"unitTypeId":"%s","quantity":1,"ratePlanId":"%s",' ..
    '"guestProfileId":"%s","channelType":"group","segment":"group",' ..
    '"bookerContactName":"CE Acme","bookerContactEmail":"ce@acme.fr"}',
    days[d], days[d + n], types[math.random(1, #types)], rate, guest)
  return wrk.format("POST", path, { ["X-API-Key"] = key,
    ["Content-Type"] = "application/json" }, body)
end
