-- Stats: publishes a report (services/stats/report_store.cc). Stores it and
-- makes it the one in force for its period if the one in force is still
-- the one the caller saw (`expected`, '' for none), so that of replicas
-- publishing the same period at once exactly one stores. A reissue also
-- rewrites the report it replaces, marked SUPERSEDED.
-- KEYS: current, doc, summary, list, kind_list, old (a list of 0 or 2: the
-- replaced report's doc and summary keys).
-- ARGV: expected, id, member, doc, summary, old (0 or 2: their new values).
-- Returns {1, id} when it stored the report, else {0, the id in force}.
local current = redis.call('GET', K.current) or ''
if current ~= A.expected then return {0, current} end
redis.call('SET', K.doc, A.doc)
redis.call('SET', K.summary, A.summary)
for i = 1, #K.old do redis.call('SET', K.old[i], A.old[i]) end
redis.call('SET', K.current, A.id)
redis.call('ZADD', K.list, 0, A.member)
redis.call('ZADD', K.kind_list, 0, A.member)
return {1, A.id}
