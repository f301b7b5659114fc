-- Registry, one record deleted and the reference version bumped
-- (services/registry/redis_registry_store.cc); audited.
-- requires: audit
-- KEYS: records, version, updated_at, audit.
-- ARGV: id, now_ms, audit_record ('' = none), audit_maxlen.
-- Returns 1; NOT_FOUND if there was no such record.
if redis.call('HDEL', K.records, A.id) == 0 then
  return redis.error_reply('NOT_FOUND ' .. A.id)
end
redis.call('INCR', K.version)
redis.call('SET', K.updated_at, A.now_ms)
audit(K.audit, A.audit_record, A.audit_maxlen)
return 1
