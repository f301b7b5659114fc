-- gridcase-notify: writes the outbox records of one event, one per
-- (event, recipient, channel), idempotently: a record that exists already
-- (the event was delivered again) is left as it is, so a redelivery never
-- duplicates or resets a delivery. Each new record is due at once.
-- KEYS: due (the shard's due set), case (the case's deliveries), records#n
--       (each delivery's hash), recipients#n (each recipient's deliveries on
--       this shard).
-- ARGV: now (ms), retention (ms), case_id, event_id, event_type, ids#n,
--       kinds#n, recipient_ids#n, channels#n, endpoints#n, bodies#n.
-- Returns the number of records written (0 when all existed).
local created = 0
local horizon = tonumber(A.now) - tonumber(A.retention)
for i, key in ipairs(K.records) do
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'id', A.ids[i], 'case_id', A.case_id,
      'event_id', A.event_id, 'event_type', A.event_type,
      'kind', A.kinds[i], 'recipient', A.recipient_ids[i],
      'channel', A.channels[i], 'endpoint', A.endpoints[i],
      'body', A.bodies[i], 'status', 'PENDING', 'attempts', 0,
      'created_ms', A.now, 'next_ms', A.now)
    redis.call('PEXPIRE', key, A.retention)
    redis.call('ZADD', K.due, A.now, A.ids[i])
    redis.call('ZADD', K.case, A.now, A.ids[i])
    redis.call('ZADD', K.recipients[i], A.now, A.ids[i])
    redis.call('ZREMRANGEBYSCORE', K.recipients[i], '-inf', horizon)
    redis.call('PEXPIRE', K.recipients[i], A.retention)
    created = created + 1
  end
end
if created > 0 then
  redis.call('PEXPIRE', K.case, A.retention)
end
return created
