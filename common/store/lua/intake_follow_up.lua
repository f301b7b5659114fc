-- Intake, a follow-up (services/intake/case_store.cc): a reporter's comment,
-- photos or "me too", with compare-and-set on the case version.
-- KEYS: idem, case, followers, events, timeline, archive (the case's
--       archived form: dispatch's archiver).
-- ARGV: fingerprint, event_pb, idem_ttl_s, maxlen, reporter, me_too ('1'
--       or '0'), case_id, expected_version.
-- Returns {'replay', event id} | {'ok', event id} | {'retry'}.
local idem = redis.call('GET', K.idem)
if idem then
  local a = string.find(idem, '|', 1, true)
  local b = string.find(idem, '|', a + 1, true)
  if string.sub(idem, a + 1, b - 1) ~= A.fingerprint then
    return redis.error_reply('ALREADY_EXISTS request_id was already used ' ..
      'for a different follow-up')
  end
  -- A replicated no-op, so a WAIT after a replay covers the original write.
  local at = redis.call('PEXPIRETIME', K.idem)
  if at > 0 then redis.call('PEXPIREAT', K.idem, at) end
  return {'replay', string.sub(idem, b + 1)}
end
local f = redis.call('HMGET', K.case, 'state', 'merged_into', 'version')
if not f[1] then
  if redis.call('EXISTS', K.archive) == 1 then
    return redis.error_reply('FAILED_PRECONDITION case ' .. A.case_id ..
      ' was closed long ago and is archived; it takes no follow-ups ' ..
      '(report the problem anew)')
  end
  return redis.error_reply('NOT_FOUND case ' .. A.case_id .. ' not found')
end
local state = tonumber(f[1])
if state == CaseState.VOIDED then
  return redis.error_reply('FAILED_PRECONDITION case ' .. A.case_id ..
    ' is VOIDED and takes no follow-ups')
end
if state == CaseState.MERGED then
  return redis.error_reply('FAILED_PRECONDITION case ' .. A.case_id ..
    ' is MERGED into ' .. f[2] .. '; follow up on that case')
end
if f[3] ~= A.expected_version then return {'retry'} end
if A.me_too == '1' and redis.call('SADD', K.followers, A.reporter) == 1 then
  redis.call('HINCRBY', K.case, 'follower_count', 1)
end
redis.call('HINCRBY', K.case, 'version', 1)
local ev = redis.call('XADD', K.events, 'MAXLEN', '~', A.maxlen, '*',
                      'type', EventType.FOLLOWED_UP, 'case', A.case_id,
                      'related', '', 'pb', A.event_pb)
redis.call('RPUSH', K.timeline, ev .. ' - ' .. A.event_pb)
redis.call('SET', K.idem, A.case_id .. '|' .. A.fingerprint .. '|' .. ev,
           'EX', A.idem_ttl_s)
return {'ok', ev}
