// Script: a Lua script body with its SHA1, so callers can run it with
// EVALSHA and fall back to EVAL on NOSCRIPT (see RedisClient::Eval).
// Define scripts once, as constants of the store that uses them.
#ifndef GRIDCASE_COMMON_REDIS_SCRIPT_H_
#define GRIDCASE_COMMON_REDIS_SCRIPT_H_

#include <string>

namespace gridcase::redis {

class Script final {
 public:
  // `name` is used in errors and logs; `body` is the Lua source.
  Script(std::string name, std::string body);

  const std::string& name() const { return name_; }
  const std::string& body() const { return body_; }
  // Lower-case hex SHA1 of the body, as Redis computes it.
  const std::string& sha1() const { return sha1_; }

 private:
  std::string name_;
  std::string body_;
  std::string sha1_;
};

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_SCRIPT_H_
