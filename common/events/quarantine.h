// Quarantine: what a consumer group does with an entry it cannot handle, so
// that one bad event never stalls the group. By the handler's status:
//
// - permanent (DATA_LOSS, INVALID_ARGUMENT, OUT_OF_RANGE: the entry itself
//   can never be applied) — dead-lettered at once;
// - transient (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED,
//   CANCELLED: a dependency is down or busy) — left pending and retried
//   after the claim delay for as long as it takes; the delivery is not
//   counted, so an outage never dead-letters anything;
// - any other error — left pending and retried, until the entry has been
//   delivered max_deliveries times; then dead-lettered.
//
// An entry claimed with more than max_deliveries deliveries is dead-lettered
// before it is handled: its consumers died on it (a crash leaves no status).
// Dead-lettering copies the entry to its shard's "{s:N}:events:dead" stream
// with the group, the error and the original fields, and acknowledges it,
// in one script; it counts gridcase_events_dead_lettered_total{group,
// reason} and logs an error.
#ifndef GRIDCASE_COMMON_EVENTS_QUARANTINE_H_
#define GRIDCASE_COMMON_EVENTS_QUARANTINE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/events/event_source.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace gridcase::events {

enum class Failure {
  kPermanent,  // the entry can never be applied
  kTransient,  // a dependency failed; retry without limit
  kRetry,      // unknown; retry up to max_deliveries
};

// How a handler's error counts; see the file comment.
Failure Classify(const absl::Status& error);

// gridcase_events_dead_lettered_total{group, reason}: entries moved to the
// dead-letter streams by one consumer group, by reason "permanent_error" or
// "max_deliveries". Declared once per process by its metrics struct.
class DeadLetterMetrics final {
 public:
  DeadLetterMetrics(prometheus::Registry& registry, const std::string& group);
  DeadLetterMetrics(const DeadLetterMetrics&) = delete;
  DeadLetterMetrics& operator=(const DeadLetterMetrics&) = delete;

  void DeadLettered(Failure why);

 private:
  prometheus::Counter& permanent_;
  prometheus::Counter& max_deliveries_;
};

struct QuarantineOptions {
  std::string consumer;  // this replica's name in the group
  // Deliveries after which an entry that keeps failing (or killing its
  // consumer) is dead-lettered; at least 1.
  int max_deliveries = 10;
};

class Quarantine final {
 public:
  // `metrics` may be null (tools and tests).
  Quarantine(EventSource* source, DeadLetterMetrics* metrics,
             QuarantineOptions options);
  Quarantine(const Quarantine&) = delete;
  Quarantine& operator=(const Quarantine&) = delete;

  // Dead-letters the entries delivered more than max_deliveries times and
  // returns the others, to be handled.
  std::vector<StreamEntry> Screen(std::vector<StreamEntry> entries);

  // Settles a handled batch: `statuses[i]` is the outcome of `entries[i]`.
  // Acknowledges what succeeded, dead-letters or leaves pending the rest.
  struct Settled {
    int acked = 0;
    int dead_lettered = 0;
    int pending = 0;
  };
  Settled Settle(const std::vector<StreamEntry>& entries,
                 const std::vector<absl::Status>& statuses);

  const QuarantineOptions& options() const { return options_; }

 private:
  // True if the entry went to the dead-letter stream.
  bool DeadLetter(const StreamEntry& entry, const absl::Status& error,
                  Failure why);

  EventSource* source_;
  DeadLetterMetrics* metrics_;
  QuarantineOptions options_;
};

}  // namespace gridcase::events

#endif  // GRIDCASE_COMMON_EVENTS_QUARANTINE_H_
