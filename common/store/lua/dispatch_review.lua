-- Dispatch, putting a case in the review queue with a reason, unless its
-- version moved (services/dispatch/redis_case_store.cc). Its alarms are
-- added unless present: a case waiting for review goes yellow and overdue
-- like any other (the commit script already set them for a case dispatch
-- has written).
-- KEYS: case, review_queue, alarms.
-- ARGV: version, member, score, reason, now_ms, warn_member, warn_ms,
--       due_member, due_ms ('' = none).
-- Returns 1 if queued, 0 if the version moved.
if redis.call('HGET', K.case, 'version') ~= A.version then return 0 end
redis.call('ZADD', K.review_queue, A.score, A.member)
redis.call('HSET', K.case, 'review_reason', A.reason, 'queued_ms', A.now_ms)
if A.warn_ms ~= '' then
  redis.call('ZADD', K.alarms, 'NX', A.warn_ms, A.warn_member)
end
if A.due_ms ~= '' then
  redis.call('ZADD', K.alarms, 'NX', A.due_ms, A.due_member)
end
return 1
