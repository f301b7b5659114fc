// Structured logging: one JSON object per line on stderr, through spdlog.
//
//   log::Init("intake", "info");
//   log::Info("case reported", {{"case_id", id}, {"request_id", rid}});
//
// Every line carries ts (UTC, RFC 3339), level, service and msg, plus the
// fields given; values are escaped by nlohmann::json, so free text (a
// citizen's description, Chinese addresses) cannot break the line.
#ifndef GRIDCASE_COMMON_LOG_LOG_H_
#define GRIDCASE_COMMON_LOG_LOG_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "spdlog/logger.h"

namespace gridcase::log {

using Fields = nlohmann::json;  // a JSON object: {{"key", value}, ...}

// Sets up the process-wide logger on stderr. `level` is one of trace, debug,
// info, warn, error, critical, off.
absl::Status Init(absl::string_view service, absl::string_view level);

// Same, writing to `sink` (tests capture lines this way).
absl::Status InitWithSink(absl::string_view service, absl::string_view level,
                          std::shared_ptr<spdlog::sinks::sink> sink);

// True when `level` names a log level.
bool IsValidLevel(absl::string_view level);

void Debug(absl::string_view msg, const Fields& fields = Fields::object());
void Info(absl::string_view msg, const Fields& fields = Fields::object());
void Warn(absl::string_view msg, const Fields& fields = Fields::object());
void Error(absl::string_view msg, const Fields& fields = Fields::object());

}  // namespace gridcase::log

#endif  // GRIDCASE_COMMON_LOG_LOG_H_
