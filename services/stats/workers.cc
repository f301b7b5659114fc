#include "services/stats/workers.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"
#include "common/store/stream_entry.h"
#include "services/stats/dimensions.h"

namespace gridcase::stats {

absl::StatusOr<StatsMetrics::Dashboard> ReadDashboard(
    AggregateReader& aggregates, absl::Time now, const absl::TimeZone& zone) {
  StatsMetrics::Dashboard d;
  ASSIGN_OR_RETURN(auto towns, aggregates.Now(kTown, std::nullopt));
  for (const auto& [town, n] : towns) {
    for (const auto& [state, count] : n.by_state) {
      if (count == 0) continue;
      d.open[{
          {"town", town},
          {"state", absl::AsciiStrToLower(absl::StripPrefix(
                        v1::CaseState_Name(static_cast<v1::CaseState>(state)),
                        "CASE_STATE_"))}}] = static_cast<double>(count);
    }
    d.open_overdue[{{"town", town}}] = static_cast<double>(n.red);
  }
  ASSIGN_OR_RETURN(auto departments, aggregates.Now(kDepartment, std::nullopt));
  for (const auto& [department, n] : departments) {
    d.department_overdue[{{"department", department}}] =
        static_cast<double>(n.red);
  }
  std::string day = absl::FormatTime("%Y%m%d", now, zone);
  std::string month = day.substr(0, 6);
  ASSIGN_OR_RETURN(auto by_town,
                   aggregates.Counters(kTown, std::nullopt, {{day}, {month}}));
  for (const auto& [town, c] : by_town[0]) {
    d.reports_today[{{"town", town}}] =
        static_cast<double>(c[Counter::kReports]);
  }
  auto rate = [](const Counts& c) {
    return static_cast<double>(c[Counter::kClosedOnTime]) /
           static_cast<double>(c[Counter::kDueToClose]);
  };
  for (const auto& [town, c] : by_town[1]) {
    if (c[Counter::kDueToClose] > 0) {
      d.on_time_close_rate[{{"town", town}}] = rate(c);
    }
  }
  ASSIGN_OR_RETURN(auto by_department,
                   aggregates.Counters(kDepartment, std::nullopt, {{month}}));
  for (const auto& [department, c] : by_department[0]) {
    if (c[Counter::kDueToClose] > 0) {
      d.department_on_time_close_rate[{{"department", department}}] = rate(c);
    }
  }
  return d;
}

Workers::Workers(RedisAggregates* aggregates, events::EventSource* events,
                 StatsMetrics* metrics, const Clock* clock,
                 WorkerOptions options)
    : aggregates_(aggregates),
      events_(events),
      metrics_(metrics),
      clock_(clock),
      options_(std::move(options)) {}

Workers::~Workers() { Stop(); }

void Workers::Start() {
  loops_.Run([this] {
    events::Consume(events_,
                    {.consumer = options_.consumer,
                     .batch = options_.batch,
                     .block = options_.block,
                     .claim_idle = options_.claim_idle,
                     .max_deliveries = options_.max_deliveries},
                    &metrics_->dead_letters(), loops_,
                    [this](const auto& entries) { return Handle(entries); });
  });
  loops_.Run([this] { GaugeLoop(); });
}

void Workers::Stop() { loops_.Stop(); }

std::vector<absl::Status> Workers::Handle(
    const std::vector<events::StreamEntry>& entries) {
  std::vector<absl::Status> out(entries.size());
  std::vector<v1::CaseEvent> batch;
  std::vector<size_t> at;  // index in `entries` of each batch event
  int failed = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    absl::StatusOr<v1::CaseEvent> event = store::ToCaseEvent(entries[i]);
    if (!event.ok()) {
      out[i] = event.status();  // DATA_LOSS: never applicable
      ++failed;
      continue;
    }
    batch.push_back(*std::move(event));
    at.push_back(i);
  }
  absl::StatusOr<ApplyResult> result = aggregates_->Apply(batch);
  if (result.ok()) {
    metrics_->Events(result->applied, result->duplicates, failed);
    return out;
  }
  if (events::Classify(result.status()) == events::Failure::kTransient) {
    // Redis is down or busy: everything waits for the next claim.
    log::Warn("applying events failed; will retry",
              {{"events", batch.size()},
               {"error", std::string(result.status().message())}});
    for (size_t i : at) out[i] = result.status();
    metrics_->Events(0, 0, static_cast<int>(entries.size()));
    return out;
  }
  // One bad event fails the whole batch: apply them one at a time, so that
  // only the bad one is held back. What the batch applied before failing
  // counts as duplicates now.
  int applied = 0;
  int duplicates = 0;
  for (size_t k = 0; k < batch.size(); ++k) {
    absl::StatusOr<ApplyResult> one = aggregates_->Apply({batch[k]});
    if (one.ok()) {
      applied += one->applied;
      duplicates += one->duplicates;
      continue;
    }
    log::Warn("applying an event failed",
              {{"id", batch[k].id()},
               {"case_id", batch[k].case_id()},
               {"error", std::string(one.status().message())}});
    out[at[k]] = one.status();
    ++failed;
    if (events::Classify(one.status()) == events::Failure::kTransient) {
      for (size_t rest = k + 1; rest < batch.size(); ++rest) {
        out[at[rest]] = one.status();
        ++failed;
      }
      break;
    }
  }
  metrics_->Events(applied, duplicates, failed);
  return out;
}

void Workers::GaugeLoop() {
  do {
    absl::StatusOr<StatsMetrics::Dashboard> d =
        ReadDashboard(*aggregates_, clock_->Now(), aggregates_->options().zone);
    if (d.ok()) metrics_->SetDashboard(*d);
    absl::StatusOr<std::pair<int64_t, int64_t>> b = events_->Backlog();
    if (b.ok()) metrics_->SetLag(b->first, b->second);
  } while (loops_.Sleep(options_.gauge_interval));
}

}  // namespace gridcase::stats
