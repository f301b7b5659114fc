// Validation of ids and codes that callers choose and that end up in Redis
// keys, stream entries and stored records (a hotline caller's reporter id, a
// list filter). Every value must be text an operator can read back: valid
// UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) without
// control characters, so no id can carry a separator byte such as \x1f, a
// NUL or a line break into what stores it.
#ifndef GRIDCASE_COMMON_VALIDATION_IDS_H_
#define GRIDCASE_COMMON_VALIDATION_IDS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gridcase::validation {

// Ids are at most this many characters unless a field says otherwise.
inline constexpr int kMaxIdChars = 128;

// INVALID_ARGUMENT naming `field` and the rule unless `value` is valid UTF-8
// of at most `max_chars` code points without control characters (Unicode
// category Cc: U+0000-U+001F and U+007F-U+009F). The empty string passes:
// callers that require a value say so themselves.
absl::Status ValidateId(absl::string_view field, absl::string_view value,
                        int max_chars = kMaxIdChars);

}  // namespace gridcase::validation

#endif  // GRIDCASE_COMMON_VALIDATION_IDS_H_
