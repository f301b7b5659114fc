-- Intake: starts a grid member's patrol (services/intake/patrol_store.cc),
-- unless another of theirs is active. Idempotent by request.
-- KEYS: request, active, patrol, index, day.
-- ARGV: fingerprint, patrol, member, started_ms, ttl (seconds, for the patrol
-- and day records), trim_before (ms: older index entries are dropped).
-- Returns {1, patrol} when started, {0, patrol} for a replay, {-1} for a
-- request_id used by a different request, {2, active patrol} when another
-- patrol is active.
local seen = redis.call('GET', K.request)
if seen then
  local fingerprint, patrol = string.match(seen, '^([^|]*)|(.*)$')
  if fingerprint ~= A.fingerprint then return {-1} end
  return {0, patrol}
end
local active = redis.call('GET', K.active)
if active then return {2, active} end
redis.call('HSET', K.patrol, 'member', A.member, 'state', 'active',
           'started_ms', A.started_ms, 'points', 0, 'check_ins', 0,
           'distance_m', 0)
redis.call('EXPIRE', K.patrol, A.ttl)
redis.call('SET', K.active, A.patrol)
redis.call('ZADD', K.index, A.started_ms, A.patrol)
redis.call('ZREMRANGEBYSCORE', K.index, '-inf', '(' .. A.trim_before)
redis.call('HINCRBY', K.day, 'patrols', 1)
redis.call('EXPIRE', K.day, A.ttl)
redis.call('SET', K.request, A.fingerprint .. '|' .. A.patrol, 'EX', 86400)
return {1, A.patrol}
