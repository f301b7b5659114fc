#include "services/dispatch/dispatch_metrics.h"

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"

namespace gridcase::dispatch {
namespace {

std::string TypeLabel(v1::CaseEventType t) {
  return absl::AsciiStrToLower(
      absl::StripPrefix(v1::CaseEventType_Name(t), "CASE_EVENT_TYPE_"));
}

std::string StateLabel(v1::CaseState s) {
  return absl::AsciiStrToLower(
      absl::StripPrefix(v1::CaseState_Name(s), "CASE_STATE_"));
}

}  // namespace

DispatchMetrics::DispatchMetrics(prometheus::Registry& r)
    : transitions_(prometheus::BuildCounter()
                       .Name("gridcase_dispatch_transitions_total")
                       .Help("Case events recorded by dispatch, by type.")
                       .Register(r)),
      open_(prometheus::BuildGauge()
                .Name("gridcase_dispatch_open_cases")
                .Help("Open cases now, by state and town.")
                .Register(r)),
      overdue_(prometheus::BuildGauge()
                   .Name("gridcase_dispatch_overdue_open_cases")
                   .Help("Open cases whose running stage is overdue, by "
                         "department (\"none\" before dispatch).")
                   .Register(r)),
      consumed_(prometheus::BuildCounter()
                    .Name("gridcase_dispatch_consumed_total")
                    .Help("case.reported events handled by auto-routing, by "
                          "outcome.")
                    .Register(r)),
      lag_(prometheus::BuildGauge()
               .Name("gridcase_dispatch_consumer_lag_entries")
               .Help("Event stream entries not yet delivered to dispatch's "
                     "consumer group, over all shards.")
               .Register(r)
               .Add({})),
      pending_(prometheus::BuildGauge()
                   .Name("gridcase_dispatch_consumer_pending_entries")
                   .Help("Entries delivered to dispatch consumers and not yet "
                         "acknowledged, over all shards.")
                   .Register(r)
                   .Add({})),
      scanner_runs_(prometheus::BuildCounter()
                        .Name("gridcase_dispatch_scanner_runs_total")
                        .Help("Passes of the deadline scanner.")
                        .Register(r)
                        .Add({})),
      scanner_last_run_(
          prometheus::BuildGauge()
              .Name("gridcase_dispatch_scanner_last_run_timestamp_seconds")
              .Help("Unix time of the scanner's last completed pass.")
              .Register(r)
              .Add({})),
      redis_used_memory_(
          prometheus::BuildGauge()
              .Name("gridcase_redis_used_memory_bytes")
              .Help("Redis used_memory (INFO memory), read with the "
                    "dashboard gauges; writes fail RESOURCE_EXHAUSTED once it "
                    "reaches maxmemory.")
              .Register(r)
              .Add({})),
      redis_maxmemory_(prometheus::BuildGauge()
                           .Name("gridcase_redis_maxmemory_bytes")
                           .Help("Redis maxmemory (0: no limit).")
                           .Register(r)
                           .Add({})),
      dead_letters_(r, "dispatch") {
  for (int t = v1::CaseEventType_MIN + 1; t <= v1::CaseEventType_MAX; ++t) {
    transitions_.Add({{"type", TypeLabel(static_cast<v1::CaseEventType>(t))}});
  }
  for (const char* o : {"auto_dispatched", "manual", "no_rule", "deferred",
                        "skipped", "error"}) {
    consumed_.Add({{"outcome", o}});
  }
}

void DispatchMetrics::Transition(v1::CaseEventType type) {
  transitions_.Add({{"type", TypeLabel(type)}}).Increment();
}

void DispatchMetrics::Consumed(const std::string& outcome) {
  consumed_.Add({{"outcome", outcome}}).Increment();
}

void DispatchMetrics::ScannerRan(double unix_seconds) {
  scanner_runs_.Increment();
  scanner_last_run_.Set(unix_seconds);
}

void DispatchMetrics::SetLag(int64_t lag, int64_t pending) {
  lag_.Set(static_cast<double>(lag));
  pending_.Set(static_cast<double>(pending));
}

void DispatchMetrics::SetGauges(const Gauges& g) {
  absl::MutexLock lock(&mu_);
  redis_used_memory_.Set(static_cast<double>(g.redis_used_memory));
  redis_maxmemory_.Set(static_cast<double>(g.redis_maxmemory));
  // Series seen before and now absent drop to zero rather than vanish.
  for (auto& [key, gauge] : open_gauges_) gauge->Set(0);
  for (auto& [dept, gauge] : overdue_gauges_) gauge->Set(0);
  for (const auto& [key, n] : g.open) {
    auto& gauge = open_gauges_[key];
    if (gauge == nullptr) {
      gauge =
          &open_.Add({{"state", StateLabel(key.first)}, {"town", key.second}});
    }
    gauge->Set(static_cast<double>(n));
  }
  for (const auto& [dept, n] : g.overdue) {
    auto& gauge = overdue_gauges_[dept];
    if (gauge == nullptr) {
      gauge = &overdue_.Add({{"department", dept.empty() ? "none" : dept}});
    }
    gauge->Set(static_cast<double>(n));
  }
}

}  // namespace gridcase::dispatch
