-- Dispatch, one transition or alert (services/dispatch/redis_case_store.cc;
-- docs/architecture.md, "The commit script"): compare-and-set on the case
-- version, then the case, its event (stream and timeline), its alarms,
-- queues, indices, geo entries, the open and overdue counts and the
-- idempotency record, atomically.
-- KEYS: case, timeline, events, idem, alarms, open_counts, overdue_counts,
--       queues_old, queues_new, indices_old, indices_new, geo_old, geo_new
--       (lists: what the case leaves and joins), closed (the archiver's
--       list of cases in a final state), target, target_followers and
--       followers (lists, given for a merge or an unmerge: the other case's
--       hash and followers, and this case's followers).
-- ARGV: expected_version, case_pb, state, event_pb, event_type, case_id,
--       maxlen, idem_ttl_s, fingerprint ('' = no idempotency), warn_member,
--       warn_ms ('' = none), due_member, due_ms ('' = none), member_old,
--       member_new, score, open_old, open_new, overdue_old, overdue_new ('' =
--       none), alert ('' = none), set_review ('1'), review_reason,
--       queued_ms ('' = keep), snapshot (the case after, for replays),
--       closed_ms (when the case enters a final state; '' otherwise),
--       related (the event's other case, '' = none), merge ('' | 'merge' |
--       'unmerge'), reporter (the case's reporter id), lng and lat (the
--       case's position, for geo entries it joins without having one; ''
--       = none).
-- A merge adds this case's report_count to the target's and its followers
-- to the target's followers, remembering in 'moved_followers' those who
-- did not follow the target yet; an unmerge takes them away again.
-- Returns {'ok', event id} | {'replay'} | {'conflict', version}.
local v = redis.call('HGET', K.case, 'version')
if not v then
  return redis.error_reply('NOT_FOUND case ' .. A.case_id .. ' not found')
end
if A.fingerprint ~= '' then
  local fp = redis.call('HGET', K.idem, 'fp')
  if fp then
    if fp ~= A.fingerprint then
      return redis.error_reply('ALREADY_EXISTS request_id was already used ' ..
        'for a different request on case ' .. A.case_id)
    end
    return {'replay'}
  end
end
if v ~= A.expected_version then return {'conflict', v} end
if A.merge == 'merge' then
  local st = redis.call('HGET', K.target[1], 'state')
  if not st then
    return redis.error_reply('NOT_FOUND into_case_id: case ' .. A.related ..
      ' not found')
  end
  if not OPEN_STATES[tonumber(st)] then
    return redis.error_reply('FAILED_PRECONDITION into_case_id: case ' ..
      A.related .. ' is no longer open; merge into an open case')
  end
end
local id = A.case_id
local nv = tonumber(v) + 1
redis.call('HSET', K.case, 'pb', A.case_pb, 'state', A.state, 'version', nv)
if A.closed_ms ~= '' then redis.call('ZADD', K.closed, A.closed_ms, id) end
if A.queued_ms ~= '' then redis.call('HSET', K.case, 'queued_ms', A.queued_ms) end
if A.set_review == '1' then
  redis.call('HSET', K.case, 'review_reason', A.review_reason)
end
if A.alert ~= '' then
  local a = redis.call('HGET', K.case, 'alerts') or ''
  redis.call('HSET', K.case, 'alerts', a .. ' ' .. A.alert)
end
if A.merge == 'merge' then
  local n = tonumber(redis.call('HGET', K.case, 'report_count') or '1')
  redis.call('HINCRBY', K.target[1], 'report_count', n)
  local moved = {}
  for _, who in ipairs(redis.call('SMEMBERS', K.followers[1])) do
    if redis.call('SADD', K.target_followers[1], who) == 1 then
      moved[#moved + 1] = who
    end
  end
  redis.call('HINCRBY', K.target[1], 'follower_count', #moved)
  redis.call('HSET', K.case, 'merged_into', A.related,
             'moved_followers', table.concat(moved, '\n'))
elseif A.merge == 'unmerge' then
  if redis.call('EXISTS', K.target[1]) == 1 then
    local n = tonumber(redis.call('HGET', K.case, 'report_count') or '1')
    redis.call('HINCRBY', K.target[1], 'report_count', -n)
    local removed = 0
    local moved = redis.call('HGET', K.case, 'moved_followers') or ''
    for who in string.gmatch(moved, '[^\n]+') do
      removed = removed + redis.call('SREM', K.target_followers[1], who)
    end
    -- (Not HINCRBY by -0: Lua would pass "-0", which Redis refuses.)
    if removed > 0 then
      redis.call('HINCRBY', K.target[1], 'follower_count', -removed)
    end
  end
  redis.call('HSET', K.case, 'merged_into', '')
  redis.call('HDEL', K.case, 'moved_followers')
  if A.reporter ~= '' then redis.call('SADD', K.followers[1], A.reporter) end
end
local ev = redis.call('XADD', K.events, 'MAXLEN', '~', A.maxlen, '*',
                      'type', A.event_type, 'case', id, 'related', A.related,
                      'pb', A.event_pb)
local related = A.related
if related == '' then related = '-' end
redis.call('RPUSH', K.timeline, ev .. ' ' .. related .. ' ' .. A.event_pb)
if A.warn_ms == '' then redis.call('ZREM', K.alarms, A.warn_member)
else redis.call('ZADD', K.alarms, A.warn_ms, A.warn_member) end
if A.due_ms == '' then redis.call('ZREM', K.alarms, A.due_member)
else redis.call('ZADD', K.alarms, A.due_ms, A.due_member) end
for _, key in ipairs(K.queues_old) do redis.call('ZREM', key, A.member_old) end
for _, key in ipairs(K.queues_new) do
  redis.call('ZADD', key, A.score, A.member_new)
end
local reported = redis.call('HGET', K.case, 'reported_ms') or '0'
for _, key in ipairs(K.indices_old) do redis.call('ZREM', key, id) end
for _, key in ipairs(K.indices_new) do redis.call('ZADD', key, reported, id) end
local pos = false
for _, key in ipairs(K.geo_old) do
  local p = redis.call('GEOPOS', key, id)[1]
  if p then pos = p end
  redis.call('ZREM', key, id)
end
if not pos and A.lng ~= '' then pos = {A.lng, A.lat} end
for _, key in ipairs(K.geo_new) do
  if pos then redis.call('GEOADD', key, pos[1], pos[2], id) end
end
if A.open_old ~= '' then redis.call('HINCRBY', K.open_counts, A.open_old, -1) end
if A.open_new ~= '' then redis.call('HINCRBY', K.open_counts, A.open_new, 1) end
if A.overdue_old ~= '' then
  redis.call('HINCRBY', K.overdue_counts, A.overdue_old, -1)
end
if A.overdue_new ~= '' then
  redis.call('HINCRBY', K.overdue_counts, A.overdue_new, 1)
end
if A.fingerprint ~= '' then
  redis.call('HSET', K.idem, 'fp', A.fingerprint, 'case', A.snapshot,
             'event', A.event_pb, 'event_id', ev, 'related', A.related)
  redis.call('EXPIRE', K.idem, A.idem_ttl_s)
end
return {'ok', ev}
