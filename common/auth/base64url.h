// base64url without padding (RFC 4648 section 5), the encoding of JWS parts
// and JWK numbers. Decoding is strict: a string that is not the canonical
// encoding of some bytes is refused, so one token has one spelling.
#ifndef GRIDCASE_COMMON_AUTH_BASE64URL_H_
#define GRIDCASE_COMMON_AUTH_BASE64URL_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::auth {

std::string Base64UrlEncode(absl::string_view bytes);

// nullopt unless `text` is only [A-Za-z0-9_-], unpadded and canonical.
std::optional<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_BASE64URL_H_
