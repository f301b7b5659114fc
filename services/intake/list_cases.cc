#include "services/intake/list_cases.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/clock/timestamp.h"
#include "common/paging/page_token.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "common/validation/ids.h"

namespace gridcase::intake {
namespace {

constexpr paging::PageLimits kPages{.default_size = 50, .max_size = 500};
// A page examines at most this many cases per requested one before it
// returns early (with a token) rather than scanning on.
constexpr int kScanFactor = 20;

struct Plan {
  std::string kind;
  std::string value;
  std::vector<int> shards;
};

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

absl::StatusOr<Plan> PlanFor(const v1::ListCasesRequest& r, int shards) {
  // The filter ids name index keys (and are echoed in errors).
  for (const auto& [field, value] : {std::pair<const char*, const std::string&>{
                                         "reporter_id", r.reporter_id()},
                                     {"department_id", r.department_id()},
                                     {"category_code", r.category_code()}}) {
    RETURN_IF_ERROR(validation::ValidateId(field, value));
  }
  Plan plan;
  const std::string& region = r.region_code();
  if (!region.empty() &&
      (!AllDigits(region) || (region.size() != 6 && region.size() != 9 &&
                              region.size() != 12 && region.size() != 15))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "region_code: must be a city, town, community or grid code (6, 9, 12 "
        "or 15 digits), got '",
        region, "'"));
  }
  const std::string& category = r.category_code();
  if (!category.empty() && category.size() != 3 && category.size() != 5 &&
      category.size() != 6) {
    return absl::InvalidArgumentError(absl::StrCat(
        "category_code: must be a full code like E0101 or a major code like "
        "E01, got '",
        category, "'"));
  }
  bool one_shard = region.size() >= 9;
  if (one_shard) {
    plan.shards = {store::ShardOf(region.substr(0, 9), shards)};
  } else {
    for (int s = 0; s < shards; ++s) plan.shards.push_back(s);
  }
  if (!r.reporter_id().empty()) {
    plan.kind = "reporter";
    plan.value = r.reporter_id();
  } else if (one_shard) {
    plan.kind = "region";
    plan.value = region;
  } else if (!category.empty()) {
    plan.kind = "category";
    plan.value = category;
  } else if (r.source() != v1::SOURCE_UNSPECIFIED) {
    plan.kind = "source";
    plan.value = absl::StrCat(r.source());
  } else {
    plan.kind = "all";
    plan.value = "cases";
  }
  return plan;
}

bool Keep(const v1::ListCasesRequest& r, const v1::Case& c) {
  if (!r.reporter_id().empty() && c.reporter().id() != r.reporter_id()) {
    return false;
  }
  if (!r.region_code().empty() &&
      !absl::StartsWith(c.grid_code(), r.region_code())) {
    return false;
  }
  if (!r.states().empty() && std::find(r.states().begin(), r.states().end(),
                                       c.state()) == r.states().end()) {
    return false;
  }
  const std::string& cat = r.category_code();
  if (!cat.empty() && c.category_code() != cat &&
      c.category_major_code() != cat) {
    return false;
  }
  if (r.source() != v1::SOURCE_UNSPECIFIED && c.source() != r.source()) {
    return false;
  }
  if (!r.department_id().empty() && c.department_id() != r.department_id()) {
    return false;
  }
  return true;
}

std::string Fingerprint(const v1::ListCasesRequest& r) {
  std::vector<std::string> states;
  for (int s : r.states()) states.push_back(absl::StrCat(s));
  return absl::StrCat(r.reporter_id(), "|", r.region_code(), "|",
                      absl::StrJoin(states, ","), "|", r.category_code(), "|",
                      r.source(), "|", r.reported().start().seconds(), "|",
                      r.reported().end().seconds(), "|", r.department_id());
}

struct Candidate {
  IndexEntry entry;
  v1::Case c;
};

// (ms desc, id desc)
bool Before(const IndexEntry& a, const IndexEntry& b) {
  if (a.reported_ms != b.reported_ms) return a.reported_ms > b.reported_ms;
  return a.case_id > b.case_id;
}

}  // namespace

absl::StatusOr<v1::ListCasesResponse> ListCases(CaseStore& store,
                                                const v1::ListCasesRequest& r,
                                                int shards) {
  ASSIGN_OR_RETURN(int page_size, paging::PageSize(r.page_size(), kPages));
  ASSIGN_OR_RETURN(Plan plan, PlanFor(r, shards));
  std::string fingerprint = Fingerprint(r);
  ASSIGN_OR_RETURN(std::string cursor,
                   paging::DecodePageToken(r.page_token(), fingerprint));
  IndexEntry position{"", -1};
  if (!cursor.empty()) {
    size_t colon = cursor.find(':');
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(cursor.substr(0, colon), &position.reported_ms)) {
      return absl::InvalidArgumentError("page_token: malformed");
    }
    position.case_id = cursor.substr(colon + 1);
  }
  int64_t start_ms =
      r.reported().has_start()
          ? absl::ToUnixMillis(FromTimestamp(r.reported().start()))
          : -1;
  if (r.reported().has_end()) {
    int64_t end_ms = absl::ToUnixMillis(FromTimestamp(r.reported().end())) - 1;
    if (position.reported_ms < 0 || end_ms < position.reported_ms) {
      position = {"", end_ms};
    }
  }

  struct ShardState {
    std::vector<Candidate> buffer;
    size_t next = 0;
    IndexEntry cursor;
    bool exhausted = false;
    bool refilled = false;
  };
  std::map<int, ShardState> state;
  for (int s : plan.shards) state[s].cursor = position;
  // The first read of a shard fetches one page and one more case (to know
  // whether there is a next page): without filters beyond the index, that
  // is all a page needs. Later reads, when filters dropped cases, fetch
  // more at once.
  const int first_batch = page_size + 1;
  const int later_batch = std::max(20, page_size * 2);

  v1::ListCasesResponse response;
  IndexEntry last = position;
  int examined = 0;
  bool more = false;
  while (true) {
    // Refill every shard whose buffer is used up.
    for (auto& [shard, st] : state) {
      if (st.next < st.buffer.size() || st.exhausted) continue;
      const int batch = st.refilled ? later_batch : first_batch;
      st.refilled = true;
      ASSIGN_OR_RETURN(
          std::vector<IndexEntry> entries,
          store.ScanIndex(shard, plan.kind, plan.value, st.cursor.reported_ms,
                          st.cursor.case_id, batch));
      st.exhausted = static_cast<int>(entries.size()) < batch;
      if (!entries.empty()) st.cursor = entries.back();
      std::vector<std::string> ids;
      for (const IndexEntry& e : entries) ids.push_back(e.case_id);
      ASSIGN_OR_RETURN(std::vector<v1::Case> loaded, store.GetCases(ids));
      std::map<std::string, v1::Case> by_id;
      for (v1::Case& c : loaded) by_id[c.id()] = std::move(c);
      st.buffer.clear();
      st.next = 0;
      for (IndexEntry& e : entries) {
        auto it = by_id.find(e.case_id);
        if (it != by_id.end()) st.buffer.push_back({e, std::move(it->second)});
      }
      if (st.buffer.empty() && !st.exhausted) st.exhausted = entries.empty();
    }
    // The next case in order among all shards.
    ShardState* best = nullptr;
    for (auto& [shard, st] : state) {
      if (st.next >= st.buffer.size()) continue;
      if (best == nullptr ||
          Before(st.buffer[st.next].entry, best->buffer[best->next].entry)) {
        best = &st;
      }
    }
    if (best == nullptr) break;  // every shard exhausted
    Candidate& candidate = best->buffer[best->next++];
    if (start_ms >= 0 && candidate.entry.reported_ms < start_ms) {
      best->exhausted = true;  // the rest of this shard is older still
      best->next = best->buffer.size();
      continue;
    }
    last = candidate.entry;
    ++examined;
    if (Keep(r, candidate.c)) {
      *response.add_cases() = std::move(candidate.c);
      if (response.cases_size() == page_size) {
        more = true;
        break;
      }
    }
    if (examined >= page_size * kScanFactor) {
      more = true;
      break;
    }
  }
  if (more) {
    // Only claim more if something is left to look at.
    bool left = false;
    for (auto& [shard, st] : state) {
      left |= st.next < st.buffer.size() || !st.exhausted;
    }
    if (left) {
      response.set_next_page_token(paging::EncodePageToken(
          absl::StrCat(last.reported_ms, ":", last.case_id), fingerprint));
    }
  }
  return response;
}

}  // namespace gridcase::intake
