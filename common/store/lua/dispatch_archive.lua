-- Dispatch's archiver (services/dispatch/archiver.cc): replaces a case in a
-- final state with its archive (common/store/archive.h), if the case has
-- not changed since the archiver read it, and takes it off the list.
-- KEYS: case, timeline, followers, archive, closed (the archiver's list),
--       unsatisfied (the queue of unsatisfied ratings, which an archived
--       case leaves unreviewed).
-- ARGV: case_id, version and entries (what the archive was made from: the
--       case version and the number of timeline entries), archive.
-- Returns 'archived' | 'changed' (read it again) | 'gone' (no such case) |
-- 'open' (not in a final state); the last two leave the list too.
local f = redis.call('HMGET', K.case, 'version', 'state')
if not f[1] then
  redis.call('ZREM', K.closed, A.case_id)
  return 'gone'
end
local state = tonumber(f[2])
if OPEN_STATES[state] then
  redis.call('ZREM', K.closed, A.case_id)
  return 'open'
end
if f[1] ~= A.version or
    redis.call('LLEN', K.timeline) ~= tonumber(A.entries) then
  return 'changed'
end
redis.call('SET', K.archive, A.archive)
redis.call('DEL', K.case, K.timeline, K.followers)
redis.call('ZREM', K.closed, A.case_id)
redis.call('ZREM', K.unsatisfied, '0' .. A.case_id, '1' .. A.case_id)
return 'archived'
