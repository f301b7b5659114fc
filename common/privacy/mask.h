// How a phone number or e-mail address is shown to anyone who reads it back:
// one rule for reporters' contacts and staff members' phones alike.
#ifndef GRIDCASE_COMMON_PRIVACY_MASK_H_
#define GRIDCASE_COMMON_PRIVACY_MASK_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::privacy {

// "13812345678" → "138****5678", "+8613812345678" → "+86*******5678",
// "88881234" → "88****34", "z.wang@example.cn" → "z***@example.cn".
// Phones (anything without '@') keep 3 leading and 4 trailing characters
// from 11 characters on, else 2 and 2, and are all stars up to 4 (or when
// nothing would be hidden). Counts characters, not bytes, so UTF-8 input
// stays valid UTF-8. Empty stays empty.
std::string MaskContact(absl::string_view contact);

}  // namespace gridcase::privacy

#endif  // GRIDCASE_COMMON_PRIVACY_MASK_H_
