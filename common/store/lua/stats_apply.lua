-- Stats, one event applied to one generation exactly once
-- (services/stats/redis_aggregates.cc; docs/architecture.md, "The apply
-- script").
-- KEYS: cases (the generation's case records), meta, seen (the dedup set
--       earlier releases kept for the event's day), buckets (list: every
--       aggregate hash a delta goes to).
-- ARGV: generation, event_id, case_id, expected (the record the deltas were
--       computed from, '' for none), next (the new record), deltas (list of
--       triples: index in buckets, field, delta).
-- Returns 'ok', 'dup' (already applied), 'retry' (the record changed) or
-- 'stale' (the generation is neither in use nor being built any more).
local m = redis.call('HMGET', K.meta, 'cur', 'build')
if (m[1] or '1') ~= A.generation and m[2] ~= A.generation then
  return 'stale'
end
-- Dedup sets of earlier releases (read only; they expire by themselves).
-- Duplicates are now found by the case record, which knows the versions of
-- the events it holds (services/stats/contributions.h, WasApplied): a
-- second delivery finds its version there, or loses the compare-and-set
-- below and finds it when it reads the record again.
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
return 'ok'
