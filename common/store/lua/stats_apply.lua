-- Stats, one event applied to one generation exactly once
-- (services/stats/redis_aggregates.cc; docs/architecture.md, "The apply
-- script").
-- KEYS: cases (the generation's case records), meta, seen (its dedup set
--       for the event's day), buckets (list: every aggregate hash a delta
--       goes to).
-- ARGV: generation, event_id, dedup_ttl_s, case_id, expected (the record
--       the deltas were computed from, '' for none), next (the new record),
--       deltas (list of triples: index in buckets, field, delta).
-- Returns 'ok', 'dup' (already applied), 'retry' (the record changed) or
-- 'stale' (the generation is neither in use nor being built any more).
local m = redis.call('HMGET', K.meta, 'cur', 'build')
if (m[1] or '1') ~= A.generation and m[2] ~= A.generation then
  return 'stale'
end
if redis.call('SISMEMBER', K.seen, A.event_id) == 1 then return 'dup' end
local cur = redis.call('HGET', K.cases, A.case_id) or ''
if cur ~= A.expected then return 'retry' end
local d = A.deltas
for i = 1, #d, 3 do
  local key = K.buckets[tonumber(d[i])]
  if redis.call('HINCRBY', key, d[i + 1], d[i + 2]) == 0 then
    redis.call('HDEL', key, d[i + 1])
  end
end
if A.next ~= cur then redis.call('HSET', K.cases, A.case_id, A.next) end
redis.call('SADD', K.seen, A.event_id)
redis.call('EXPIRE', K.seen, A.dedup_ttl_s)
return 'ok'
