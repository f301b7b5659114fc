#include "common/export/table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gridcase::exporter {
namespace {

const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", z))
      *z = absl::FixedTimeZone(8 * 3600);
    return z;
  }();
  return *zone;
}

}  // namespace

std::string CellText(const Cell& cell) {
  switch (cell.kind) {
    case Cell::Kind::kEmpty:
      return "";
    case Cell::Kind::kText:
      return cell.text;
    case Cell::Kind::kInteger:
      return absl::StrFormat("%.0f", cell.number);
    case Cell::Kind::kDecimal:
      return absl::StrFormat("%.2f", cell.number);
    case Cell::Kind::kShare:
      return absl::StrFormat("%.1f%%", 100 * cell.number);
    case Cell::Kind::kShareChange:
      return absl::StrFormat("%+.1f%%", 100 * cell.number);
    case Cell::Kind::kTime:
      return absl::FormatTime("%Y-%m-%d %H:%M:%S", cell.time, Shanghai());
  }
  return "";
}

int Columns(const std::string& s) {
  int columns = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    columns += len >= 3 ? 2 : 1;  // CJK and other wide characters
    i += len;
  }
  return columns;
}

std::string Pad(const std::string& s, int width) {
  int columns = Columns(s);
  return columns >= width ? s : s + std::string(width - columns, ' ');
}

absl::CivilSecond ShanghaiTime(absl::Time t) {
  return absl::ToCivilSecond(t, Shanghai());
}

}  // namespace gridcase::exporter
