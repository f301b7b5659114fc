#include "common/store/script_call.h"

#include <cassert>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace gridcase::store {

void ScriptCall::AddName(std::string* names, absl::string_view name,
                         int list_size) {
  assert(!name.empty());
  for ([[maybe_unused]] char c : name) {
    assert(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_');
  }
  if (!names->empty()) names->push_back(' ');
  absl::StrAppend(names, name);
  if (list_size >= 0) absl::StrAppend(names, "#", list_size);
}

ScriptCall& ScriptCall::Key(absl::string_view name, std::string key) {
  AddName(&key_names_, name, -1);
  keys_.push_back(std::move(key));
  return *this;
}

ScriptCall& ScriptCall::Keys(absl::string_view name,
                             std::vector<std::string> keys) {
  AddName(&key_names_, name, static_cast<int>(keys.size()));
  for (std::string& k : keys) keys_.push_back(std::move(k));
  return *this;
}

ScriptCall& ScriptCall::Arg(absl::string_view name, absl::string_view value) {
  AddName(&arg_names_, name, -1);
  values_.emplace_back(value);
  return *this;
}

ScriptCall& ScriptCall::Int(absl::string_view name, int64_t value) {
  return Arg(name, absl::StrCat(value));
}

ScriptCall& ScriptCall::Args(absl::string_view name,
                             std::vector<std::string> values) {
  AddName(&arg_names_, name, static_cast<int>(values.size()));
  for (std::string& v : values) values_.push_back(std::move(v));
  return *this;
}

std::vector<std::string> ScriptCall::argv() const {
  std::vector<std::string> out;
  out.reserve(values_.size() + 1);
  out.push_back(absl::StrCat(key_names_, "|", arg_names_));
  out.insert(out.end(), values_.begin(), values_.end());
  return out;
}

redis::Args ScriptCall::EvalSha() const {
  redis::Args out = {"EVALSHA", script_->sha1(), absl::StrCat(keys_.size())};
  out.insert(out.end(), keys_.begin(), keys_.end());
  std::vector<std::string> args = argv();
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

absl::StatusOr<redis::Reply> ScriptCall::Run(redis::RedisClient& redis) const {
  return redis.Eval(*script_, keys_, argv());
}

absl::StatusOr<redis::Reply> ScriptCall::Run(
    redis::RedisClient& redis, const redis::WaitReplicas& wait) const {
  return redis.Eval(*script_, keys_, argv(), wait);
}

}  // namespace gridcase::store
