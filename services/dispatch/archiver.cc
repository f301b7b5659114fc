#include "services/dispatch/archiver.h"

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/cases/stage_clock.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"
#include "common/store/case_reader.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"
#include "common/store/stream_entry.h"

namespace gridcase::dispatch {
namespace {

struct Due {
  std::string id;
  store::ArchivedCase archived;
};

constexpr int kBackfillPage = 1000;

// The time (ms) of the case's last timeline event; nullopt when it has
// none or it cannot be read (the list's score then decides).
std::optional<int64_t> LastEventMs(const Due& d, int shard) {
  if (d.archived.timeline.empty()) return std::nullopt;
  absl::StatusOr<v1::CaseEvent> last =
      store::ParseTimelineEntry(d.archived.timeline.back(), d.id, shard);
  if (!last.ok()) return std::nullopt;
  absl::string_view id = last->id();
  int64_t ms = 0;
  if (!absl::SimpleAtoi(id.substr(0, id.find('-')), &ms)) return std::nullopt;
  return ms;
}

// Adds every member of `index` to `shard`'s list with NX, keeping the
// index's score; pages by score, so members that leave meanwhile shift
// nothing. The number added.
absl::StatusOr<int64_t> BackfillFrom(redis::RedisClient& redis, int shard,
                                     const std::string& index) {
  int64_t added = 0;
  std::string min = "-inf";
  int64_t offset = 0;  // members at score `min` already seen
  for (;;) {
    ASSIGN_OR_RETURN(
        redis::Reply page,
        redis.Command({"ZRANGE", index, min, "+inf", "BYSCORE", "LIMIT",
                       absl::StrCat(offset), absl::StrCat(kBackfillPage),
                       "WITHSCORES"}));
    const auto& e = page.elements();
    if (e.empty()) return added;
    redis::Args zadd = {"ZADD", store::ClosedKey(shard), "NX"};
    for (size_t i = 0; i + 1 < e.size(); i += 2) {
      zadd.push_back(e[i + 1].str());
      zadd.push_back(e[i].str());
    }
    ASSIGN_OR_RETURN(redis::Reply n, redis.Command(zadd));
    added += n.integer();
    if (e.size() / 2 < static_cast<size_t>(kBackfillPage)) return added;
    // The next page starts at the last score, past the members seen there.
    std::string last = e.back().str();  // inclusive
    int64_t at_last = 0;
    for (size_t i = e.size(); i >= 2 && e[i - 1].str() == e.back().str();
         i -= 2) {
      ++at_last;
    }
    offset = last == min ? offset + at_last : at_last;
    min = last;
  }
}

// Once per shard and deployment: the cases already in a final state when
// the list came.
absl::Status Backfill(redis::RedisClient& redis, int shard, ArchivePass* pass) {
  ASSIGN_OR_RETURN(redis::Reply done,
                   redis.Command({"GET", store::ClosedBackfilledKey(shard)}));
  if (!done.is_nil()) return absl::OkStatus();
  const auto* states = v1::CaseState_descriptor();
  for (int i = 0; i < states->value_count(); ++i) {
    auto state = static_cast<v1::CaseState>(states->value(i)->number());
    if (state == v1::CASE_STATE_UNSPECIFIED || cases::IsOpen(state)) continue;
    ASSIGN_OR_RETURN(
        int64_t added,
        BackfillFrom(redis, shard, store::StateIndexKey(shard, state)));
    pass->backfilled += added;
    if (added > 0) {
      log::Info("listed cases in a final state for the archiver",
                {{"shard", shard},
                 {"state", v1::CaseState_Name(state)},
                 {"cases", added}});
    }
  }
  return redis
      .Command({"SET", store::ClosedBackfilledKey(shard),
                absl::StrCat(absl::ToUnixMillis(absl::Now()))})
      .status();
}

// Up to `limit` cases of `shard`'s list that reached their final state
// before `before_ms`, oldest first, each read whole.
absl::StatusOr<std::vector<Due>> ReadDue(redis::RedisClient& redis, int shard,
                                         int64_t before_ms, int limit) {
  ASSIGN_OR_RETURN(redis::Reply ids,
                   redis.Command({"ZRANGE", store::ClosedKey(shard), "-inf",
                                  absl::StrCat("(", before_ms), "BYSCORE",
                                  "LIMIT", "0", absl::StrCat(limit)}));
  std::vector<Due> out;
  if (ids.elements().empty()) return out;
  std::vector<store::CaseRef> cases;
  for (const redis::Reply& id : ids.elements()) {
    cases.emplace_back(shard, id.str());
  }
  ASSIGN_OR_RETURN(std::vector<store::ArchivedCase> read,
                   store::ReadForArchive(redis, cases));
  for (size_t i = 0; i < cases.size(); ++i) {
    out.push_back({.id = cases[i].second, .archived = std::move(read[i])});
  }
  return out;
}

// The dictionary stored as {arc}:dict, if any.
absl::StatusOr<std::optional<store::ArchiveDictionary>> StoredDictionary(
    redis::RedisClient& redis) {
  ASSIGN_OR_RETURN(redis::Reply current,
                   redis.Command({"GET", store::kArchiveDictionaryKey}));
  uint32_t id = 0;
  if (current.is_nil() || !absl::SimpleAtoi(current.str(), &id)) {
    return std::nullopt;
  }
  ASSIGN_OR_RETURN(redis::Reply bytes,
                   redis.Command({"GET", store::ArchiveDictionaryKey(id)}));
  if (bytes.is_nil()) return std::nullopt;
  return store::LoadArchiveDictionary(bytes.str());
}

// The stored dictionary, or one trained now from the cases seen so far and
// those waiting in the lists, if there are enough; nullopt otherwise.
absl::StatusOr<std::optional<store::ArchiveDictionary>> CurrentDictionary(
    redis::RedisClient& redis, const ArchiveOptions& options,
    ArchiverState* state) {
  ASSIGN_OR_RETURN(std::optional<store::ArchiveDictionary> stored,
                   StoredDictionary(redis));
  if (stored.has_value() || options.train_samples <= 0) return stored;
  std::vector<store::ArchivedCase> samples = state->samples;
  for (int shard = 0; shard < options.shards &&
                      static_cast<int>(samples.size()) < options.train_samples;
       ++shard) {
    ASSIGN_OR_RETURN(
        std::vector<Due> waiting,
        ReadDue(redis, shard, std::numeric_limits<int64_t>::max(),
                options.train_samples - static_cast<int>(samples.size())));
    for (Due& d : waiting) samples.push_back(std::move(d.archived));
  }
  if (static_cast<int>(samples.size()) < options.train_samples) {
    return std::nullopt;
  }
  std::optional<store::ArchiveDictionary> trained =
      store::TrainArchiveDictionary(samples);
  if (!trained.has_value()) return std::nullopt;
  // The first replica to store its dictionary wins; every one uses that.
  RETURN_IF_ERROR(redis
                      .Command({"SET", store::ArchiveDictionaryKey(trained->id),
                                trained->bytes, "NX"})
                      .status());
  RETURN_IF_ERROR(redis
                      .Command({"SET", store::kArchiveDictionaryKey,
                                absl::StrCat(trained->id), "NX"})
                      .status());
  log::Info("trained the archive dictionary", {{"dictionary_id", trained->id},
                                               {"bytes", trained->bytes.size()},
                                               {"samples", samples.size()}});
  return StoredDictionary(redis);
}

// Archives one batch of `shard`'s list; the number of cases it looked at.
absl::StatusOr<size_t> ArchiveBatch(redis::RedisClient& redis, int shard,
                                    const ArchiveOptions& options,
                                    int64_t before_ms, ArchiverState* state,
                                    ArchivePass* pass) {
  ASSIGN_OR_RETURN(std::vector<Due> due,
                   ReadDue(redis, shard, before_ms, options.batch));
  const store::ArchiveDictionary* dictionary =
      state->dictionary.has_value() ? &*state->dictionary : nullptr;
  for (const Due& d : due) {
    if (std::optional<int64_t> last = LastEventMs(d, shard);
        last.has_value() && *last >= before_ms) {
      RETURN_IF_ERROR(redis
                          .Command({"ZADD", store::ClosedKey(shard), "XX",
                                    absl::StrCat(*last), d.id})
                          .status());
      ++pass->rescheduled;
      continue;
    }
    std::string blob = store::EncodeArchive(d.archived, dictionary);
    ASSIGN_OR_RETURN(
        redis::Reply r,
        store::ScriptCall(store::scripts::DispatchArchive())
            .Key("case", store::CaseKey(shard, d.id))
            .Key("timeline", store::TimelineKey(shard, d.id))
            .Key("followers", store::FollowersKey(shard, d.id))
            .Key("archive", store::ArchiveKey(shard, d.id))
            .Key("closed", store::ClosedKey(shard))
            .Key("unsatisfied",
                 store::QueueKey(shard, store::UnsatisfiedQueue()))
            .Arg("case_id", d.id)
            .Arg("version", store::ArchivedVersion(d.archived))
            .Int("entries", static_cast<int64_t>(d.archived.timeline.size()))
            .Arg("archive", blob)
            .Run(redis));
    if (r.str() == "archived") {
      ++pass->archived;
      pass->archive_bytes += static_cast<int64_t>(blob.size());
      if (dictionary == nullptr &&
          static_cast<int>(state->samples.size()) < options.train_samples) {
        state->samples.push_back(d.archived);
      }
    } else if (r.str() == "changed") {
      ++pass->changed;
    }
  }
  return due.size();
}

}  // namespace

absl::StatusOr<ArchivePass> ArchiveClosedCases(redis::RedisClient& redis,
                                               const ArchiveOptions& options,
                                               absl::Time now,
                                               ArchiverState* state) {
  ArchivePass pass;
  int64_t before_ms = absl::ToUnixMillis(now - options.after);
  if (!state->dictionary.has_value()) {
    ASSIGN_OR_RETURN(state->dictionary,
                     CurrentDictionary(redis, options, state));
    if (state->dictionary.has_value()) state->samples.clear();
  }
  for (int shard = 0; shard < options.shards; ++shard) {
    if (state->backfilled.count(shard) == 0) {
      RETURN_IF_ERROR(Backfill(redis, shard, &pass));
      state->backfilled.insert(shard);
    }
    // Cases that changed stay in the list; stop at them rather than read
    // them again in this pass.
    for (int64_t seen_changed = pass.changed;;) {
      ASSIGN_OR_RETURN(size_t n, ArchiveBatch(redis, shard, options, before_ms,
                                              state, &pass));
      if (n < static_cast<size_t>(options.batch) ||
          pass.changed > seen_changed) {
        break;
      }
    }
  }
  return pass;
}

ArchiveLoop::ArchiveLoop(redis::RedisClient* redis, ArchiveOptions options,
                         absl::Duration interval, prometheus::Registry& metrics)
    : redis_(redis),
      options_(std::move(options)),
      interval_(interval),
      archived_(prometheus::BuildCounter()
                    .Name("gridcase_cases_archived_total")
                    .Help("Cases in a final state replaced by their archived "
                          "form (--archive_after)")
                    .Register(metrics)
                    .Add({})),
      bytes_(prometheus::BuildCounter()
                 .Name("gridcase_archive_bytes_total")
                 .Help("Bytes of the archives written, summed")
                 .Register(metrics)
                 .Add({})) {}

void ArchiveLoop::Start() {
  loops_.Run([this] {
    while (loops_.Sleep(interval_)) {
      absl::StatusOr<ArchivePass> pass =
          ArchiveClosedCases(*redis_, options_, absl::Now(), &state_);
      if (!pass.ok()) {
        log::Warn("archiving failed; will retry",
                  {{"error", std::string(pass.status().message())}});
        continue;
      }
      archived_.Increment(static_cast<double>(pass->archived));
      bytes_.Increment(static_cast<double>(pass->archive_bytes));
    }
  });
}

}  // namespace gridcase::dispatch
