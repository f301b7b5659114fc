-- Intake, a report's first step (services/intake/case_store.cc): the
-- idempotency check, then a sequence number for the new case's id (the
-- counter jumps after a restore: common/store/case_id.h, "Counters and
-- restores"), and the open cases of the category near the point, whose
-- keys the caller declares to intake_report.
-- KEYS: idem, seq, seqrun, geo_open, ext (list: the report's external
--       reference, if it has one).
-- ARGV: fingerprint, lng, lat, radius_m, counter_gap, day_start_ms, skew_ms.
-- Returns {'replay', case id}, {'existing', case id} (the external
-- reference's case) or {'sequence', n, nearby case id...}.
-- requires: report_replay
local replay = report_replay(K.idem, A.fingerprint)
if replay then return replay end
if K.ext[1] then
  local known = redis.call('GET', K.ext[1])
  if known then return {'existing', known} end
end
-- The counter jumps when a restore may have set it back: when another Redis
-- process moved it last, or none has yet and this one may have started
-- after the day began.
local info = redis.call('INFO', 'server')
local run = string.match(info, 'run_id:(%x+)')
if not run then return redis.error_reply('INTERNAL INFO has no run_id') end
local seq
if redis.call('GET', K.seqrun) == run then
  seq = redis.call('INCR', K.seq)
else
  local t = redis.call('TIME')
  local since_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) -
                   tonumber(A.day_start_ms)
  local up_ms = tonumber(string.match(info, 'uptime_in_seconds:(%d+)')) * 1000
  local at = redis.call('GET', K.seq)
  if at or up_ms < since_ms + tonumber(A.skew_ms) then
    seq = math.max(tonumber(at or '0') + 1 + tonumber(A.counter_gap), since_ms)
  else
    seq = 1
  end
  redis.call('SET', K.seq, string.format('%d', seq))
  redis.call('SET', K.seqrun, run, 'EX', 172800)
end
redis.call('EXPIRE', K.seq, 172800)
local out = {'sequence', string.format('%d', seq)}
local near = redis.call('GEOSEARCH', K.geo_open, 'FROMLONLAT', A.lng, A.lat,
                        'BYRADIUS', A.radius_m, 'm', 'ASC')
for _, id in ipairs(near) do out[#out + 1] = id end
return out
