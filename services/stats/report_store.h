// ReportStore: where published reports (通报) are kept, frozen. A report is
// written once; the only later write marks it SUPERSEDED when a reissue
// replaces it. Publication is a compare-and-set on the report in force for
// the period, so replicas publishing the same period at once store one.
// RedisReportStore keeps a region's reports under the hash tag
// {rpt:<region>} (common/store/keys.h) and publishes with one script.
#ifndef GRIDCASE_SERVICES_STATS_REPORT_STORE_H_
#define GRIDCASE_SERVICES_STATS_REPORT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"
#include "gridcase/v1/stats.pb.h"
#include "services/stats/report_id.h"

namespace gridcase::stats {

struct ReportPage {
  std::vector<v1::Report> reports;  // without rankings and hotspots
  std::string next;                 // empty on the last page
};

struct PublishOutcome {
  bool stored = false;   // this call stored the report
  std::string in_force;  // the id in force for the period after the call
};

class ReportStore {
 public:
  virtual ~ReportStore() = default;
  // The report in force for the period of `region` and `kind` starting on
  // `start`, if one was published.
  virtual absl::StatusOr<std::optional<v1::Report>> Current(
      const std::string& region, v1::ReportPeriod kind,
      absl::CivilDay start) = 0;
  virtual absl::StatusOr<std::optional<v1::Report>> Get(const ReportId& id) = 0;
  // Makes `report` the one in force for its period, provided the one in
  // force is still `replaced` (nullopt: none is); `replaced` is rewritten as
  // given (marked SUPERSEDED by the caller). Otherwise stores nothing and
  // says which report is in force (another publisher's, possibly with the
  // same id).
  virtual absl::StatusOr<PublishOutcome> Publish(
      const v1::Report& report, const std::optional<v1::Report>& replaced) = 0;
  // Up to `page_size` reports of `region` (of `kind` unless UNSPECIFIED),
  // newest period first, after the position `after` ("" for the start).
  // INVALID_ARGUMENT naming page_token for a malformed `after`.
  virtual absl::StatusOr<ReportPage> List(const std::string& region,
                                          v1::ReportPeriod kind, int page_size,
                                          const std::string& after) = 0;
};

class RedisReportStore final : public ReportStore {
 public:
  explicit RedisReportStore(redis::RedisClient* redis) : redis_(redis) {}

  absl::StatusOr<std::optional<v1::Report>> Current(
      const std::string& region, v1::ReportPeriod kind,
      absl::CivilDay start) override;
  absl::StatusOr<std::optional<v1::Report>> Get(const ReportId& id) override;
  absl::StatusOr<PublishOutcome> Publish(
      const v1::Report& report,
      const std::optional<v1::Report>& replaced) override;
  absl::StatusOr<ReportPage> List(const std::string& region,
                                  v1::ReportPeriod kind, int page_size,
                                  const std::string& after) override;

 private:
  redis::RedisClient* redis_;
};

// The report without its rankings and hotspots (what List returns).
v1::Report SummaryOf(const v1::Report& report);

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_REPORT_STORE_H_
