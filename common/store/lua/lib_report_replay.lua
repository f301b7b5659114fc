-- report_replay(idem, fingerprint): the answer to a report whose
-- request_id intake already stored (the record "<case id>|<fingerprint>"
-- at key `idem`): {'replay', case id}, an ALREADY_EXISTS error when the
-- request differs, or nil when there is no record. For intake_reserve and
-- intake_report: "-- requires: report_replay".
local function report_replay(idem_key, fingerprint)
  local idem = redis.call('GET', idem_key)
  if not idem then return nil end
  local sep = string.find(idem, '|', 1, true)
  local id = string.sub(idem, 1, sep - 1)
  if string.sub(idem, sep + 1) ~= fingerprint then
    return redis.error_reply('ALREADY_EXISTS request_id was already used ' ..
      'for a different request (case ' .. id .. ')')
  end
  -- Set the key's expiry to what it is: a no-op that is replicated, so a
  -- WAIT after a replay covers the write that stored the case even when it
  -- came through another connection (WAIT counts a connection's writes).
  local at = redis.call('PEXPIRETIME', idem_key)
  if at > 0 then redis.call('PEXPIREAT', idem_key, at) end
  return {'replay', id}
end
