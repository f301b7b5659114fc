// Outbox: gridcase-notify's deliveries in Redis, one hash per (event,
// recipient, channel) on the case's shard ({s:N}:nt:…, common/store/keys.h),
// so each change is one Lua script on one slot (docs/notifications.md,
// "Outbox").
//
//   Enqueue  writes an event's deliveries, idempotently: one that exists is
//            left alone (a redelivered event neither duplicates nor resets
//            anything); new ones are due at once.
//   Lease    hands this replica the shard's due deliveries and moves each
//            one's due time to now + lease, so no other replica takes it
//            until the lease runs out (the sender died): then it is due
//            again. Each lease is a new attempt.
//   Settle   records an attempt's outcome (sent, retry at a time, dead),
//            only if the delivery is still at that attempt: a sender whose
//            lease ran out cannot overwrite what a later attempt recorded.
//   List     a case's deliveries, or a recipient's over every shard, newest
//            first, a page at a time.
#ifndef GRIDCASE_SERVICES_NOTIFY_OUTBOX_H_
#define GRIDCASE_SERVICES_NOTIFY_OUTBOX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/notify.pb.h"
#include "services/notify/backoff.h"
#include "services/notify/recipients.h"

namespace gridcase::notify {

// One delivery to write: its target and its body.
struct NewDelivery {
  Target target;
  std::string body;
};

// A delivery leased to this replica for one attempt.
struct Leased {
  int shard = 0;
  std::string id;
  int64_t attempt = 0;  // 1 for the first
  v1::NotifyChannel channel = v1::NOTIFY_CHANNEL_UNSPECIFIED;
  std::string endpoint;
  std::string body;
};

struct DeliveryPage {
  std::vector<v1::Delivery> deliveries;
  std::string next_key;  // "" on the last page; else resume after it
};

// Which deliveries to list.
struct DeliveryFilter {
  std::string case_id;  // or
  v1::Recipient recipient;
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // The number of deliveries written (0: all existed).
  virtual absl::StatusOr<int> Enqueue(const v1::CaseEvent& event,
                                      const std::vector<NewDelivery>& batch,
                                      absl::Time now) = 0;
  // Up to `max` deliveries of `shard` due at `now`, leased until now +
  // lease. A delivery whose attempts are used up (max_attempts) when its
  // lease ran out is dead-lettered instead.
  virtual absl::StatusOr<std::vector<Leased>> Lease(int shard, absl::Time now,
                                                    absl::Duration lease,
                                                    int max,
                                                    int max_attempts) = 0;
  // False when the delivery is no longer at `leased.attempt` (stale).
  virtual absl::StatusOr<bool> Settle(const Leased& leased, Outcome outcome,
                                      absl::Time now, absl::Time next,
                                      const std::string& result) = 0;
  // `after_key`: "" or the next_key of the previous page.
  virtual absl::StatusOr<DeliveryPage> List(const DeliveryFilter& filter,
                                            const std::string& after_key,
                                            int page_size) = 0;
  // One delivery by id; NOT_FOUND when gone.
  virtual absl::StatusOr<v1::Delivery> Get(const std::string& id) = 0;
  // Deliveries due at `now` over every shard (the backlog).
  virtual absl::StatusOr<int64_t> DueCount(absl::Time now) = 0;
};

struct RedisOutboxOptions {
  int shards = 16;
  absl::Duration retention = absl::Hours(30 * 24);
};

class RedisOutbox final : public Outbox {
 public:
  RedisOutbox(redis::RedisClient* redis, RedisOutboxOptions options)
      : redis_(redis), options_(options) {}

  absl::StatusOr<int> Enqueue(const v1::CaseEvent& event,
                              const std::vector<NewDelivery>& batch,
                              absl::Time now) override;
  absl::StatusOr<std::vector<Leased>> Lease(int shard, absl::Time now,
                                            absl::Duration lease, int max,
                                            int max_attempts) override;
  absl::StatusOr<bool> Settle(const Leased& leased, Outcome outcome,
                              absl::Time now, absl::Time next,
                              const std::string& result) override;
  absl::StatusOr<DeliveryPage> List(const DeliveryFilter& filter,
                                    const std::string& after_key,
                                    int page_size) override;
  absl::StatusOr<v1::Delivery> Get(const std::string& id) override;
  absl::StatusOr<int64_t> DueCount(absl::Time now) override;

  const RedisOutboxOptions& options() const { return options_; }

 private:
  redis::RedisClient* redis_;
  RedisOutboxOptions options_;
};

// The shard of a delivery id ("<shard>/…"); INVALID_ARGUMENT if malformed.
absl::StatusOr<int> ShardOfDelivery(const std::string& id, int shards);

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_OUTBOX_H_
