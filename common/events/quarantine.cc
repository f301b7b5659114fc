#include "common/events/quarantine.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace gridcase::events {

Failure Classify(const absl::Status& error) {
  switch (error.code()) {
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return Failure::kPermanent;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kCancelled:
      return Failure::kTransient;
    default:
      return Failure::kRetry;
  }
}

namespace {

prometheus::Family<prometheus::Counter>& DeadLetteredFamily(
    prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("gridcase_events_dead_lettered_total")
      .Help(
          "Case stream entries a consumer group could not handle, moved to "
          "the {s:N}:events:dead streams, by group and reason "
          "(permanent_error, max_deliveries).")
      .Register(registry);
}

}  // namespace

DeadLetterMetrics::DeadLetterMetrics(prometheus::Registry& registry,
                                     const std::string& group)
    : permanent_(DeadLetteredFamily(registry).Add(
          {{"group", group}, {"reason", "permanent_error"}})),
      max_deliveries_(DeadLetteredFamily(registry).Add(
          {{"group", group}, {"reason", "max_deliveries"}})) {}

void DeadLetterMetrics::DeadLettered(Failure why) {
  (why == Failure::kPermanent ? permanent_ : max_deliveries_).Increment();
}

Quarantine::Quarantine(EventSource* source, DeadLetterMetrics* metrics,
                       QuarantineOptions options)
    : source_(source), metrics_(metrics), options_(std::move(options)) {}

bool Quarantine::DeadLetter(const StreamEntry& entry, const absl::Status& error,
                            Failure why) {
  absl::StatusOr<bool> moved =
      source_->DeadLetter(options_.consumer, entry, error);
  log::Fields fields = {
      {"group", source_->group()}, {"id", entry.id},
      {"shard", entry.shard},      {"type", entry.type},
      {"case_id", entry.case_id},  {"deliveries", entry.deliveries},
      {"error", error.ToString()}};
  if (!moved.ok()) {
    // Still pending: claimed and judged again later.
    fields["dead_letter_error"] = moved.status().ToString();
    log::Warn("cannot dead-letter a stream entry; it stays pending", fields);
    return false;
  }
  if (!*moved) return false;  // acknowledged or claimed by another meanwhile
  if (metrics_ != nullptr) metrics_->DeadLettered(why);
  log::Error("stream entry dead-lettered", fields);
  return true;
}

std::vector<StreamEntry> Quarantine::Screen(std::vector<StreamEntry> entries) {
  std::vector<StreamEntry> keep;
  keep.reserve(entries.size());
  for (StreamEntry& e : entries) {
    if (e.deliveries > options_.max_deliveries) {
      DeadLetter(e,
                 absl::AbortedError(absl::StrCat(
                     "delivered ", e.deliveries,
                     " times without being handled (max_deliveries ",
                     options_.max_deliveries,
                     "): its consumers failed on it or died handling it")),
                 Failure::kRetry);
      continue;
    }
    keep.push_back(std::move(e));
  }
  return keep;
}

Quarantine::Settled Quarantine::Settle(
    const std::vector<StreamEntry>& entries,
    const std::vector<absl::Status>& statuses) {
  Settled out;
  std::vector<StreamEntry> done;
  for (size_t i = 0; i < entries.size(); ++i) {
    const StreamEntry& e = entries[i];
    const absl::Status& s =
        i < statuses.size()
            ? statuses[i]
            : absl::InternalError("the handler gave no outcome for the entry");
    if (s.ok()) {
      done.push_back(e);
      continue;
    }
    Failure why = Classify(s);
    if (why == Failure::kPermanent ||
        (why == Failure::kRetry && e.deliveries >= options_.max_deliveries)) {
      if (DeadLetter(e, s, why)) {
        ++out.dead_lettered;
      } else {
        ++out.pending;
      }
      continue;
    }
    ++out.pending;
    if (why == Failure::kTransient) {
      // Not the entry's fault: this delivery does not count.
      if (absl::Status r =
              source_->SetDeliveries(options_.consumer, e, e.deliveries - 1);
          !r.ok()) {
        log::Warn("cannot reset a delivery count",
                  {{"id", e.id}, {"error", r.ToString()}});
      }
    }
  }
  if (absl::Status s = source_->Ack(done); !s.ok()) {
    // Redelivered later; handlers are idempotent.
    log::Warn("acknowledging stream entries failed",
              {{"group", source_->group()},
               {"entries", absl::StrCat(done.size())},
               {"error", s.ToString()}});
    out.pending += static_cast<int>(done.size());
  } else {
    out.acked = static_cast<int>(done.size());
  }
  return out;
}

}  // namespace gridcase::events
