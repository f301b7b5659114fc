// Entries of a shard's event stream {s:N}:events (keys.h, EventsKey) and of
// a case's timeline {s:N}:timeline:<id>, written by the scripts in
// common/store/lua and read only through this codec.
//
// A stream entry has the fields
//   type     the event type's name, "case.reported" (event_type.h)
//   case     the case id
//   related  another case involved ("" if none): the original of a merged
//            duplicate
//   pb       the CaseEvent without id, case_id, related_case_id and shard,
//            which come from the entry and its stream
// and its id is the event id. A timeline entry is the string
// "<event id> <related case id or -> <pb>".
#ifndef GRIDCASE_COMMON_STORE_STREAM_ENTRY_H_
#define GRIDCASE_COMMON_STORE_STREAM_ENTRY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"
#include "common/store/event_type.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::store {

// One entry of an event stream.
struct StreamEntry {
  int shard = 0;
  std::string id;    // stream entry id
  std::string type;  // e.g. "case.reported"
  std::string case_id;
  std::string related_case_id;
  std::string pb;
  // Consumer-group reads: how often the group has delivered the entry, this
  // delivery included: 1 when read new; each claim adds one.
  int64_t deliveries = 1;
};

// An element of an XRANGE, XREAD, XREADGROUP or XAUTOCLAIM reply, [id,
// [field, value, ...]], of a stream of `shard`. DATA_LOSS when it has
// another shape (e.g. an entry deleted while pending: nil fields).
absl::StatusOr<StreamEntry> DecodeStreamEntry(int shard,
                                              const redis::Reply& element);

// The event an entry carries, with its id, case, related case and shard.
// DATA_LOSS when the entry names no case or its pb is missing or corrupt.
absl::StatusOr<v1::CaseEvent> ToCaseEvent(const StreamEntry& entry);

// The entry of an event (id, case_id, related_case_id and shard set), as the
// scripts write it.
StreamEntry ToStreamEntry(const v1::CaseEvent& event);

// The entry's fields as XADD takes them: "type", type, "case", ...
std::vector<std::string> StreamFields(const StreamEntry& entry);

// The timeline entry of an event (id and related_case_id set).
std::string FormatTimelineEntry(const v1::CaseEvent& event);

// An event of case `case_id` on `shard` from its timeline entry; DATA_LOSS
// when the entry is malformed.
absl::StatusOr<v1::CaseEvent> ParseTimelineEntry(absl::string_view raw,
                                                 absl::string_view case_id,
                                                 int shard);

}  // namespace gridcase::store

#endif  // GRIDCASE_COMMON_STORE_STREAM_ENTRY_H_
