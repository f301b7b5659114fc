#include "common/validation/content.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/validation/field_errors.h"

namespace gridcase::validation {
namespace {

// "<p>", "</b>", "<!--", "<script ...": a '<' followed by a letter, '/' or
// '!'. Plain "<" in text ("a < b", "<3") stays allowed.
bool HasMarkup(absl::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '<' &&
        (absl::ascii_isalpha(s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!')) {
      return true;
    }
  }
  return false;
}

bool ValidObjectKey(absl::string_view key) {
  if (key.empty() || key.size() > 1024 || key[0] == '/') return false;
  for (char c : key) {
    if (!absl::ascii_isalnum(c) && c != '/' && c != '.' && c != '_' &&
        c != '-') {
      return false;
    }
  }
  for (absl::string_view segment : absl::StrSplit(key, '/')) {
    if (segment == "..") return false;
  }
  return true;
}

bool AllowedKey(absl::string_view request_id) {
  return std::all_of(request_id.begin(), request_id.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == ':' ||
           c == '-';
  });
}

}  // namespace

absl::Status ValidatePosition(absl::string_view field, double latitude,
                              double longitude) {
  if (!std::isfinite(latitude) || latitude < -90 || latitude > 90) {
    return FieldError(
        absl::StrCat(field, ".latitude"),
        absl::StrCat("must be a WGS84 latitude in -90..90, got ", latitude));
  }
  if (!std::isfinite(longitude) || longitude < -180 || longitude > 180) {
    return FieldError(
        absl::StrCat(field, ".longitude"),
        absl::StrCat("must be a WGS84 longitude in -180..180, got ",
                     longitude));
  }
  if (latitude == 0 && longitude == 0) {
    return FieldError(field,
                      "(0, 0) is not a real location (is the GPS fix "
                      "missing?)");
  }
  return absl::OkStatus();
}

absl::Status ValidateUri(absl::string_view field, absl::string_view uri) {
  if (absl::StartsWith(uri, "https://")) {
    absl::string_view rest = uri.substr(8);
    absl::string_view authority = rest.substr(0, rest.find('/'));
    if (uri.size() > 2048 || authority.empty() ||
        absl::StrContains(authority, "@") ||
        std::any_of(uri.begin(), uri.end(),
                    [](char c) { return c <= ' ' || c == 0x7f; })) {
      return FieldError(
          field,
          "must be an https URL of at most 2048 characters with a "
          "host and no credentials or spaces");
    }
    return absl::OkStatus();
  }
  if (absl::StrContains(uri, "://") || !ValidObjectKey(uri)) {
    return FieldError(field,
                      "must be an https:// URL or an object key of 1-1024 "
                      "characters of [A-Za-z0-9/._-] without a leading '/' or "
                      "'..' segments");
  }
  return absl::OkStatus();
}

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.empty()) {
    return FieldError("request_id",
                      "is required (a client-generated idempotency key, e.g. a "
                      "UUID)");
  }
  if (request_id.size() > 64 || !AllowedKey(request_id)) {
    return FieldError("request_id",
                      "must be 1-64 characters of [A-Za-z0-9_.:-]");
  }
  return absl::OkStatus();
}

absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          int max_chars, bool required) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  int chars = Utf8Chars(trimmed);
  if (chars < 0) return FieldError(field, "must be valid UTF-8");
  if (required && chars == 0) return FieldError(field, "must not be empty");
  if (chars > max_chars) {
    return FieldError(field, absl::StrCat("must be at most ", max_chars,
                                          " characters (got ", chars, ")"));
  }
  if (HasMarkup(trimmed)) {
    return FieldError(field, "must be plain text without HTML markup");
  }
  return absl::OkStatus();
}

absl::Status ValidateMedia(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<v1::Media>& media) {
  if (media.size() > kMaxMedia) {
    return FieldError(field, absl::StrCat("at most ", kMaxMedia, " items (got ",
                                          media.size(), ")"));
  }
  for (int i = 0; i < media.size(); ++i) {
    std::string at = absl::StrCat(field, "[", i, "]");
    if (media[i].kind() == v1::MEDIA_KIND_UNSPECIFIED) {
      return FieldError(absl::StrCat(at, ".kind"), "is required");
    }
    if (absl::Status s = ValidateUri(absl::StrCat(at, ".uri"), media[i].uri());
        !s.ok()) {
      return s;
    }
    if (absl::Status s = ValidateText(absl::StrCat(at, ".caption"),
                                      media[i].caption(), 200, false);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::validation
