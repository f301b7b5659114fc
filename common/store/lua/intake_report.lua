-- Intake, a report's second step (services/intake/case_store.cc): stores
-- the case under the id intake_reserve numbered, or, when an open case of
-- the category within the radius was reported within the window, stores
-- it MERGED into the nearest such case. With its indices, geo entries,
-- followers, open count, event (stream and timeline) and idempotency
-- record, atomically.
-- KEYS: idem, events, geo_open, geo_cases, open_counts, case, timeline,
--       followers, reported_index, merged_index (the state indices),
--       indices (list; score: report ms), candidate_cases and
--       candidate_followers (lists: the nearby cases' hashes and followers,
--       in the order of ARGV candidates), closed (the archiver's list: a
--       merged case is final from the start), ext (list: the report's
--       external reference, if it has one; set to the new case's id).
-- ARGV: fingerprint, case_id, now_ms, lng, lat, radius_m, window_ms,
--       case_pb, reported_pb, merged_pb, idem_ttl_s, maxlen, reporter,
--       open_field, candidates (list of case ids).
-- Returns {'replay', id} | {'existing', id} (the external reference's
-- case) | {'created', id, ''} | {'merged', id, original}
-- | {'candidates', id...} when the nearby cases are no longer the ones
-- declared (call again with these).
-- The merged event gets data["distance_m"] (metres to the original, one
-- decimal) appended as one encoded CaseEvent.data map entry (field 18):
-- parsing concatenated protobuf encodings merges them.
-- requires: report_replay
local function varint(n)
  local out = ''
  while n >= 128 do
    out = out .. string.char(n % 128 + 128)
    n = math.floor(n / 128)
  end
  return out .. string.char(n)
end
local function bytes_field(tag, s)
  return string.char(tag) .. varint(#s) .. s
end
local function data_entry(key, value)
  local entry = bytes_field(10, key) .. bytes_field(18, value)
  return string.char(146, 1) .. varint(#entry) .. entry
end
local replay = report_replay(K.idem, A.fingerprint)
if replay then return replay end
if K.ext[1] then
  local known = redis.call('GET', K.ext[1])
  if known then return {'existing', known} end
end
local id = A.case_id
local now = tonumber(A.now_ms)
local declared = {}
for i, cid in ipairs(A.candidates) do declared[cid] = i end
local near = redis.call('GEOSEARCH', K.geo_open, 'FROMLONLAT', A.lng, A.lat,
                        'BYRADIUS', A.radius_m, 'm', 'ASC', 'WITHDIST')
local target = false
local target_i = 0
local distance = 0
for _, hit in ipairs(near) do
  local i = declared[hit[1]]
  if not i then
    local ids = {'candidates'}
    for _, h in ipairs(near) do ids[#ids + 1] = h[1] end
    return ids
  end
  local f = redis.call('HMGET', K.candidate_cases[i], 'state', 'reported_ms')
  local st = tonumber(f[1] or '0')
  if OPEN_STATES[st] and tonumber(f[2] or '0') >= now - tonumber(A.window_ms) then
    target = hit[1]
    target_i = i
    distance = tonumber(hit[2])
    break
  end
end
local state = CaseState.REPORTED
if target then state = CaseState.MERGED end
redis.call('HSET', K.case, 'pb', A.case_pb, 'state', state,
           'version', 1, 'report_count', 1, 'follower_count', 0,
           'reported_ms', A.now_ms, 'merged_into', target or '')
if K.ext[1] then redis.call('SET', K.ext[1], id) end
for _, key in ipairs(K.indices) do redis.call('ZADD', key, now, id) end
if target then
  redis.call('ZADD', K.merged_index, now, id)
  redis.call('ZADD', K.closed, now, id)
else
  redis.call('ZADD', K.reported_index, now, id)
end
local event_pb = A.reported_pb
local type = EventType.REPORTED
if target then
  local tk = K.candidate_cases[target_i]
  redis.call('HINCRBY', tk, 'report_count', 1)
  if redis.call('SADD', K.candidate_followers[target_i], A.reporter) == 1 then
    redis.call('HINCRBY', tk, 'follower_count', 1)
    -- What an unmerge (dispatch_commit.lua) takes away again.
    redis.call('HSET', K.case, 'moved_followers', A.reporter)
  end
  event_pb = A.merged_pb ..
    data_entry('distance_m', string.format('%.1f', distance))
  type = EventType.MERGED
else
  redis.call('HINCRBY', K.open_counts, A.open_field, 1)
  redis.call('GEOADD', K.geo_open, A.lng, A.lat, id)
  redis.call('GEOADD', K.geo_cases, A.lng, A.lat, id)
  redis.call('SADD', K.followers, A.reporter)
end
local ev = redis.call('XADD', K.events, 'MAXLEN', '~', A.maxlen, '*',
                      'type', type, 'case', id, 'related', target or '',
                      'pb', event_pb)
redis.call('RPUSH', K.timeline, ev .. ' ' .. (target or '-') .. ' ' .. event_pb)
redis.call('SET', K.idem, id .. '|' .. A.fingerprint, 'EX', A.idem_ttl_s)
if target then return {'merged', id, target} end
return {'created', id, ''}
