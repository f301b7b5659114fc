// Parsing JSON text into nlohmann::json without exceptions escaping, with the
// byte offset of the first error, for GeoJSON uploads whose errors an operator
// has to find in a file of many megabytes.
#ifndef GRIDCASE_COMMON_GEO_JSON_TEXT_H_
#define GRIDCASE_COMMON_GEO_JSON_TEXT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace gridcase::geo {

// Parses `text` (UTF-8 JSON, one value, nothing after it but whitespace).
// On failure returns INVALID_ARGUMENT
//   "<what> is not valid JSON at byte <offset>: <nlohmann error>"
// where <offset> is the 0-based offset of the last byte the parser read: the
// unexpected byte, or the last byte of a bad token (e.g. of "1e400", too
// large for a double), or the text's length if it ended too early. <what>
// names the input, e.g. "geojson". The nlohmann error adds the line and the
// 1-based column.
absl::StatusOr<nlohmann::json> ParseJsonText(absl::string_view text,
                                             absl::string_view what);

}  // namespace gridcase::geo

#endif  // GRIDCASE_COMMON_GEO_JSON_TEXT_H_
