#include "common/paging/page_token.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace gridcase::paging {
namespace {

constexpr absl::string_view kVersion = "p1";

// FNV-1a: a stable 64-bit hash of the filters.
std::string Fingerprint(absl::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return absl::StrCat(absl::Hex(h, absl::kZeroPad16));
}

}  // namespace

absl::StatusOr<int> PageSize(int requested, PageLimits limits) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must not be negative, got ", requested));
  }
  if (requested == 0) return limits.default_size;
  return requested > limits.max_size ? limits.max_size : requested;
}

std::string EncodePageToken(absl::string_view last_key,
                            absl::string_view fingerprint) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kVersion, ":", Fingerprint(fingerprint), ":", last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view fingerprint) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  std::string prefix =
      absl::StrCat(kVersion, ":", Fingerprint(fingerprint), ":");
  if (raw.compare(0, kVersion.size() + 1, absl::StrCat(kVersion, ":")) != 0) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  if (raw.compare(0, prefix.size(), prefix) != 0) {
    return absl::InvalidArgumentError(
        "page_token: was issued for different filters; start again without a "
        "token");
  }
  return raw.substr(prefix.size());
}

}  // namespace gridcase::paging
