// ScriptCall: one call of a Lua script of the data layer (the .lua files
// embedded by cmake/GridcaseLua.cmake) with named keys and arguments. The
// script reads K.<name> and A.<name> (common/store/lua/prelude.lua); no
// script counts positions in KEYS or ARGV.
//
//   ASSIGN_OR_RETURN(redis::Reply r,
//                    ScriptCall(scripts::DispatchAlarm())
//                        .Key("alarms", AlarmsKey(shard))
//                        .Arg("member", member)
//                        .Int("score", score)
//                        .Run(*redis));
//
// Every key the script touches is passed with Key or Keys: Redis Cluster
// routes a script by its KEYS, and the key-tracking test
// (tests/lua_keys_test.sh, ctest lua_keys_declared) fails a script that
// touches any other.
#ifndef GRIDCASE_COMMON_STORE_SCRIPT_CALL_H_
#define GRIDCASE_COMMON_STORE_SCRIPT_CALL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"
#include "common/redis/script.h"

namespace gridcase::store {

class ScriptCall final {
 public:
  explicit ScriptCall(const redis::Script& script) : script_(&script) {}

  // Names are Lua identifiers ([A-Za-z0-9_]), each given once.
  ScriptCall& Key(absl::string_view name, std::string key);
  ScriptCall& Keys(absl::string_view name, std::vector<std::string> keys);
  ScriptCall& Arg(absl::string_view name, absl::string_view value);
  ScriptCall& Int(absl::string_view name, int64_t value);
  ScriptCall& Args(absl::string_view name, std::vector<std::string> values);

  const redis::Script& script() const { return *script_; }
  const std::vector<std::string>& keys() const { return keys_; }
  // ARGV as sent: the names ("<keys>|<arguments>"), then the values.
  std::vector<std::string> argv() const;
  // EVALSHA <sha> <numkeys> <keys> <argv>, for a pipeline (see
  // redis::RedisClient::Eval for the NOSCRIPT fallback).
  redis::Args EvalSha() const;

  absl::StatusOr<redis::Reply> Run(redis::RedisClient& redis) const;
  // Run, then WAIT for `wait.count` replicas (redis::RedisClient::Eval).
  absl::StatusOr<redis::Reply> Run(redis::RedisClient& redis,
                                   const redis::WaitReplicas& wait) const;

 private:
  static void AddName(std::string* names, absl::string_view name,
                      int list_size);

  const redis::Script* script_;
  std::string key_names_;
  std::string arg_names_;
  std::vector<std::string> keys_;
  std::vector<std::string> values_;
};

}  // namespace gridcase::store

#endif  // GRIDCASE_COMMON_STORE_SCRIPT_CALL_H_
