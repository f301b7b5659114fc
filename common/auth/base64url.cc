#include "common/auth/base64url.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace gridcase::auth {

std::string Base64UrlEncode(absl::string_view bytes) {
  return absl::WebSafeBase64Escape(bytes);
}

std::optional<std::string> Base64UrlDecode(absl::string_view text) {
  bool alphabet = std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '_';
  });
  std::string bytes;
  if (!alphabet || !absl::WebSafeBase64Unescape(text, &bytes)) {
    return std::nullopt;
  }
  // Unused low bits in the last character must be zero.
  if (absl::WebSafeBase64Escape(bytes) != text) return std::nullopt;
  return bytes;
}

}  // namespace gridcase::auth
