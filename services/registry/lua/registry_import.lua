-- Registry, a grid import (services/registry/redis_registry_store.cc):
-- upserts regions and bumps the registry version if it is still the one
-- the import was validated against; audited.
-- requires: audit
-- KEYS: regions, version, updated_at, audit.
-- ARGV: expected_version, now_ms, audit_record ('' = none), audit_maxlen,
--       regions (list of code, serialized Region pairs).
-- Returns the new version.
local current = tonumber(redis.call('GET', K.version) or '0')
if current ~= tonumber(A.expected_version) then
  return redis.error_reply('ABORTED registry version is ' .. current ..
                           ', expected ' .. A.expected_version)
end
local r = A.regions
for i = 1, #r, 2 do
  redis.call('HSET', K.regions, r[i], r[i + 1])
end
redis.call('SET', K.version, current + 1)
redis.call('SET', K.updated_at, A.now_ms)
audit(K.audit, A.audit_record, A.audit_maxlen)
return current + 1
