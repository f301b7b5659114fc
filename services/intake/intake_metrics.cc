#include "services/intake/intake_metrics.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gridcase::intake {
namespace {

constexpr const char* kFields[] = {
    "request_id", "source",      "category_code", "description", "location",
    "media",      "occurred_at", "attributes",    "reporter",    "other"};

std::string SourceLabel(v1::Source s) {
  return absl::AsciiStrToLower(
      absl::StripPrefix(v1::Source_Name(s), "SOURCE_"));
}

std::string FamilyLabel(v1::CategoryFamily f) {
  return f == v1::CATEGORY_FAMILY_COMPONENT ? "component" : "event";
}

std::string ReportKey(const std::string& source, const std::string& family,
                      const std::string& outcome) {
  return absl::StrCat(source, "|", family, "|", outcome);
}

}  // namespace

IntakeMetrics::IntakeMetrics(prometheus::Registry& r)
    : replays_(prometheus::BuildCounter()
                   .Name("gridcase_intake_replays_total")
                   .Help("ReportCase retries answered from the idempotency "
                         "key without storing anything.")
                   .Register(r)
                   .Add({})),
      report_seconds_(prometheus::BuildHistogram()
                          .Name("gridcase_intake_report_seconds")
                          .Help("ReportCase latency, seconds, all outcomes.")
                          .Register(r)
                          .Add({},
                               prometheus::Histogram::BucketBoundaries{
                                   0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                   0.25, 0.5, 1, 2.5})),
      watch_streams_(prometheus::BuildGauge()
                         .Name("gridcase_intake_watch_streams")
                         .Help("WatchCases streams open in this process.")
                         .Register(r)
                         .Add({})),
      watch_refused_(
          prometheus::BuildCounter()
              .Name("gridcase_intake_watch_refused_total")
              .Help("WatchCases streams refused RESOURCE_EXHAUSTED, by the "
                    "limit reached (max_streams: the process; "
                    "max_per_caller: one subject).")
              .Register(r)),
      watch_refused_total_(watch_refused_.Add({{"limit", "max_streams"}})),
      watch_refused_caller_(watch_refused_.Add({{"limit", "max_per_caller"}})),
      watch_overflows_(prometheus::BuildCounter()
                           .Name("gridcase_intake_watch_overflows_total")
                           .Help("WatchCases streams ended ABORTED because "
                                 "they fell too far behind (the client "
                                 "resumes with its token).")
                           .Register(r)
                           .Add({})),
      watch_read_errors_(prometheus::BuildCounter()
                             .Name("gridcase_intake_watch_read_errors_total")
                             .Help("Failed reads of the per-shard event "
                                   "readers behind WatchCases (retried).")
                             .Register(r)
                             .Add({})),
      limits_(r) {
  auto& reports = prometheus::BuildCounter()
                      .Name("gridcase_intake_reports_total")
                      .Help(
                          "Reports stored, by source, category family and "
                          "outcome (created or merged into an open case).")
                      .Register(r);
  for (int s = v1::SOURCE_GRID_PATROL; s <= v1::SOURCE_INSTRUCTION; ++s) {
    for (auto family :
         {v1::CATEGORY_FAMILY_COMPONENT, v1::CATEGORY_FAMILY_EVENT}) {
      for (const char* outcome : {"created", "merged"}) {
        std::string source = SourceLabel(static_cast<v1::Source>(s));
        reports_[ReportKey(source, FamilyLabel(family), outcome)] =
            &reports.Add({{"source", source},
                          {"family", FamilyLabel(family)},
                          {"outcome", outcome}});
      }
    }
  }
  auto& rejections = prometheus::BuildCounter()
                         .Name("gridcase_intake_rejections_total")
                         .Help(
                             "Reports refused as INVALID_ARGUMENT, by the "
                             "field the error names.")
                         .Register(r);
  for (const char* field : kFields) {
    rejections_[field] = &rejections.Add({{"field", field}});
  }
}

void IntakeMetrics::Reported(v1::Source source, v1::CategoryFamily family,
                             bool merged) {
  auto it = reports_.find(ReportKey(SourceLabel(source), FamilyLabel(family),
                                    merged ? "merged" : "created"));
  if (it != reports_.end()) it->second->Increment();
}

void IntakeMetrics::WatchRefused(absl::string_view limit) {
  (limit == "max_streams" ? watch_refused_total_ : watch_refused_caller_)
      .Increment();
}

void IntakeMetrics::Rejected(absl::string_view message) {
  size_t end = message.find_first_of(".[: ");
  std::string field(message.substr(0, end));
  auto it = rejections_.find(field);
  (it != rejections_.end() ? it->second : rejections_["other"])->Increment();
}

}  // namespace gridcase::intake
