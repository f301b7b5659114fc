#include "common/validation/ids.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/validation/field_errors.h"

namespace gridcase::validation {
namespace {

// Decodes the code point at `s[*i]` and advances `*i`; -1 when the bytes
// there are not well-formed UTF-8 (RFC 3629: shortest form, no surrogates,
// at most U+10FFFF).
int32_t NextCodePoint(absl::string_view s, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t lead = byte(*i);
  int len = 0;
  int32_t cp = 0;
  int32_t min = 0;
  if (lead < 0x80) {
    ++*i;
    return lead;
  } else if ((lead & 0xe0) == 0xc0) {
    len = 2, cp = lead & 0x1f, min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    len = 3, cp = lead & 0x0f, min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    len = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (*i + len > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    uint8_t b = byte(*i + k);
    if ((b & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  *i += len;
  return cp;
}

bool IsControl(int32_t cp) { return cp < 0x20 || (cp >= 0x7f && cp < 0xa0); }

}  // namespace

absl::Status ValidateId(absl::string_view field, absl::string_view value,
                        int max_chars) {
  int chars = 0;
  for (size_t i = 0; i < value.size();) {
    int32_t cp = NextCodePoint(value, &i);
    if (cp < 0) return FieldError(field, "must be valid UTF-8");
    ++chars;
    if (IsControl(cp)) {
      return FieldError(
          field, absl::StrFormat("must not contain control characters "
                                 "(U+0000-U+001F, U+007F-U+009F); found U+%04X "
                                 "at character %d",
                                 cp, chars));
    }
  }
  if (chars > max_chars) {
    return FieldError(field, absl::StrCat("must be at most ", max_chars,
                                          " characters (got ", chars, ")"));
  }
  return absl::OkStatus();
}

}  // namespace gridcase::validation
