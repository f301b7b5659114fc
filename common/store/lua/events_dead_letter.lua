-- A consumer group's quarantine (common/events/event_source.cc): copies a
-- pending entry to the shard's dead-letter stream and acknowledges it, if
-- it is still pending on the consumer (else another consumer owns it now).
-- KEYS: events, dead.
-- ARGV: group, entry, consumer, deliveries, code, error, maxlen, fields
--       (list: the entry's fields as the consumer read them, stored if the
--       entry is gone from the stream).
-- Returns 1 if moved, 0 if not pending on the consumer.
local p = redis.call('XPENDING', K.events, A.group, A.entry, A.entry, 1)
if #p == 0 or p[1][2] ~= A.consumer then return 0 end
local fields = {'group', A.group, 'entry', A.entry, 'consumer', A.consumer,
                'deliveries', A.deliveries, 'code', A.code, 'error', A.error}
local e = redis.call('XRANGE', K.events, A.entry, A.entry)
if #e == 1 then
  for _, v in ipairs(e[1][2]) do fields[#fields + 1] = v end
else
  for _, v in ipairs(A.fields) do fields[#fields + 1] = v end
end
redis.call('XADD', K.dead, 'MAXLEN', '~', A.maxlen, '*', unpack(fields))
redis.call('XACK', K.events, A.group, A.entry)
return 1
