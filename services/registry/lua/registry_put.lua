-- Registry, one record (member, department, category or rule) stored and
-- the reference version bumped (services/registry/redis_registry_store.cc);
-- audited.
-- requires: audit
-- KEYS: records, version, updated_at, audit.
-- ARGV: id, record, now_ms, audit_record ('' = none), audit_maxlen.
-- Returns 1 if created, 0 if replaced.
local created = redis.call('HSET', K.records, A.id, A.record)
redis.call('INCR', K.version)
redis.call('SET', K.updated_at, A.now_ms)
audit(K.audit, A.audit_record, A.audit_maxlen)
return created
