// The daily report quota (intake's --report_quota_per_day): a member of the
// public — a citizen, a channel's end user, the video platform's cameras —
// may make at most that many new reports per local date (the registry
// calendar's zone, Asia/Shanghai). Staff report on duty (a grid manager
// 100+ a day on patrol) and are not counted.
//
// A (reporter, date) count is a Redis counter {rq:<reporter>}:<YYYYMMDD>
// (common/store/keys.h) that lives two days, apart from the case
// shards: intake checks it before the report script and adds to it after
// a new report was stored (not a replay). So reports of one reporter in
// flight at the same moment can each pass the check (the caller rate limit
// bounds how many), and a crash between storing and counting leaves one
// report uncounted; neither ever refuses a report that should pass. A
// replay of an acknowledged request is answered over the quota too: its
// idempotency key, not the count, decides.
#ifndef GRIDCASE_SERVICES_INTAKE_REPORT_QUOTA_H_
#define GRIDCASE_SERVICES_INTAKE_REPORT_QUOTA_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "services/intake/case_store.h"

namespace gridcase::intake {

class ReportQuota {
 public:
  virtual ~ReportQuota() = default;
  // New reports `reporter_id` made on `date` (YYYYMMDD).
  virtual absl::StatusOr<int64_t> Used(const std::string& reporter_id,
                                       const std::string& date) = 0;
  // Counts one more.
  virtual absl::Status Add(const std::string& reporter_id,
                           const std::string& date) = 0;
  // Whether a report with this idempotency scope was acknowledged on
  // `shard` (and is still remembered): a retry of it is a replay.
  virtual absl::StatusOr<bool> Acknowledged(int shard,
                                            const std::string& scope) = 0;
};

class RedisReportQuota final : public ReportQuota {
 public:
  explicit RedisReportQuota(redis::RedisClient* redis) : redis_(redis) {}

  absl::StatusOr<int64_t> Used(const std::string& reporter_id,
                               const std::string& date) override;
  absl::Status Add(const std::string& reporter_id,
                   const std::string& date) override;
  absl::StatusOr<bool> Acknowledged(int shard,
                                    const std::string& scope) override;

 private:
  redis::RedisClient* redis_;
};

// OK if `report` by a member of the public may be stored: its reporter made
// fewer than `per_day` new reports on its date, or it is a replay.
// Otherwise RESOURCE_EXHAUSTED naming the quota, with a retry delay until
// the next local midnight in `zone`.
absl::Status CheckReportQuota(ReportQuota& quota, int64_t per_day,
                              const NewReport& report, absl::TimeZone zone);

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_REPORT_QUOTA_H_
