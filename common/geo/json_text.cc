#include "common/geo/json_text.h"

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gridcase::geo {
namespace {

// nlohmann's own DOM builder, with its parse_error hook replaced to record
// where parsing failed. nlohmann reports a number too large for a double
// (e.g. 1e400) as out_of_range rather than parse_error; going through SAX
// gives the offset of both. sax_parse calls the hook on this exact type, so
// hiding the base member is enough.
class OffsetRecordingDomParser final
    : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
 public:
  explicit OffsetRecordingDomParser(nlohmann::json& result)
      : json_sax_dom_parser(result, /*allow_exceptions_=*/false) {}

  template <typename Exception>
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const Exception& error) {
    // `position` counts the bytes read, the failing one included.
    failed_ = true;
    offset_ = position > 0 ? position - 1 : 0;
    error_ = error.what();
    return false;
  }

  bool failed() const { return failed_; }
  std::size_t offset() const { return offset_; }
  const std::string& error() const { return error_; }

 private:
  bool failed_ = false;
  std::size_t offset_ = 0;
  std::string error_;
};

}  // namespace

absl::StatusOr<nlohmann::json> ParseJsonText(absl::string_view text,
                                             absl::string_view what) {
  nlohmann::json result;
  OffsetRecordingDomParser parser(result);
  const bool ok = nlohmann::json::sax_parse(
      text.begin(), text.end(), &parser, nlohmann::json::input_format_t::json,
      /*strict=*/true);
  if (!ok || parser.failed()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not valid JSON at byte ", parser.offset(), ": ",
                     parser.failed() ? parser.error() : "parse failed"));
  }
  return result;
}

}  // namespace gridcase::geo
