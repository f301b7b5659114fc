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
#include "common/validation/ids.h"

namespace gridcase::intake {
namespace {

using validation::FieldError;
using validation::Utf8Chars;
using validation::ValidatePosition;
using validation::ValidateUri;

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

// Every character of `s` is alphanumeric ASCII or one of `punctuation`.
bool OnlyOf(absl::string_view s, absl::string_view punctuation) {
  for (char c : s) {
    if (!absl::ascii_isalnum(c) && !absl::StrContains(punctuation, c)) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Status ValidateExternalRef(const v1::ExternalRef& ref) {
  if (ref.system().empty() || ref.system().size() > 32 ||
      !OnlyOf(ref.system(), "_.-")) {
    return FieldError("external_ref.system",
                      "must be 1-32 characters of [A-Za-z0-9_.-], e.g. "
                      "\"12345\"");
  }
  if (ref.id().empty() || ref.id().size() > 64 || !OnlyOf(ref.id(), "_.:/-")) {
    return FieldError("external_ref.id",
                      "must be 1-64 characters of [A-Za-z0-9_.:/-], the "
                      "case's number in that system");
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
  if (r.has_external_ref()) {
    if (absl::Status s = ValidateExternalRef(r.external_ref()); !s.ok()) {
      return s;
    }
  }
  if (!r.has_location()) return FieldError("location", "is required");
  if (absl::Status s = ValidatePosition("location", r.location().latitude(),
                                        r.location().longitude());
      !s.ok()) {
    return s;
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
  if (absl::Status s = validation::ValidateId("reporter.id", reporter.id());
      !s.ok()) {
    return s;
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
