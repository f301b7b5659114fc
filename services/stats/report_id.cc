#include "services/stats/report_id.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/validation/field_errors.h"
#include "services/stats/period.h"

namespace gridcase::stats {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

}  // namespace

char KindLetter(v1::ReportPeriod kind) {
  switch (kind) {
    case v1::REPORT_PERIOD_DAY:
      return 'D';
    case v1::REPORT_PERIOD_WEEK:
      return 'W';
    case v1::REPORT_PERIOD_MONTH:
      return 'M';
    default:
      return '?';
  }
}

std::string FormatReportId(const ReportId& id) {
  return absl::StrCat(id.region, "-", std::string(1, KindLetter(id.kind)),
                      CompactDay(id.start), "-", id.revision);
}

absl::StatusOr<ReportId> ParseReportId(absl::string_view text,
                                       absl::string_view field) {
  auto bad = [&] {
    return validation::FieldError(
        field,
        "must be a report id <region>-<D|W|M><YYYYMMDD>-<revision>, e.g. "
        "330483-D20261205-1");
  };
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  if (parts.size() != 3 || !IsReportRegion(parts[0]) || parts[1].size() != 9 ||
      !AllDigits(parts[1].substr(1)) || !AllDigits(parts[2]) ||
      parts[2].size() > 6) {
    return bad();
  }
  ReportId id;
  id.region = std::string(parts[0]);
  switch (parts[1][0]) {
    case 'D':
      id.kind = v1::REPORT_PERIOD_DAY;
      break;
    case 'W':
      id.kind = v1::REPORT_PERIOD_WEEK;
      break;
    case 'M':
      id.kind = v1::REPORT_PERIOD_MONTH;
      break;
    default:
      return bad();
  }
  int y = 0, m = 0, d = 0;
  absl::string_view date = parts[1].substr(1);
  if (!absl::SimpleAtoi(date.substr(0, 4), &y) ||
      !absl::SimpleAtoi(date.substr(4, 2), &m) ||
      !absl::SimpleAtoi(date.substr(6, 2), &d)) {
    return bad();
  }
  id.start = absl::CivilDay(y, m, d);
  if (id.start.year() != y || id.start.month() != m || id.start.day() != d ||
      !absl::SimpleAtoi(parts[2], &id.revision) || id.revision < 1) {
    return bad();
  }
  return id;
}

bool IsReportRegion(absl::string_view code) {
  return (code.size() == 6 || code.size() == 9) && AllDigits(code);
}

}  // namespace gridcase::stats
