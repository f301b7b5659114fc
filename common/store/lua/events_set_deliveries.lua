-- A consumer group's retry bookkeeping (common/events/event_source.cc):
-- sets the delivery count of an entry if it is pending on the consumer.
-- KEYS: events. ARGV: group, entry, consumer, deliveries. Returns 1 if set.
local p = redis.call('XPENDING', K.events, A.group, A.entry, A.entry, 1)
if #p == 0 or p[1][2] ~= A.consumer then return 0 end
redis.call('XCLAIM', K.events, A.group, A.consumer, 0, A.entry,
           'RETRYCOUNT', A.deliveries, 'JUSTID')
return 1
