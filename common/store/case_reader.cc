#include "common/store/case_reader.h"

#include <map>
#include <optional>

#include "absl/base/const_init.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status/status_macros.h"
#include "common/store/archive.h"
#include "common/store/keys.h"
#include "common/store/stream_entry.h"

namespace gridcase::store {
namespace {

// Archive dictionaries read so far: a dictionary never changes, so each is
// read from Redis once per process.
absl::Mutex dictionaries_mu(absl::kConstInit);
std::map<uint32_t, ArchiveDictionary>& Dictionaries()
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(dictionaries_mu) {
  static auto* cache = new std::map<uint32_t, ArchiveDictionary>();
  return *cache;
}

const ArchiveDictionary* CachedDictionary(uint32_t id) {
  absl::MutexLock lock(&dictionaries_mu);
  auto it = Dictionaries().find(id);
  return it == Dictionaries().end() ? nullptr : &it->second;
}

// Dictionary `id` from the reply to its GET, kept for the next reads.
absl::StatusOr<const ArchiveDictionary*> KeepDictionary(uint32_t id,
                                                        const redis::Reply& r) {
  RETURN_IF_ERROR(r.ToStatus());
  std::optional<ArchiveDictionary> d;
  if (!r.is_nil()) d = LoadArchiveDictionary(r.str());
  if (!d.has_value() || d->id != id) {
    return absl::DataLossError(absl::StrCat("archive dictionary ", id,
                                            " is missing or corrupt (key ",
                                            ArchiveDictionaryKey(id), ")"));
  }
  absl::MutexLock lock(&dictionaries_mu);
  return &Dictionaries().emplace(id, *std::move(d)).first->second;
}

// The dictionary `id`, read from Redis the first time.
absl::StatusOr<const ArchiveDictionary*> Dictionary(redis::RedisClient& redis,
                                                    uint32_t id) {
  if (const ArchiveDictionary* d = CachedDictionary(id)) return d;
  ASSIGN_OR_RETURN(std::vector<redis::Reply> r,
                   redis.Pipeline({{"GET", ArchiveDictionaryKey(id)}}));
  return KeepDictionary(id, r.front());
}

// GET of the archives of cases[i] for each i in `which`, decoded; a case
// without one is left out.
absl::StatusOr<std::map<size_t, ArchivedCase>> ReadArchives(
    redis::RedisClient& redis, const std::vector<CaseRef>& cases,
    const std::vector<size_t>& which) {
  std::map<size_t, ArchivedCase> out;
  if (which.empty()) return out;
  std::vector<redis::Args> gets;
  for (size_t i : which) {
    gets.push_back({"GET", ArchiveKey(cases[i].first, cases[i].second)});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis.Pipeline(gets));
  for (size_t k = 0; k < which.size(); ++k) {
    RETURN_IF_ERROR(replies[k].ToStatus());
    if (replies[k].is_nil()) continue;
    const std::string& id = cases[which[k]].second;
    ASSIGN_OR_RETURN(uint32_t dict_id,
                     ArchiveDictionaryId(id, replies[k].str()));
    const ArchiveDictionary* dict = nullptr;
    if (dict_id != 0) {
      ASSIGN_OR_RETURN(dict, Dictionary(redis, dict_id));
    }
    ASSIGN_OR_RETURN(ArchivedCase a, DecodeArchive(id, replies[k].str(), dict));
    out.emplace(which[k], std::move(a));
  }
  return out;
}

}  // namespace

absl::StatusOr<StoredCase> ReadCase(redis::RedisClient& redis, int shard,
                                    absl::string_view case_id) {
  ASSIGN_OR_RETURN(std::vector<StoredCase> found,
                   ReadCases(redis, {{shard, std::string(case_id)}}));
  if (found.empty()) {
    return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));
  }
  return std::move(found.front());
}

absl::StatusOr<std::vector<StoredCase>> ReadCases(
    redis::RedisClient& redis, const std::vector<CaseRef>& cases) {
  std::vector<redis::Args> reads;
  for (const auto& [shard, id] : cases) {
    reads.push_back(ReadCaseCommand(shard, id));
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis.Pipeline(reads));
  std::vector<std::optional<StoredCase>> found(cases.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < cases.size(); ++i) {
    absl::StatusOr<StoredCase> c = DecodeCase(cases[i].second, replies[i]);
    if (c.status().code() == absl::StatusCode::kNotFound) {
      missing.push_back(i);
      continue;
    }
    RETURN_IF_ERROR(c.status());
    found[i] = *std::move(c);
  }
  ASSIGN_OR_RETURN(auto archives, ReadArchives(redis, cases, missing));
  for (auto& [i, a] : archives) {
    ASSIGN_OR_RETURN(found[i], DecodeCaseFields(cases[i].second, a.hash));
  }
  std::vector<StoredCase> out;
  for (auto& c : found) {
    if (c.has_value()) out.push_back(*std::move(c));
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<std::string>>> ReadTimelineEntries(
    redis::RedisClient& redis, const std::vector<CaseRef>& cases) {
  std::vector<redis::Args> reads;
  for (const auto& [shard, id] : cases) {
    reads.push_back({"LRANGE", TimelineKey(shard, id), "0", "-1"});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis.Pipeline(reads));
  std::vector<std::vector<std::string>> out(cases.size());
  std::vector<size_t> empty;
  for (size_t i = 0; i < cases.size(); ++i) {
    RETURN_IF_ERROR(replies[i].ToStatus());
    for (const redis::Reply& e : replies[i].elements()) {
      out[i].push_back(e.str());
    }
    // Every case has at least the event that created it.
    if (out[i].empty()) empty.push_back(i);
  }
  ASSIGN_OR_RETURN(auto archives, ReadArchives(redis, cases, empty));
  for (auto& [i, a] : archives) out[i] = std::move(a.timeline);
  return out;
}

absl::StatusOr<std::vector<ArchivedCase>> ReadForArchive(
    redis::RedisClient& redis, const std::vector<CaseRef>& cases) {
  std::vector<redis::Args> reads;
  for (const auto& [shard, id] : cases) {
    reads.push_back({"HGETALL", CaseKey(shard, id)});
    reads.push_back({"LRANGE", TimelineKey(shard, id), "0", "-1"});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis.Pipeline(reads));
  std::vector<ArchivedCase> out(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const redis::Reply& hash = replies[2 * i];
    const redis::Reply& timeline = replies[2 * i + 1];
    RETURN_IF_ERROR(hash.ToStatus());
    RETURN_IF_ERROR(timeline.ToStatus());
    const auto& kv = hash.elements();
    for (size_t k = 0; k + 1 < kv.size(); k += 2) {
      out[i].hash[kv[k].str()] = kv[k + 1].str();
    }
    for (const redis::Reply& e : timeline.elements()) {
      out[i].timeline.push_back(e.str());
    }
  }
  return out;
}

namespace {

// The case and timeline of the archive `archive` of `case_id`, decoded
// with `dictionary` (null when it needs none).
absl::StatusOr<CaseAndTimeline> FromArchive(
    absl::string_view case_id, absl::string_view archive,
    const ArchiveDictionary* dictionary) {
  ASSIGN_OR_RETURN(ArchivedCase a, DecodeArchive(case_id, archive, dictionary));
  ASSIGN_OR_RETURN(StoredCase stored, DecodeCaseFields(case_id, a.hash));
  return CaseAndTimeline{std::move(stored), std::move(a.timeline)};
}

// The second half of ReadCaseAsync: `replies` are those to its reads.
void FinishCaseRead(redis::RedisClient& redis, std::string case_id,
                    bool with_timeline, std::vector<redis::Reply> replies,
                    CaseReadDone done) {
  absl::StatusOr<StoredCase> live = DecodeCase(case_id, replies[0]);
  const redis::Reply& archive = replies[1];
  if (archive.is_error()) {
    std::move(done)(archive.ToStatus());
    return;
  }
  if (live.ok() || archive.is_nil()) {
    if (!live.ok()) {
      std::move(done)(live.status().code() == absl::StatusCode::kNotFound
                          ? absl::NotFoundError(
                                absl::StrCat("case ", case_id, " not found"))
                          : live.status());
      return;
    }
    CaseAndTimeline out{*std::move(live), {}};
    if (with_timeline) {
      if (absl::Status s = replies[2].ToStatus(); !s.ok()) {
        std::move(done)(s);
        return;
      }
      for (const redis::Reply& e : replies[2].elements()) {
        out.timeline.push_back(e.str());
      }
    }
    // A live case always has the event that created it; none means the
    // archiver replaced both between the reads, and the archive is read
    // below.
    if (!with_timeline || !out.timeline.empty() || archive.is_nil()) {
      std::move(done)(std::move(out));
      return;
    }
  }
  absl::StatusOr<uint32_t> dict_id =
      ArchiveDictionaryId(case_id, archive.str());
  if (!dict_id.ok()) {
    std::move(done)(dict_id.status());
    return;
  }
  const ArchiveDictionary* dict =
      *dict_id == 0 ? nullptr : CachedDictionary(*dict_id);
  if (*dict_id == 0 || dict != nullptr) {
    std::move(done)(FromArchive(case_id, archive.str(), dict));
    return;
  }
  // The first archive of this dictionary: read the dictionary, then decode.
  std::vector<redis::Args> get = {{"GET", ArchiveDictionaryKey(*dict_id)}};
  redis.PipelineAsync(get,
                      [case_id = std::move(case_id), id = *dict_id,
                       archive = archive.str(), done = std::move(done)](
                          absl::StatusOr<std::vector<redis::Reply>> r) mutable {
                        if (!r.ok()) {
                          std::move(done)(r.status());
                          return;
                        }
                        absl::StatusOr<const ArchiveDictionary*> d =
                            KeepDictionary(id, r->front());
                        if (!d.ok()) {
                          std::move(done)(d.status());
                          return;
                        }
                        std::move(done)(FromArchive(case_id, archive, *d));
                      });
}

}  // namespace

void ReadCaseAsync(redis::RedisClient& redis, int shard, std::string case_id,
                   bool with_timeline, CaseReadDone done) {
  std::vector<redis::Args> reads = {ReadCaseCommand(shard, case_id),
                                    {"GET", ArchiveKey(shard, case_id)}};
  if (with_timeline) {
    reads.push_back({"LRANGE", TimelineKey(shard, case_id), "0", "-1"});
  }
  redis.PipelineAsync(
      reads, [&redis, case_id = std::move(case_id), with_timeline,
              done = std::move(done)](
                 absl::StatusOr<std::vector<redis::Reply>> replies) mutable {
        if (!replies.ok()) {
          std::move(done)(replies.status());
          return;
        }
        FinishCaseRead(redis, std::move(case_id), with_timeline,
                       *std::move(replies), std::move(done));
      });
}

std::string ArchivedVersion(const ArchivedCase& archived) {
  auto it = archived.hash.find("version");
  return it == archived.hash.end() ? "" : it->second;
}

absl::StatusOr<std::vector<v1::CaseEvent>> ReadTimeline(
    redis::RedisClient& redis, int shard, absl::string_view case_id) {
  ASSIGN_OR_RETURN(auto entries,
                   ReadTimelineEntries(redis, {{shard, std::string(case_id)}}));
  std::vector<v1::CaseEvent> events;
  for (const std::string& entry : entries.front()) {
    ASSIGN_OR_RETURN(v1::CaseEvent e,
                     ParseTimelineEntry(entry, case_id, shard));
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace gridcase::store
