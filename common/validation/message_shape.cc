#include "common/validation/message_shape.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/validation/field_errors.h"
#include "google/protobuf/descriptor.h"

namespace gridcase::validation {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, as in timestamp.proto.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;
// About 10,000 years, as in duration.proto.
constexpr int64_t kMaxDurationSeconds = 315576000000;
constexpr int32_t kNanosPerSecond = 1000000000;

absl::Status CheckEnum(const std::string& path, const FieldDescriptor* field,
                       int value) {
  if (field->enum_type()->FindValueByNumber(value) != nullptr) {
    return absl::OkStatus();
  }
  return FieldError(
      path, absl::StrCat(value, " is not a ", field->enum_type()->full_name(),
                         " value"));
}

// Timestamp and Duration: field 1 seconds, field 2 nanos.
absl::Status CheckTime(const std::string& path, const Message& m) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  int64_t seconds = r->GetInt64(m, d->FindFieldByNumber(1));
  int32_t nanos = r->GetInt32(m, d->FindFieldByNumber(2));
  if (d->full_name() == "google.protobuf.Timestamp") {
    if (nanos < 0 || nanos >= kNanosPerSecond) {
      return FieldError(path,
                        absl::StrCat("nanos must be 0-999999999, got ", nanos));
    }
    if (seconds < kMinSeconds || seconds > kMaxSeconds) {
      return FieldError(path,
                        "must be between 0001-01-01 and 9999-12-31 (UTC)");
    }
    return absl::OkStatus();
  }
  if (nanos <= -kNanosPerSecond || nanos >= kNanosPerSecond) {
    return FieldError(
        path, absl::StrCat("nanos must be below one second, got ", nanos));
  }
  if ((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
    return FieldError(path, "seconds and nanos must have the same sign");
  }
  if (seconds > kMaxDurationSeconds || seconds < -kMaxDurationSeconds) {
    return FieldError(path, "must be at most 10000 years");
  }
  return absl::OkStatus();
}

absl::Status Walk(const Message& m, const std::string& prefix);

// gridcase.v1.TimeRange: valid bounds, and end after start when both are set.
absl::Status CheckTimeRange(const std::string& prefix, const Message& m) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  const FieldDescriptor* start = d->FindFieldByName("start");
  const FieldDescriptor* end = d->FindFieldByName("end");
  for (const FieldDescriptor* f : {start, end}) {
    if (!r->HasField(m, f)) continue;
    RETURN_IF_ERROR(
        CheckTime(absl::StrCat(prefix, ".", f->name()), r->GetMessage(m, f)));
  }
  if (!r->HasField(m, start) || !r->HasField(m, end)) return absl::OkStatus();
  const Message& a = r->GetMessage(m, start);
  const Message& b = r->GetMessage(m, end);
  const Descriptor* t = a.GetDescriptor();
  auto key = [&](const Message& x) {
    const Reflection* xr = x.GetReflection();
    return std::pair(xr->GetInt64(x, t->FindFieldByNumber(1)),
                     xr->GetInt32(x, t->FindFieldByNumber(2)));
  };
  if (key(b) <= key(a)) {
    return FieldError(prefix, "end must be after start");
  }
  return absl::OkStatus();
}

absl::Status Walk(const Message& m, const std::string& prefix) {
  const std::string& type = m.GetDescriptor()->full_name();
  if (type == "google.protobuf.Timestamp" ||
      type == "google.protobuf.Duration") {
    return CheckTime(prefix, m);
  }
  if (type == "gridcase.v1.TimeRange") return CheckTimeRange(prefix, m);
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    std::string path =
        prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    if (f->is_map()) {
      // Entries: key (1), value (2); only enum and message values matter.
      const FieldDescriptor* value = f->message_type()->map_value();
      if (value->cpp_type() != FieldDescriptor::CPPTYPE_ENUM &&
          value->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        continue;
      }
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        const Message& entry = r->GetRepeatedMessage(m, f, i);
        const Reflection* er = entry.GetReflection();
        const FieldDescriptor* key = f->message_type()->map_key();
        std::string at =
            key->cpp_type() == FieldDescriptor::CPPTYPE_STRING
                ? absl::StrCat(path, "[\"", er->GetString(entry, key), "\"]")
                : absl::StrCat(path, "[", i, "]");
        if (value->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          RETURN_IF_ERROR(CheckEnum(at, value, er->GetEnumValue(entry, value)));
        } else if (er->HasField(entry, value)) {
          RETURN_IF_ERROR(Walk(er->GetMessage(entry, value), at));
        }
      }
      continue;
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          RETURN_IF_ERROR(CheckEnum(absl::StrCat(path, "[", i, "]"), f,
                                    r->GetRepeatedEnumValue(m, f, i)));
        }
      } else {
        RETURN_IF_ERROR(CheckEnum(path, f, r->GetEnumValue(m, f)));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          RETURN_IF_ERROR(Walk(r->GetRepeatedMessage(m, f, i),
                               absl::StrCat(path, "[", i, "]")));
        }
      } else {
        RETURN_IF_ERROR(Walk(r->GetMessage(m, f), path));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateMessageShape(const Message& message) {
  return Walk(message, "");
}

}  // namespace gridcase::validation
