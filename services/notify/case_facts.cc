#include "services/notify/case_facts.h"

#include "common/status/status_macros.h"
#include "common/store/case_reader.h"
#include "common/store/keys.h"

namespace gridcase::notify {

absl::StatusOr<v1::Case> RedisCaseFacts::Case(int shard,
                                              const std::string& case_id) {
  ASSIGN_OR_RETURN(store::StoredCase c,
                   store::ReadCase(*redis_, shard, case_id));
  return std::move(c.c);
}

absl::StatusOr<std::vector<std::string>> RedisCaseFacts::Followers(
    int shard, const std::string& case_id) {
  // An archived case keeps no followers set: it is closed, and nobody
  // follows a closed case's later events.
  ASSIGN_OR_RETURN(
      redis::Reply r,
      redis_->Command({"SMEMBERS", store::FollowersKey(shard, case_id)}));
  std::vector<std::string> out;
  for (const redis::Reply& m : r.elements()) out.push_back(m.str());
  return out;
}

}  // namespace gridcase::notify
