// RegistryServiceImpl::ListAuditRecords: the audit records of reference
// data and of the routing policy, newest first, merged from their two
// streams (store::kRegistryAuditKey, store::kRoutingAuditKey) and filtered.
#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/audit/audit_record.h"
#include "common/paging/page_token.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "services/registry/registry_service.h"

namespace gridcase::registry {
namespace {

constexpr paging::PageLimits kAuditPages{.default_size = 50, .max_size = 500};
// Most entries read per call, so that a rare filter cannot make one call
// scan a whole stream; the page then ends early with a token.
constexpr int kMaxScanned = 5000;
constexpr char kDone[] = "-";  // a stream with nothing older left

struct Source {
  const char* stream;
  const char* name;
  std::string cursor;  // last id consumed; "" none yet; kDone exhausted
  std::vector<v1::AuditRecord> buffer;  // read, not yet consumed
  size_t next = 0;
};

// "1719712800000-3" -> {1719712800000, 3}, for ordering across streams.
std::pair<int64_t, int64_t> IdKey(const std::string& id) {
  std::pair<std::string, std::string> parts =
      absl::StrSplit(id, absl::MaxSplits('-', 1));
  int64_t ms = 0, seq = 0;
  (void)absl::SimpleAtoi(parts.first, &ms);  // ids come from Redis
  (void)absl::SimpleAtoi(parts.second, &seq);
  return {ms, seq};
}

bool Matches(const v1::ListAuditRecordsRequest& req, const v1::AuditRecord& r) {
  return (req.object_kind().empty() || r.object_kind() == req.object_kind()) &&
         (req.object_id().empty() || r.object_id() == req.object_id()) &&
         (req.actor_subject().empty() ||
          r.actor().subject() == req.actor_subject());
}

}  // namespace

absl::Status RegistryServiceImpl::DoListAuditRecords(
    const v1::Actor& actor, const v1::ListAuditRecordsRequest& req,
    v1::ListAuditRecordsResponse* resp) {
  if (!req.object_kind().empty() &&
      std::find(std::begin(audit::kObjectKinds), std::end(audit::kObjectKinds),
                req.object_kind()) == std::end(audit::kObjectKinds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("object_kind: must be one of ",
                     absl::StrJoin(audit::kObjectKinds, ", "),
                     " (or empty), got '", req.object_kind(), "'"));
  }
  if (req.object_id().size() > 256 || req.actor_subject().size() > 256) {
    return absl::InvalidArgumentError(
        "object_id, actor_subject: must be at most 256 characters");
  }
  ASSIGN_OR_RETURN(int size, paging::PageSize(req.page_size(), kAuditPages));
  std::string filter = absl::StrCat(req.object_kind(), "\x1f", req.object_id(),
                                    "\x1f", req.actor_subject());
  ASSIGN_OR_RETURN(std::string cursor,
                   paging::DecodePageToken(req.page_token(), filter));
  Source sources[] = {{store::kRegistryAuditKey, "registry", "", {}, 0},
                      {store::kRoutingAuditKey, "routing", "", {}, 0}};
  if (!cursor.empty()) {
    std::vector<std::string> parts = absl::StrSplit(cursor, ' ');
    if (parts.size() != 2) {
      return absl::InvalidArgumentError("page_token: is malformed");
    }
    sources[0].cursor = parts[0] == "+" ? "" : parts[0];
    sources[1].cursor = parts[1] == "+" ? "" : parts[1];
  }
  int scanned = 0;
  auto fill = [&](Source& s) -> absl::Status {
    if (s.next < s.buffer.size() || s.cursor == kDone) return absl::OkStatus();
    ASSIGN_OR_RETURN(s.buffer,
                     store_->ReadAudit(s.stream, s.name, s.cursor, size + 1));
    s.next = 0;
    if (s.buffer.empty()) s.cursor = kDone;
    return absl::OkStatus();
  };
  while (resp->records_size() < size && scanned < kMaxScanned) {
    for (Source& s : sources) RETURN_IF_ERROR(fill(s));
    Source* newest = nullptr;
    for (Source& s : sources) {
      if (s.next >= s.buffer.size()) continue;
      if (newest == nullptr || IdKey(s.buffer[s.next].id()) >
                                   IdKey(newest->buffer[newest->next].id())) {
        newest = &s;
      }
    }
    if (newest == nullptr) break;  // both streams exhausted
    v1::AuditRecord& r = newest->buffer[newest->next++];
    newest->cursor = r.id();
    ++scanned;
    if (Matches(req, r)) *resp->add_records() = std::move(r);
  }
  // More may follow unless both streams are known to be exhausted.
  for (Source& s : sources) RETURN_IF_ERROR(fill(s));
  bool more = false;
  for (const Source& s : sources) more |= s.next < s.buffer.size();
  if (more) {
    auto at = [](const Source& s) {
      return s.cursor.empty() ? std::string("+") : s.cursor;
    };
    resp->set_next_page_token(paging::EncodePageToken(
        absl::StrCat(at(sources[0]), " ", at(sources[1])), filter));
  }
  return absl::OkStatus();
}

}  // namespace gridcase::registry
