-- patrol_guard(): the checks every write to an existing patrol makes first
-- (K.request, K.patrol, A.fingerprint, A.patrol): a retry of a request
-- already stored ({0}), a request_id used by a different request ({-1}), an
-- unknown patrol ({2}), an ended one ({3}); nil to go on. For patrol_record
-- and patrol_end: "-- requires: patrol_guard".
local function patrol_guard()
  local seen = redis.call('GET', K.request)
  if seen then
    if seen ~= A.fingerprint .. '|' .. A.patrol then return {-1} end
    return {0}
  end
  local state = redis.call('HGET', K.patrol, 'state')
  if not state then return {2} end
  if state ~= 'active' then return {3} end
  return nil
end
