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

// The dictionary `id`, read from Redis once per process (a dictionary
// never changes).
absl::StatusOr<const ArchiveDictionary*> Dictionary(redis::RedisClient& redis,
                                                    uint32_t id) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* cache = new std::map<uint32_t, ArchiveDictionary>();
  {
    absl::MutexLock lock(&mu);
    auto it = cache->find(id);
    if (it != cache->end()) return &it->second;
  }
  ASSIGN_OR_RETURN(redis::Reply r,
                   redis.Command({"GET", ArchiveDictionaryKey(id)}));
  std::optional<ArchiveDictionary> d;
  if (!r.is_nil()) d = LoadArchiveDictionary(r.str());
  if (!d.has_value() || d->id != id) {
    return absl::DataLossError(absl::StrCat("archive dictionary ", id,
                                            " is missing or corrupt (key ",
                                            ArchiveDictionaryKey(id), ")"));
  }
  absl::MutexLock lock(&mu);
  return &cache->emplace(id, *std::move(d)).first->second;
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
