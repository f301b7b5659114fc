// QueryCache: recent StatsService answers, so that dashboards polling the
// same Summary or Ranking every few seconds, from many screens, do not each
// recompute it from the aggregates. An answer is reused for `ttl` after it
// was computed and keeps its own computed_at, so a caller always sees how
// old it is. The answers do not depend on who asks (the authorization
// table only admits or refuses), so callers share them. Refusals and
// errors are never kept. Answers are kept parsed: a hit copies the message
// instead of parsing bytes. At most `capacity` answers: when full, expired
// ones are dropped, and if none are, all.
#ifndef GRIDCASE_SERVICES_STATS_QUERY_CACHE_H_
#define GRIDCASE_SERVICES_STATS_QUERY_CACHE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "google/protobuf/message.h"

namespace gridcase::stats {

class QueryCache final {
 public:
  // ttl zero (or capacity 0) keeps nothing.
  QueryCache(const Clock* clock, absl::Duration ttl, size_t capacity = 1000)
      : clock_(clock), ttl_(ttl), capacity_(capacity) {}

  // The answer to `request` of `method` computed less than ttl ago, else
  // compute()'s (kept if OK).
  template <typename Resp>
  absl::StatusOr<Resp> Get(absl::string_view method,
                           const google::protobuf::Message& request,
                           absl::FunctionRef<absl::StatusOr<Resp>()> compute) {
    if (ttl_ <= absl::ZeroDuration() || capacity_ == 0) return compute();
    std::string key = Key(method, request);
    std::shared_ptr<const google::protobuf::Message> kept = Find(key);
    if (kept != nullptr && kept->GetDescriptor() == Resp::descriptor()) {
      return static_cast<const Resp&>(*kept);  // a copy, not a parse
    }
    absl::StatusOr<Resp> fresh = compute();
    if (fresh.ok()) Put(std::move(key), std::make_shared<const Resp>(*fresh));
    return fresh;
  }

  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    absl::Time expires;
    std::shared_ptr<const google::protobuf::Message> response;
  };

  static std::string Key(absl::string_view method,
                         const google::protobuf::Message& request);
  // The unexpired answer under `key`, or null.
  std::shared_ptr<const google::protobuf::Message> Find(const std::string& key)
      ABSL_LOCKS_EXCLUDED(mu_);
  void Put(std::string key,
           std::shared_ptr<const google::protobuf::Message> response)
      ABSL_LOCKS_EXCLUDED(mu_);

  const Clock* const clock_;
  const absl::Duration ttl_;
  const size_t capacity_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_QUERY_CACHE_H_
