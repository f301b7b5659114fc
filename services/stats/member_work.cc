#include "services/stats/member_work.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "services/stats/indicators.h"
#include "services/stats/period.h"

namespace gridcase::stats {

absl::StatusOr<std::map<std::string, MemberPatrols>> RedisPatrolActivity::Read(
    const std::vector<std::string>& member_ids,
    const std::vector<absl::CivilDay>& days) {
  std::vector<redis::Args> reads;
  for (const std::string& m : member_ids) {
    for (absl::CivilDay day : days) {
      std::string d = CompactDay(day);
      reads.push_back({"SMEMBERS", store::PatrolVisitedKey(m, d)});
      reads.push_back(
          {"HMGET", store::PatrolDayKey(m, d), "patrols", "check_ins"});
    }
  }
  std::map<std::string, MemberPatrols> out;
  if (reads.empty()) return out;
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis_->Pipeline(reads));
  size_t i = 0;
  for (const std::string& m : member_ids) {
    MemberPatrols& p = out[m];
    for (size_t d = 0; d < days.size(); ++d, i += 2) {
      RETURN_IF_ERROR(replies[i].ToStatus());
      RETURN_IF_ERROR(replies[i + 1].ToStatus());
      for (const redis::Reply& g : replies[i].elements()) {
        p.grids_visited.insert(g.str());
      }
      const auto& counts = replies[i + 1].elements();
      int64_t n = 0;
      if (counts.size() == 2) {
        if (!counts[0].is_nil() && absl::SimpleAtoi(counts[0].str(), &n)) {
          p.patrols += n;
        }
        if (!counts[1].is_nil() && absl::SimpleAtoi(counts[1].str(), &n)) {
          p.check_ins += n;
        }
      }
    }
  }
  return out;
}

v1::GridMemberWork WorkOf(const std::vector<std::string>& grids,
                          const MemberPatrols& patrols,
                          const v1::Indicators& as_reporter,
                          const v1::Indicators& as_worker) {
  v1::GridMemberWork w;
  int visited = 0;
  for (const std::string& g : grids) visited += patrols.grids_visited.count(g);
  w.set_grids(static_cast<int32_t>(grids.size()));
  w.set_grids_visited(visited);
  *w.mutable_patrol_coverage() =
      MakeRatio(visited, static_cast<int64_t>(grids.size()));
  w.set_patrols(patrols.patrols);
  w.set_check_ins(patrols.check_ins);
  w.set_reports(as_reporter.reports());
  *w.mutable_valid_report_rate() = as_reporter.valid_report_rate();
  w.set_self_handled(as_reporter.self_handled());
  w.set_verified(as_worker.verified());
  *w.mutable_on_time_verify_rate() = as_worker.on_time_verify_rate();
  w.set_checked(as_worker.checked());
  return w;
}

void ScoreWork(const std::vector<v1::GridMemberWork*>& members,
               const WorkWeights& weights) {
  int64_t most_reports = 0, most_self_handled = 0, most_verifications = 0;
  for (const v1::GridMemberWork* w : members) {
    most_reports = std::max(most_reports, w->reports());
    most_self_handled = std::max(most_self_handled, w->self_handled());
    most_verifications =
        std::max(most_verifications, w->verified() + w->checked());
  }
  for (v1::GridMemberWork* w : members) {
    double sum = 0, total = 0;
    auto part = [&](double weight, bool defined, double share) {
      if (!defined || weight <= 0) return;
      sum += weight * share;
      total += weight;
    };
    auto volume = [](int64_t n, int64_t most) {
      return most > 0 ? static_cast<double>(n) / static_cast<double>(most)
                      : 0.0;
    };
    part(weights.coverage, w->patrol_coverage().defined(),
         w->patrol_coverage().value());
    part(weights.valid_report_rate, w->valid_report_rate().defined(),
         w->valid_report_rate().value());
    part(weights.on_time_verify_rate, w->on_time_verify_rate().defined(),
         w->on_time_verify_rate().value());
    part(weights.reports, most_reports > 0, volume(w->reports(), most_reports));
    part(weights.self_handled, most_self_handled > 0,
         volume(w->self_handled(), most_self_handled));
    part(weights.verifications, most_verifications > 0,
         volume(w->verified() + w->checked(), most_verifications));
    w->set_score_defined(total > 0);
    w->set_score(total > 0 ? 100.0 * sum / total : 0.0);
  }
}

}  // namespace gridcase::stats
