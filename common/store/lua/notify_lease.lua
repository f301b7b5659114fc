-- gridcase-notify: leases due deliveries to one sender. The caller read the
-- candidates' ids from the due set; each is leased only if it is still due
-- now (another replica may have leased it meanwhile): its attempt count goes
-- up and its due score moves to lease_until, so no other replica takes it
-- until the lease runs out (the sender died). A record whose attempts are
-- used up when its lease ran out is dead-lettered instead.
-- KEYS: due, dead (the shard's dead letters), records#n.
-- ARGV: ids#n, now (ms), lease_until (ms), max_attempts, retention (ms).
-- Returns, per leased delivery: id, attempt, channel, endpoint, body.
local out = {}
for i, key in ipairs(K.records) do
  local id = A.ids[i]
  local score = redis.call('ZSCORE', K.due, id)
  if score and tonumber(score) <= tonumber(A.now) then
    local r = redis.call('HMGET', key, 'status', 'attempts', 'channel',
      'endpoint', 'body')
    if not r[1] or r[1] == 'SENT' or r[1] == 'DEAD' then
      redis.call('ZREM', K.due, id)
    elseif tonumber(r[2]) >= tonumber(A.max_attempts) then
      redis.call('HSET', key, 'status', 'DEAD',
        'result', 'no answer to the last attempt (its sender stopped)')
      redis.call('HDEL', key, 'next_ms')
      redis.call('ZREM', K.due, id)
      redis.call('ZADD', K.dead, A.now, id)
      redis.call('ZREMRANGEBYSCORE', K.dead, '-inf',
        tonumber(A.now) - tonumber(A.retention))
    else
      local attempt = redis.call('HINCRBY', key, 'attempts', 1)
      redis.call('HSET', key, 'last_ms', A.now, 'next_ms', A.lease_until)
      redis.call('ZADD', K.due, A.lease_until, id)
      table.insert(out, id)
      table.insert(out, attempt)
      table.insert(out, r[3])
      table.insert(out, r[4])
      table.insert(out, r[5])
    end
  end
end
return out
