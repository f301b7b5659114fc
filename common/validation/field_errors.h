// Building blocks for input validation shared by every service: the
// INVALID_ARGUMENT error that names the field and the rule, and UTF-8 text
// length in characters (code points), which is how limits are stated.
#ifndef GRIDCASE_COMMON_VALIDATION_FIELD_ERRORS_H_
#define GRIDCASE_COMMON_VALIDATION_FIELD_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gridcase::validation {

// INVALID_ARGUMENT "<field>: <rule>".
absl::Status FieldError(absl::string_view field, absl::string_view rule);

// Number of code points in `s`; -1 if `s` is not valid UTF-8.
int Utf8Chars(absl::string_view s);

}  // namespace gridcase::validation

#endif  // GRIDCASE_COMMON_VALIDATION_FIELD_ERRORS_H_
