-- Dispatch, replacing the routing policy with compare-and-set on its
-- version, audited (services/dispatch/redis_case_store.cc).
-- requires: audit
-- KEYS: routing, audit.
-- ARGV: expected_version ('0' = any), policy_pb (without version),
--       audit_record ('' = none), audit_maxlen.
-- Returns the new version.
local v = tonumber(redis.call('HGET', K.routing, 'version') or '0')
if A.expected_version ~= '0' and tonumber(A.expected_version) ~= v then
  return redis.error_reply('ABORTED routing policy is at version ' .. v ..
    ', not ' .. A.expected_version .. '; re-read it and retry')
end
redis.call('HSET', K.routing, 'pb', A.policy_pb, 'version', v + 1)
audit(K.audit, A.audit_record, A.audit_maxlen)
return v + 1
