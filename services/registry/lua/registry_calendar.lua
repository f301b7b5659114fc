-- Registry, the working calendar replaced if its version is still the
-- expected one (services/registry/redis_registry_store.cc); audited.
-- requires: audit
-- KEYS: calendar, version, updated_at, audit.
-- ARGV: expected_version, calendar, now_ms, audit_record ('' = none),
--       audit_maxlen.
-- Returns the new version.
local current = tonumber(redis.call('GET', K.version) or '0')
if current ~= tonumber(A.expected_version) then
  return redis.error_reply('ABORTED calendar version is ' .. current ..
                           ', expected ' .. A.expected_version)
end
redis.call('SET', K.calendar, A.calendar)
redis.call('SET', K.version, current + 1)
redis.call('SET', K.updated_at, A.now_ms)
audit(K.audit, A.audit_record, A.audit_maxlen)
return current + 1
