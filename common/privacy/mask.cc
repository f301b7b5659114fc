#include "common/privacy/mask.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace gridcase::privacy {
namespace {

// Splits UTF-8 text into characters; a stray byte counts as one.
std::vector<absl::string_view> Characters(absl::string_view text) {
  std::vector<absl::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t n = lead < 0x80 ? 1 : lead >> 5 == 0x6 ? 2 : lead >> 4 == 0xE ? 3
                             : lead >> 3 == 0x1E ? 4 : 1;
    if (i + n > text.size()) n = 1;
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

std::string Join(const std::vector<absl::string_view>& chars, size_t from,
                 size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) absl::StrAppend(&out, chars[i]);
  return out;
}

}  // namespace

std::string MaskContact(absl::string_view contact) {
  if (contact.empty()) return "";
  size_t at = contact.find('@');
  if (at != absl::string_view::npos && at > 0) {
    std::vector<absl::string_view> local = Characters(contact.substr(0, at));
    return absl::StrCat(local.front(), "***", contact.substr(at));
  }
  std::vector<absl::string_view> chars = Characters(contact);
  size_t n = chars.size();
  size_t head = n >= 11 ? 3 : 2;
  size_t tail = n >= 11 ? 4 : 2;
  if (n <= 4 || n <= head + tail) return std::string(n, '*');
  return absl::StrCat(Join(chars, 0, head), std::string(n - head - tail, '*'),
                      Join(chars, n - tail, n));
}

}  // namespace gridcase::privacy
