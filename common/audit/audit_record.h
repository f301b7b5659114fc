// The audit of reference data: what one change of grids, members,
// departments, categories, rules, the calendar or the routing policy
// records (who, when, what changed), and the Redis streams that hold the
// records. The registry and dispatch append a record in the same Lua script
// as the change; RegistryService.ListAuditRecords reads both streams.
#ifndef GRIDCASE_COMMON_AUDIT_AUDIT_RECORD_H_
#define GRIDCASE_COMMON_AUDIT_AUDIT_RECORD_H_

#include <google/protobuf/message.h>

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/registry.pb.h"

namespace gridcase::audit {

// The streams are store::kRegistryAuditKey and store::kRoutingAuditKey
// (common/store/keys.h), each in the hash slot of the data it audits.
// Approximate length each stream is trimmed to (XADD MAXLEN ~).
inline constexpr int kMaxRecords = 100000;

// The scripts that make a change append the record with `audit(stream,
// record, maxlen)` from audit.lua, passing kMaxRecords.
// The object kinds records name (AuditRecord.object_kind), for filters.
inline constexpr const char* kObjectKinds[] = {
    "grids", "member",   "department",    "category",
    "rule",  "calendar", "routing_policy"};
// before_json and after_json are cut beyond this.
inline constexpr size_t kMaxJsonBytes = 16 * 1024;

// The record of a change from `before` to `after` (either may be null: a
// creation or a deletion), or nullopt if nothing but the change's own
// timestamps and versions differs. `id` and `stream` are left empty.
std::optional<v1::AuditRecord> Describe(const v1::Actor& actor, absl::Time when,
                                        absl::string_view action,
                                        absl::string_view object_kind,
                                        absl::string_view object_id,
                                        const google::protobuf::Message* before,
                                        const google::protobuf::Message* after);

}  // namespace gridcase::audit

#endif  // GRIDCASE_COMMON_AUDIT_AUDIT_RECORD_H_
