-- Stats' rebuild: clears a field of a shard's meta hash if it still holds
-- a value (services/stats/rebuild.cc).
-- KEYS: meta. ARGV: field, value. Returns 1.
if redis.call('HGET', K.meta, A.field) == A.value then
  redis.call('HDEL', K.meta, A.field)
end
return 1
