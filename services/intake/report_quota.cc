#include "services/intake/report_quota.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/status/retry_delay.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"

namespace gridcase::intake {
namespace {

// Long enough to outlive the local date in any zone.
constexpr absl::Duration kCountTtl = absl::Hours(48);

}  // namespace

absl::StatusOr<int64_t> RedisReportQuota::Used(const std::string& reporter_id,
                                               const std::string& date) {
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Command({"GET", store::ReportQuotaKey(reporter_id, date)}));
  if (reply.is_nil()) return 0;
  int64_t used = 0;
  if (!absl::SimpleAtoi(reply.str(), &used)) {
    return absl::InternalError(
        absl::StrCat("report quota: bad count ", reply.DebugString()));
  }
  return used;
}

absl::Status RedisReportQuota::Add(const std::string& reporter_id,
                                   const std::string& date) {
  return store::ScriptCall(store::scripts::IntakeQuotaAdd())
      .Key("counter", store::ReportQuotaKey(reporter_id, date))
      .Int("ttl_s", absl::ToInt64Seconds(kCountTtl))
      .Run(*redis_)
      .status();
}

absl::StatusOr<bool> RedisReportQuota::Acknowledged(int shard,
                                                    const std::string& scope) {
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Command({"EXISTS", store::IdempotencyKey(shard, scope)}));
  return reply.integer() > 0;
}

absl::Status CheckReportQuota(ReportQuota& quota, int64_t per_day,
                              const NewReport& report, absl::TimeZone zone) {
  ASSIGN_OR_RETURN(int64_t used, quota.Used(report.reporter_id, report.date));
  if (used < per_day) return absl::OkStatus();
  ASSIGN_OR_RETURN(bool replay,
                   quota.Acknowledged(report.shard, report.idempotency_scope));
  if (replay) return absl::OkStatus();
  absl::CivilDay today = absl::ToCivilDay(report.now, zone);
  absl::Duration wait = absl::FromCivil(today + 1, zone) - report.now;
  return WithRetryDelay(
      absl::ResourceExhaustedError(absl::StrCat(
          "report quota: reporter ", report.reporter_id, " has made ", used,
          " new reports on ", absl::FormatCivilTime(today), " (", zone.name(),
          "); the quota is ", per_day, " a day; retry after ",
          absl::ToInt64Milliseconds(absl::Ceil(wait, absl::Milliseconds(1))),
          " ms")),
      wait);
}

}  // namespace gridcase::intake
