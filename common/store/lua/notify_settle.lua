-- gridcase-notify: records the outcome of one attempt, only if the record
-- is still at that attempt and not final: a sender whose lease ran out and
-- whose delivery another replica leased again cannot overwrite it.
--   sent   status SENT, out of the due set;
--   retry  status RETRYING, due again at next_ms;
--   dead   status DEAD, out of the due set, into the dead letters.
-- KEYS: due, dead, record.
-- ARGV: id, attempt, outcome, now (ms), next_ms, result, retention (ms).
-- Returns 1 when recorded, 0 when stale.
local r = redis.call('HMGET', K.record, 'status', 'attempts')
if not r[1] or r[1] == 'SENT' or r[1] == 'DEAD' or r[2] ~= A.attempt then
  return 0
end
if A.outcome == 'sent' then
  redis.call('HSET', K.record, 'status', 'SENT', 'sent_ms', A.now,
    'result', A.result)
  redis.call('HDEL', K.record, 'next_ms')
  redis.call('ZREM', K.due, A.id)
elseif A.outcome == 'retry' then
  redis.call('HSET', K.record, 'status', 'RETRYING', 'next_ms', A.next_ms,
    'result', A.result)
  redis.call('ZADD', K.due, A.next_ms, A.id)
elseif A.outcome == 'dead' then
  redis.call('HSET', K.record, 'status', 'DEAD', 'result', A.result)
  redis.call('HDEL', K.record, 'next_ms')
  redis.call('ZREM', K.due, A.id)
  redis.call('ZADD', K.dead, A.now, A.id)
  redis.call('ZREMRANGEBYSCORE', K.dead, '-inf',
    tonumber(A.now) - tonumber(A.retention))
else
  return redis.error_reply('INVALID_ARGUMENT unknown outcome ' .. A.outcome)
end
return 1
