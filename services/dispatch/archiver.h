// The archiver: after --archive_after, a case in a final state (closed,
// voided or merged) is kept only in its compact archived form
// (common/store/archive.h): one zstd-compressed string instead of its hash,
// timeline and followers. It stays in its indices and geo set, and every
// reader falls back to the archive (common/store/case_reader.h), so GetCase,
// ListCases, ListNearby and `gridcase-stats rebuild` see it as before.
//
// Cases enter the list {s:N}:closed (keys.h, ClosedKey) when they reach a
// final state, scored by when; a pass archives those older than `after`,
// each with a compare-and-set on its version and timeline length
// (lua/dispatch_archive.lua), so a case that changed meanwhile is read
// again at the next pass. Archiving is idempotent: every replica may run it.
//
// The list's score is a hint; the case decides. A case is archived only once
// its last timeline event, too, is older than `after`; one with a later
// event gets that event's time as its new score. So cases that reached a
// final state before the list existed can be backfilled: the first pass of
// a process adds, once per shard, the members of the final states' indices
// ({s:N}:idx:state:<n>, scored by report time) to the list with NX, then
// sets {s:N}:closed:backfilled.
//
// Compression uses a zstd dictionary trained on archives: once a replica
// has seen `train_samples` cases in final states (those waiting in the
// lists, and those it archived), it trains one and stores it
// ({arc}:dict:<id>, keys.h); the first replica to store one wins and every
// replica uses that one from then on. Cases archived before are compressed
// without one.
#ifndef GRIDCASE_SERVICES_DISPATCH_ARCHIVER_H_
#define GRIDCASE_SERVICES_DISPATCH_ARCHIVER_H_

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/events/consumer.h"
#include "common/redis/redis_client.h"
#include "common/store/archive.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace gridcase::dispatch {

struct ArchiveOptions {
  int shards = 16;
  // How long a case stays whole after it reached its final state; at least
  // dispatch's --reopen_window, so no case is archived while it may still be
  // reopened.
  absl::Duration after = absl::Hours(30 * 24);
  // Cases read per round trip.
  int batch = 100;
  // Cases needed to train the dictionary; 0: no dictionary.
  int train_samples = 200;
};

struct ArchivePass {
  int64_t archived = 0;
  int64_t archive_bytes = 0;  // the archives' sizes, summed
  int64_t changed = 0;        // changed while being archived: next pass
  int64_t backfilled = 0;     // added to the lists from the state indices
  int64_t rescheduled = 0;    // listed too early: rescored by last event
};

// What an archiver carries from pass to pass.
struct ArchiverState {
  // Read (or trained) while unset.
  std::optional<store::ArchiveDictionary> dictionary;
  // Cases seen while no dictionary exists, to train one from.
  std::vector<store::ArchivedCase> samples;
  // Shards whose lists this process has backfilled (or found backfilled).
  std::set<int> backfilled;
};

// Archives every case of the shards' lists that reached its final state
// before `now` - `after`.
absl::StatusOr<ArchivePass> ArchiveClosedCases(redis::RedisClient& redis,
                                               const ArchiveOptions& options,
                                               absl::Time now,
                                               ArchiverState* state);

// Runs ArchiveClosedCases every `interval` on a thread of its own, from
// Start() until destroyed. Exports gridcase_cases_archived_total and
// gridcase_archive_bytes_total.
class ArchiveLoop {
 public:
  ArchiveLoop(redis::RedisClient* redis, ArchiveOptions options,
              absl::Duration interval, prometheus::Registry& metrics);
  ~ArchiveLoop() { loops_.Stop(); }
  ArchiveLoop(const ArchiveLoop&) = delete;
  ArchiveLoop& operator=(const ArchiveLoop&) = delete;

  void Start();

 private:
  redis::RedisClient* redis_;
  const ArchiveOptions options_;
  const absl::Duration interval_;
  prometheus::Counter& archived_;
  prometheus::Counter& bytes_;
  ArchiverState state_;  // the loop's thread only
  events::Loops loops_;  // last: stopped first
};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_ARCHIVER_H_
