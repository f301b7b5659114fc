#include "common/redis/reply.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gridcase::redis {

Reply Reply::Nil() { return Reply(); }

Reply Reply::String(std::string s) {
  Reply r;
  r.type_ = Type::kString;
  r.str_ = std::move(s);
  return r;
}

Reply Reply::Status(std::string s) {
  Reply r = String(std::move(s));
  r.type_ = Type::kStatus;
  return r;
}

Reply Reply::Error(std::string s) {
  Reply r = String(std::move(s));
  r.type_ = Type::kError;
  return r;
}

Reply Reply::Integer(int64_t n) {
  Reply r;
  r.type_ = Type::kInteger;
  r.integer_ = n;
  return r;
}

Reply Reply::Array(std::vector<Reply> elements) {
  Reply r;
  r.type_ = Type::kArray;
  r.elements_ = std::move(elements);
  return r;
}

absl::StatusOr<std::string> Reply::AsString() const {
  if (type_ == Type::kString || type_ == Type::kStatus) return str_;
  if (type_ == Type::kError) return StatusFromErrorReply(str_);
  return absl::InternalError(
      absl::StrCat("redis: expected a string reply, got ", DebugString()));
}

absl::StatusOr<int64_t> Reply::AsInteger() const {
  if (type_ == Type::kInteger) return integer_;
  if (type_ == Type::kError) return StatusFromErrorReply(str_);
  return absl::InternalError(
      absl::StrCat("redis: expected an integer reply, got ", DebugString()));
}

absl::Status Reply::ToStatus() const {
  return type_ == Type::kError ? StatusFromErrorReply(str_) : absl::OkStatus();
}

std::string Reply::DebugString() const {
  switch (type_) {
    case Type::kNil:
      return "(nil)";
    case Type::kString:
      return absl::StrCat("\"", str_, "\"");
    case Type::kStatus:
      return str_;
    case Type::kError:
      return absl::StrCat("(error) ", str_);
    case Type::kInteger:
      return absl::StrCat("(integer) ", integer_);
    case Type::kArray:
      return absl::StrCat("[",
                          absl::StrJoin(elements_, ", ",
                                        [](std::string* out, const Reply& r) {
                                          out->append(r.DebugString());
                                        }),
                          "]");
  }
  return "(unknown)";
}

bool operator==(const Reply& a, const Reply& b) {
  return a.type_ == b.type_ && a.str_ == b.str_ && a.integer_ == b.integer_ &&
         a.elements_ == b.elements_;
}

absl::Status StatusFromErrorReply(absl::string_view error) {
  absl::string_view word = error.substr(0, error.find(' '));
  absl::string_view rest =
      word.size() < error.size() ? error.substr(word.size() + 1) : "";
  struct Known {
    absl::string_view name;
    absl::StatusCode code;
  };
  static constexpr Known kScriptCodes[] = {
      {"INVALID_ARGUMENT", absl::StatusCode::kInvalidArgument},
      {"NOT_FOUND", absl::StatusCode::kNotFound},
      {"ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
      {"FAILED_PRECONDITION", absl::StatusCode::kFailedPrecondition},
      {"ABORTED", absl::StatusCode::kAborted},
      {"PERMISSION_DENIED", absl::StatusCode::kPermissionDenied},
      {"OUT_OF_RANGE", absl::StatusCode::kOutOfRange},
      {"RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted},
  };
  for (const Known& k : kScriptCodes) {
    if (word == k.name) return absl::Status(k.code, rest);
  }
  // maxmemory reached with noeviction (also inside a script's error): the
  // store takes no writes until operators free or add memory.
  if (word == "OOM" || absl::StrContains(error, "OOM command not allowed")) {
    return absl::ResourceExhaustedError(kStoreFull);
  }
  static constexpr absl::string_view kUnavailable[] = {
      "LOADING",  "BUSY",        "MASTERDOWN", "READONLY",
      "TRYAGAIN", "CLUSTERDOWN", "MOVED",      "ASK"};
  for (absl::string_view w : kUnavailable) {
    if (word == w)
      return absl::UnavailableError(absl::StrCat("redis: ", error));
  }
  return absl::InternalError(absl::StrCat("redis: ", error));
}

}  // namespace gridcase::redis
