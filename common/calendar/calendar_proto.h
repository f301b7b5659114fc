// Conversions between the gridcase.v1 calendar messages (WorkingCalendar,
// TimeLimit) and the proto-free types of common/calendar. Kept in its own
// target so that the deadline arithmetic does not depend on protobuf.
//
//   ASSIGN_OR_RETURN(calendar::WorkingCalendar cal,
//                    calendar::FromProto(response.calendar()));
//   ASSIGN_OR_RETURN(calendar::Limit limit,
//                    calendar::FromProto(stage.limit(), "limit"));
#ifndef GRIDCASE_COMMON_CALENDAR_CALENDAR_PROTO_H_
#define GRIDCASE_COMMON_CALENDAR_CALENDAR_PROTO_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/calendar/calendar.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/registry.pb.h"

namespace gridcase::calendar {

// Validates and converts a calendar. Empty `periods` mean the default
// periods (08:00–12:00, 14:00–18:00); an empty `time_zone` means
// "Asia/Shanghai". Dates must be exactly "YYYY-MM-DD", real dates, inside
// their CalendarYear.year; years must be ascending, one table each; a date
// may not be both a holiday and a make-up working day. InvalidArgument
// naming the field, e.g.
// "years[0].holidays[3]: '2026-13-01' is not a date YYYY-MM-DD".
// `version` and `updated_at` are ignored.
absl::StatusOr<WorkingCalendar> FromProto(const v1::WorkingCalendar& proto);
// FromProto, held for sharing between the calls that read it.
absl::StatusOr<std::shared_ptr<const WorkingCalendar>> SharedFromProto(
    const v1::WorkingCalendar& proto);

// Validates and converts a limit: the unit must be set and known, the amount
// > 0. Error messages name the fields under `field`, e.g.
// "limit.amount: must be > 0 (got 0)"; pass the caller's path (such as
// "stage_limits[2].limit") for a more precise message. The upper bound
// (kMaxLimit) depends on the calendar and is checked by ValidateLimit and
// Deadline.
absl::StatusOr<Limit> FromProto(const v1::TimeLimit& proto,
                                absl::string_view field = "limit");

// The unit as a proto enum value (never TIME_UNIT_UNSPECIFIED).
v1::TimeUnit ToProto(Unit unit);

// The default calendar as a message: Asia/Shanghai, 08:00–12:00 and
// 14:00–18:00, no holiday tables.
v1::WorkingCalendar DefaultCalendarProto();

}  // namespace gridcase::calendar

#endif  // GRIDCASE_COMMON_CALENDAR_CALENDAR_PROTO_H_
