// CaseFacts: what gridcase-notify reads of a case to route and word its
// notifications (the stored case, unmasked, and its followers).
// RedisCaseFacts reads them through common/store/case_reader.h, so an
// archived case reads as a live one.
#ifndef GRIDCASE_SERVICES_NOTIFY_CASE_FACTS_H_
#define GRIDCASE_SERVICES_NOTIFY_CASE_FACTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::notify {

class CaseFacts {
 public:
  virtual ~CaseFacts() = default;
  // NOT_FOUND when the case is gone.
  virtual absl::StatusOr<v1::Case> Case(int shard,
                                        const std::string& case_id) = 0;
  virtual absl::StatusOr<std::vector<std::string>> Followers(
      int shard, const std::string& case_id) = 0;
};

class RedisCaseFacts final : public CaseFacts {
 public:
  explicit RedisCaseFacts(redis::RedisClient* redis) : redis_(redis) {}
  absl::StatusOr<v1::Case> Case(int shard, const std::string& case_id) override;
  absl::StatusOr<std::vector<std::string>> Followers(
      int shard, const std::string& case_id) override;

 private:
  redis::RedisClient* redis_;
};

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_CASE_FACTS_H_
