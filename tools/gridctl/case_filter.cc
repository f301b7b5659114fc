#include "tools/gridctl/case_filter.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/clock/timestamp.h"
#include "tools/gridctl/stats_commands.h"

namespace gridcase::gridctl {

absl::StatusOr<v1::ListCasesRequest> ParseCaseFilter(const Invocation& in,
                                                     absl::Time now) {
  v1::ListCasesRequest r;
  r.set_region_code(in.Get("region", nullptr));
  r.set_reporter_id(in.Get("reporter", nullptr));
  r.set_category_code(in.Get("category", nullptr));
  r.set_department_id(in.Get("department", nullptr));
  if (in.Has("state")) {
    for (absl::string_view name :
         absl::StrSplit(in.Get("state", nullptr), ',', absl::SkipEmpty())) {
      v1::CaseState state;
      if (!v1::CaseState_Parse(
              absl::StrCat("CASE_STATE_", absl::AsciiStrToUpper(name)),
              &state)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--state: '", name, "' is not a state, e.g. closed or dispatched"));
      }
      r.add_states(state);
    }
  }
  if (in.Has("source")) {
    std::string name = absl::AsciiStrToUpper(in.Get("source", nullptr));
    v1::Source source;
    if (!v1::Source_Parse(
            absl::StrCat("SOURCE_", absl::StripPrefix(name, "SOURCE_")),
            &source)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--source: '", in.Get("source", nullptr),
                       "' is not a source, e.g. grid_patrol or wechat"));
    }
    r.set_source(source);
  }
  if (in.Has("period")) {
    absl::StatusOr<v1::DateRange> days =
        ParsePeriod(in.Get("period", nullptr), now);
    if (!days.ok()) return days.status();
    absl::TimeZone tz = Shanghai();
    absl::CivilDay from, to;
    absl::ParseCivilTime(days->start_date(), &from);
    absl::ParseCivilTime(days->end_date(), &to);
    *r.mutable_reported()->mutable_start() =
        ToTimestamp(absl::FromCivil(from, tz));
    *r.mutable_reported()->mutable_end() =
        ToTimestamp(absl::FromCivil(to + 1, tz));
  }
  return r;
}

}  // namespace gridcase::gridctl
