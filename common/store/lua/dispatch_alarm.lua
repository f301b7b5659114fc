-- Dispatch's scanner: drops an alarm, or moves it to a new score, only if
-- its score is still the one read (services/dispatch/redis_case_store.cc).
-- KEYS: alarms. ARGV: member, score_read, new_score ('' = remove).
-- Returns 1 if done, 0 if the alarm changed meanwhile.
local s = redis.call('ZSCORE', K.alarms, A.member)
if not s or tonumber(s) ~= tonumber(A.score_read) then return 0 end
if A.new_score == '' then redis.call('ZREM', K.alarms, A.member)
else redis.call('ZADD', K.alarms, A.new_score, A.member) end
return 1
