#include "services/intake/report_validation.h"

#include <cmath>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/clock/timestamp.h"
#include "common/validation/field_errors.h"

namespace gridcase::intake {
namespace {

using validation::FieldError;
using validation::Utf8Chars;

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

bool AllowedKey(absl::string_view request_id) {
  return std::all_of(request_id.begin(), request_id.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == ':' ||
           c == '-';
  });
}

absl::Status ValidateAttributeValue(absl::string_view field,
                                    const v1::AttributeDefinition& def,
                                    const std::string& value) {
  switch (def.datatype()) {
    case v1::ATTRIBUTE_DATATYPE_NUMBER: {
      double d;
      if (!absl::SimpleAtod(value, &d) || !std::isfinite(d)) {
        return FieldError(field,
                          absl::StrCat("must be a number, got '", value, "'"));
      }
      return absl::OkStatus();
    }
    case v1::ATTRIBUTE_DATATYPE_DATETIME: {
      absl::Time t;
      std::string err;
      if (!absl::ParseTime(absl::RFC3339_full, value, &t, &err)) {
        return FieldError(field,
                          absl::StrCat("must be an RFC 3339 time such as "
                                       "2026-06-30T09:15:00+08:00, got '",
                                       value, "'"));
      }
      return absl::OkStatus();
    }
    case v1::ATTRIBUTE_DATATYPE_STRING:
      return ValidateText(field, value, 256, false);
    case v1::ATTRIBUTE_DATATYPE_TEXT:
      return ValidateText(field, value, kMaxTextChars, false);
    case v1::ATTRIBUTE_DATATYPE_SINGLE_VALUE_LIST:
    case v1::ATTRIBUTE_DATATYPE_MULTI_VALUE_LIST: {
      std::vector<std::string> keys =
          def.datatype() == v1::ATTRIBUTE_DATATYPE_SINGLE_VALUE_LIST
              ? std::vector<std::string>{value}
              : absl::StrSplit(value, ',');
      std::set<std::string> seen;
      for (const std::string& key : keys) {
        bool known = false;
        for (const v1::AttributeValue& v : def.values())
          known |= v.key() == key;
        if (!known) {
          std::vector<std::string> allowed;
          for (const v1::AttributeValue& v : def.values()) {
            allowed.push_back(v.key());
          }
          return FieldError(field, absl::StrCat("'", key, "' is not one of ",
                                                absl::StrJoin(allowed, ", ")));
        }
        if (!seen.insert(key).second) {
          return FieldError(field, absl::StrCat("'", key, "' is listed twice"));
        }
      }
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

}  // namespace

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

absl::Status ValidateReport(const v1::ReportCaseRequest& r, absl::Time now) {
  if (absl::Status s = ValidateRequestId(r.request_id()); !s.ok()) return s;
  if (r.source() == v1::SOURCE_UNSPECIFIED) {
    return FieldError("source", "is required");
  }
  if (r.category_code().empty())
    return FieldError("category_code", "is required");
  if (absl::Status s =
          ValidateText("description", r.description(), kMaxTextChars, true);
      !s.ok()) {
    return s;
  }
  if (!r.has_location()) return FieldError("location", "is required");
  double lat = r.location().latitude();
  double lng = r.location().longitude();
  if (!std::isfinite(lat) || lat < -90 || lat > 90) {
    return FieldError(
        "location.latitude",
        absl::StrCat("must be a WGS84 latitude in -90..90, got ", lat));
  }
  if (!std::isfinite(lng) || lng < -180 || lng > 180) {
    return FieldError(
        "location.longitude",
        absl::StrCat("must be a WGS84 longitude in -180..180, got ", lng));
  }
  if (lat == 0 && lng == 0) {
    return FieldError("location",
                      "(0, 0) is not a real report location (is the GPS fix "
                      "missing?)");
  }
  if (absl::Status s =
          ValidateText("location.address", r.location().address(), 500, false);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateMedia("media", r.media()); !s.ok()) return s;
  if (r.has_occurred_at()) {
    absl::Time at = FromTimestamp(r.occurred_at());
    if (at > now + kFutureSkew) {
      return FieldError("occurred_at",
                        "must not be more than 5 minutes in the future");
    }
    if (at < now - kMaxAge) {
      return FieldError("occurred_at", "must not be more than 30 days ago");
    }
  }
  const v1::Reporter& reporter = r.reporter();
  if (reporter.id().size() > 128) {
    return FieldError("reporter.id", "must be at most 128 characters");
  }
  if (absl::Status s =
          ValidateText("reporter.name", reporter.name(), 64, false);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          ValidateText("reporter.contact", reporter.contact(), 128, false);
      !s.ok()) {
    return s;
  }
  if (r.attributes_size() > 20) {
    return FieldError("attributes", absl::StrCat("at most 20 entries (got ",
                                                 r.attributes_size(), ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateAgainstCategory(const v1::ReportCaseRequest& r,
                                     const v1::Category& category) {
  if (!category.enabled()) {
    return FieldError("category_code",
                      absl::StrCat("category ", category.code(),
                                   " is disabled and takes no new reports"));
  }
  for (const auto& [code, value] : r.attributes()) {
    const v1::AttributeDefinition* def = nullptr;
    for (const v1::AttributeDefinition& d : category.attributes()) {
      if (d.code() == code) def = &d;
    }
    std::string field = absl::StrCat("attributes[", code, "]");
    if (def == nullptr) {
      return FieldError(field,
                        absl::StrCat("category ", category.code(),
                                     " defines no attribute '", code, "'"));
    }
    if (absl::Status s = ValidateAttributeValue(field, *def, value); !s.ok()) {
      return s;
    }
  }
  for (const v1::AttributeDefinition& d : category.attributes()) {
    if (d.required() && !r.attributes().contains(d.code())) {
      return FieldError(
          absl::StrCat("attributes[", d.code(), "]"),
          absl::StrCat("is required for category ", category.code()));
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::intake
