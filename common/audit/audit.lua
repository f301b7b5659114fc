-- audit(stream, record, maxlen): appends the serialized AuditRecord
-- `record` (nothing if it is empty) to `stream`, trimmed to about `maxlen`
-- entries (common/audit/audit_record.h, kMaxRecords). For the scripts that
-- change audited data: "-- requires: audit".
local function audit(stream, record, maxlen)
  if record ~= '' then
    redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'pb', record)
  end
end
