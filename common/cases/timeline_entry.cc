#include "common/cases/timeline_entry.h"

#include "absl/strings/str_cat.h"

namespace gridcase::cases {

absl::StatusOr<v1::CaseEvent> ParseTimelineEntry(absl::string_view raw,
                                                 const std::string& case_id,
                                                 int shard) {
  size_t first = raw.find(' ');
  size_t second =
      first == absl::string_view::npos ? first : raw.find(' ', first + 1);
  v1::CaseEvent event;
  if (second == absl::string_view::npos ||
      !event.ParseFromArray(raw.data() + second + 1,
                            static_cast<int>(raw.size() - second - 1))) {
    return absl::DataLossError(
        absl::StrCat("timeline of case ", case_id, " is corrupt"));
  }
  event.set_id(std::string(raw.substr(0, first)));
  absl::string_view related = raw.substr(first + 1, second - first - 1);
  if (related != "-") event.set_related_case_id(std::string(related));
  event.set_case_id(case_id);
  event.set_shard(shard);
  return event;
}

}  // namespace gridcase::cases
