-- A rate limit (common/limits/redis_rate_limiter.cc), GCRA. A bucket's state
-- is its theoretical arrival time (TAT, µs): when it would be empty again
-- at the configured rate. `count` calls at `now` move it to max(TAT, now) +
-- count × interval, and are allowed if that is at most burst × interval
-- ahead of now; refused calls change nothing. (count > 1: a replica's
-- lease, common/limits/leased_rate_limiter.h.)
-- KEYS: bucket. ARGV: now_us ("redis": Redis' own clock, read when the
-- script runs), interval_us (1 s / rate), burst, count.
-- Returns {1, 0} (allowed) or {0, µs until a call would be allowed}.
local now
if A.now_us == 'redis' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(A.now_us)
end
local interval = tonumber(A.interval_us)
local tolerance = interval * tonumber(A.burst)
local tat = tonumber(redis.call('GET', K.bucket) or '') or now
if tat < now then tat = now end
local next_tat = tat + interval * tonumber(A.count)
local wait = next_tat - now - tolerance
if wait > 0 then return {0, math.ceil(wait)} end
redis.call('SET', K.bucket, string.format('%.0f', next_tat),
           'PX', math.max(1, math.ceil((next_tat - now) / 1000)))
return {1, 0}
