// Validation of user content shared by every service that takes it: request
// ids, plain text and media lists. Errors are INVALID_ARGUMENT naming the
// field and the rule.
#ifndef GRIDCASE_COMMON_VALIDATION_CONTENT_H_
#define GRIDCASE_COMMON_VALIDATION_CONTENT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::validation {

// Open311's limit for descriptions, and ours for notes and reasons.
inline constexpr int kMaxTextChars = 4000;
// WeChat's limit of 9 media per message.
inline constexpr int kMaxMedia = 9;

// request_id: 1-64 characters of [A-Za-z0-9_.:-].
absl::Status ValidateRequestId(absl::string_view request_id);

// Plain text: valid UTF-8, at most `max_chars` code points after trimming,
// no HTML markup; required means non-empty after trimming.
absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          int max_chars, bool required);

// A WGS84 position at `field` (".latitude" and ".longitude" named): finite,
// in range, and not (0, 0), which is a missing GPS fix.
absl::Status ValidatePosition(absl::string_view field, double latitude,
                              double longitude);

// An https URL or a safe object-store key.
absl::Status ValidateUri(absl::string_view field, absl::string_view uri);

// At most 9; each with a kind and an https URL or a safe object-store key.
absl::Status ValidateMedia(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<v1::Media>& media);

}  // namespace gridcase::validation

#endif  // GRIDCASE_COMMON_VALIDATION_CONTENT_H_
