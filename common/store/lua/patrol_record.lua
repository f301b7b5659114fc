-- Intake: appends track points or a check-in to an active patrol
-- (services/intake/patrol_store.cc) and marks the member's grids it reached
-- as visited on their dates. Idempotent by request.
-- KEYS: request, patrol, list (the track or the check-ins), grids (the
-- patrol's visited grids), day (the counts of today), visited (a list: one
-- visited-grid set per date the entries touch).
-- ARGV: fingerprint, patrol, field ('points' or 'check_ins': the patrol's
-- count to raise, and for 'check_ins' today's), max (most entries the list
-- may hold), ttl (seconds), entries (a list), coords (a list, one "lat,lng"
-- per track point; empty for a check-in: no distance), visited_grids (a
-- list, one per visited key: the member's grids reached, comma-separated).
-- Returns {1} when stored, {0} for a replay, {-1} for a request_id used by a
-- different request, {2} for an unknown patrol, {3} for an ended one,
-- {4, count} when the list would pass max.
-- requires: patrol_guard
local refused = patrol_guard()
if refused then return refused end
local have = tonumber(redis.call('HGET', K.patrol, A.field) or '0')
if have + #A.entries > tonumber(A.max) then return {4, have} end

if #A.coords > 0 then
  -- Great-circle distance along the track, from the last point stored.
  local last = redis.call('HMGET', K.patrol, 'last_lat', 'last_lng')
  local lat, lng = tonumber(last[1] or ''), tonumber(last[2] or '')
  local metres = 0
  local rad = math.pi / 180
  for i = 1, #A.coords do
    local a, b = string.match(A.coords[i], '^([^,]+),([^,]+)$')
    a, b = tonumber(a), tonumber(b)
    if lat then
      local dlat, dlng = (a - lat) * rad, (b - lng) * rad
      local h = math.sin(dlat / 2) ^ 2 +
                math.cos(lat * rad) * math.cos(a * rad) * math.sin(dlng / 2) ^ 2
      metres = metres + 2 * 6371008.8 * math.asin(math.min(1, math.sqrt(h)))
    end
    lat, lng = a, b
  end
  redis.call('HSET', K.patrol, 'last_lat', tostring(lat), 'last_lng',
             tostring(lng))
  redis.call('HINCRBYFLOAT', K.patrol, 'distance_m', string.format('%.3f', metres))
end

redis.call('RPUSH', K.list, unpack(A.entries))
redis.call('EXPIRE', K.list, A.ttl)
redis.call('HINCRBY', K.patrol, A.field, #A.entries)
for i = 1, #K.visited do
  for grid in string.gmatch(A.visited_grids[i], '[^,]+') do
    redis.call('SADD', K.visited[i], grid)
    redis.call('SADD', K.grids, grid)
  end
  redis.call('EXPIRE', K.visited[i], A.ttl)
end
if redis.call('EXISTS', K.grids) == 1 then redis.call('EXPIRE', K.grids, A.ttl) end
if A.field == 'check_ins' then
  redis.call('HINCRBY', K.day, 'check_ins', #A.entries)
  redis.call('EXPIRE', K.day, A.ttl)
end
redis.call('SET', K.request, A.fingerprint .. '|' .. A.patrol, 'EX', 86400)
return {1}
