// Reply: an owned, copyable value holding one Redis reply (a tree for
// arrays). Callers never see hiredis' redisReply; the pool converts each one
// and frees it at once (RAII), so replies outlive the connection they came on.
#ifndef GRIDCASE_COMMON_REDIS_REPLY_H_
#define GRIDCASE_COMMON_REDIS_REPLY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::redis {

class Reply final {
 public:
  enum class Type { kNil, kString, kStatus, kError, kInteger, kArray };

  static Reply Nil();
  static Reply String(std::string s);
  static Reply Status(std::string s);
  static Reply Error(std::string s);
  static Reply Integer(int64_t n);
  static Reply Array(std::vector<Reply> elements);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::kNil; }
  bool is_error() const { return type_ == Type::kError; }

  // Text of a string, status or error reply; empty otherwise.
  const std::string& str() const { return str_; }
  // Value of an integer reply; 0 otherwise.
  int64_t integer() const { return integer_; }
  // Elements of an array reply; empty otherwise.
  const std::vector<Reply>& elements() const { return elements_; }

  // Typed access: a clear error when the reply has another type.
  absl::StatusOr<std::string> AsString() const;
  absl::StatusOr<int64_t> AsInteger() const;

  // OK unless this is an error reply; see StatusFromErrorReply.
  absl::Status ToStatus() const;

  // A compact human-readable rendering, for logs and test failures.
  std::string DebugString() const;

  friend bool operator==(const Reply& a, const Reply& b);

 private:
  Type type_ = Type::kNil;
  std::string str_;
  int64_t integer_ = 0;
  std::vector<Reply> elements_;
};

// Maps a Redis error reply to a status.
// - A reply whose first word is a canonical code name that a gridcase Lua
//   script raises on purpose (e.g. "FAILED_PRECONDITION case is CLOSED")
//   gets that code and the rest of the text as message.
// - LOADING, BUSY, MASTERDOWN, READONLY, TRYAGAIN and CLUSTERDOWN mean the
//   server cannot serve now: UNAVAILABLE. So do MOVED and ASK, which reach a
//   caller only when the cluster client gave up following them.
// - OOM (maxmemory reached under noeviction, also as a script's error):
//   RESOURCE_EXHAUSTED with kStoreFull, which names no Redis detail.
// - Anything else is a bug on our side (bad command, bad script): INTERNAL.
absl::Status StatusFromErrorReply(absl::string_view error);

inline constexpr char kStoreFull[] =
    "storage is full: nothing new can be stored until operators free or add "
    "memory (nothing acknowledged was lost); retry later";

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_REPLY_H_
