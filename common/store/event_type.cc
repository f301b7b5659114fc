#include "common/store/event_type.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gridcase::store {

std::string EventTypeName(v1::CaseEventType type) {
  return absl::StrCat("case.",
                      absl::AsciiStrToLower(absl::StripPrefix(
                          v1::CaseEventType_Name(type), "CASE_EVENT_TYPE_")));
}

}  // namespace gridcase::store
