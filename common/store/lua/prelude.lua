-- Named keys and arguments (common/store/script_call.h). ARGV[1] names the
-- KEYS and the rest of ARGV, in order: "<key names>|<argument names>", each
-- a space-separated list; "name#n" stands for a list of n. Afterwards
-- K.<name> is a key and A.<name> an argument (a table for a list), and
-- reading a name the caller did not give is an error.
local K, A = {}, {}
do
  local function bind(names, values, first, into)
    local i = first
    for name, n in string.gmatch(names, '([%w_]+)#?(%d*)') do
      if n == '' then
        into[name] = values[i]
        i = i + 1
      else
        local list = {}
        for j = 1, tonumber(n) do list[j] = values[i + j - 1] end
        into[name] = list
        i = i + tonumber(n)
      end
    end
    return i
  end
  local bar = string.find(ARGV[1] or '', '|', 1, true)
  if not bar then
    return redis.error_reply('INTERNAL script called without argument names')
  end
  local keys_end = bind(string.sub(ARGV[1], 1, bar - 1), KEYS, 1, K)
  local args_end = bind(string.sub(ARGV[1], bar + 1), ARGV, 2, A)
  if keys_end ~= #KEYS + 1 or args_end ~= #ARGV + 1 then
    return redis.error_reply('INTERNAL script arguments do not match their names')
  end
  local function strict(what)
    return {__index = function(_, name)
      error(what .. ' ' .. tostring(name) .. ' was not given')
    end}
  end
  setmetatable(K, strict('key'))
  setmetatable(A, strict('argument'))
end
