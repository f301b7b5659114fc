-- Intake's daily report quota (services/intake/report_quota.cc): counts one
-- new report of a reporter on a local date.
-- KEYS: counter. ARGV: ttl_s. Returns the count.
local n = redis.call('INCR', K.counter)
if n == 1 then redis.call('EXPIRE', K.counter, A.ttl_s) end
return n
