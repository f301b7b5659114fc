-- Intake: ends an active patrol (services/intake/patrol_store.cc).
-- Idempotent by request.
-- KEYS: request, patrol, active.
-- ARGV: fingerprint, patrol, ended_ms.
-- Returns {1} when ended, {0} for a replay, {-1} for a request_id used by a
-- different request, {2} for an unknown patrol, {3} for one already ended.
-- requires: patrol_guard
local refused = patrol_guard()
if refused then return refused end
redis.call('HSET', K.patrol, 'state', 'ended', 'ended_ms', A.ended_ms)
if redis.call('GET', K.active) == A.patrol then redis.call('DEL', K.active) end
redis.call('SET', K.request, A.fingerprint .. '|' .. A.patrol, 'EX', 86400)
return {1}
