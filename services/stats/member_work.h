// The grid-member workload and quality ranking (一员多责): what each grid
// manager did in a period — patrol coverage from their patrols, their
// reports (the reporter dimension), the verifications and checks credited
// to them (the worker dimension) — and one score combining them
// (docs/indicators.md, "Grid-member workload and quality").
#ifndef GRIDCASE_SERVICES_STATS_MEMBER_WORK_H_
#define GRIDCASE_SERVICES_STATS_MEMBER_WORK_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/redis/redis_client.h"
#include "gridcase/v1/stats.pb.h"

namespace gridcase::stats {

// A member's patrols over some days (PatrolService's per-date records).
struct MemberPatrols {
  std::set<std::string> grids_visited;  // any grid, the member's or not
  int64_t patrols = 0;
  int64_t check_ins = 0;
};

// Reads the members' patrol records of some days.
class PatrolActivity {
 public:
  virtual ~PatrolActivity() = default;
  virtual absl::StatusOr<std::map<std::string, MemberPatrols>> Read(
      const std::vector<std::string>& member_ids,
      const std::vector<absl::CivilDay>& days) = 0;
};

// From the {pt:<member>}:v:<YYYYMMDD> and :d:<YYYYMMDD> keys gridcase-intake
// writes (services/intake/patrol_store.h), one pipeline per call.
class RedisPatrolActivity final : public PatrolActivity {
 public:
  explicit RedisPatrolActivity(redis::RedisClient* redis) : redis_(redis) {}
  absl::StatusOr<std::map<std::string, MemberPatrols>> Read(
      const std::vector<std::string>& member_ids,
      const std::vector<absl::CivilDay>& days) override;

 private:
  redis::RedisClient* redis_;
};

// The score's weights (docs/indicators.md).
struct WorkWeights {
  double coverage = 30;
  double valid_report_rate = 15;
  double on_time_verify_rate = 15;
  double reports = 20;
  double self_handled = 10;
  double verifications = 10;
};

// A member's work from their grids, their patrols and their indicators as
// reporter and as worker; everything but the score.
v1::GridMemberWork WorkOf(const std::vector<std::string>& grids,
                          const MemberPatrols& patrols,
                          const v1::Indicators& as_reporter,
                          const v1::Indicators& as_worker);

// Scores members ranked together: the volumes are shares of the most any
// of them did.
void ScoreWork(const std::vector<v1::GridMemberWork*>& members,
               const WorkWeights& weights = {});

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_MEMBER_WORK_H_
