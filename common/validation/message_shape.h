// The checks every request gets before its handler runs (auth::ServeAs),
// driven by the message's descriptor so that no field can be forgotten:
//
// - every enum value, singular, repeated or in a map, in the request and in
//   every message nested in it, is one the contract defines (proto3 keeps
//   unknown numbers such as source = 99, and a handler would otherwise
//   carry them into Redis, stats keys and error texts);
// - every google.protobuf.Timestamp is a valid instant (0001-01-01 through
//   9999-12-31, nanos 0–999,999,999) and every google.protobuf.Duration a
//   valid duration (at most 10,000 years, nanos below a second with the
//   sign of the seconds).
//
// - every gridcase.v1.TimeRange with both bounds ends after it starts.
//
// The first violation is INVALID_ARGUMENT naming the field by its path, e.g.
// "filter.states[1]: 99 is not a gridcase.v1.CaseState value".
#ifndef GRIDCASE_COMMON_VALIDATION_MESSAGE_SHAPE_H_
#define GRIDCASE_COMMON_VALIDATION_MESSAGE_SHAPE_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace gridcase::validation {

absl::Status ValidateMessageShape(const google::protobuf::Message& message);

}  // namespace gridcase::validation

#endif  // GRIDCASE_COMMON_VALIDATION_MESSAGE_SHAPE_H_
