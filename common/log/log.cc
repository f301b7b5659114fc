#include "common/log/log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace gridcase::log {
namespace {

std::shared_ptr<spdlog::logger>& Logger() {
  static auto* logger =
      new std::shared_ptr<spdlog::logger>(std::make_shared<spdlog::logger>(
          "gridcase", std::make_shared<spdlog::sinks::stderr_sink_mt>()));
  return *logger;
}

void Write(spdlog::level::level_enum level, absl::string_view msg,
           const Fields& fields) {
  const auto& logger = Logger();
  if (!logger->should_log(level)) return;
  // The pattern opens the object with ts, level and service; %v adds the rest.
  std::string body = absl::StrCat(
      "\"msg\":",
      nlohmann::json(std::string(msg))
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      absl::StrAppend(
          &body, ",", nlohmann::json(key).dump(), ":",
          value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  logger->log(level, spdlog::string_view_t(body.data(), body.size()));
}

}  // namespace

bool IsValidLevel(absl::string_view level) {
  return spdlog::level::from_str(std::string(level)) != spdlog::level::off ||
         level == "off";
}

absl::Status InitWithSink(absl::string_view service, absl::string_view level,
                          std::shared_ptr<spdlog::sinks::sink> sink) {
  if (!IsValidLevel(level)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "log level: must be one of trace, debug, info, warn, error, critical, "
        "off; got '",
        level, "'"));
  }
  auto logger =
      std::make_shared<spdlog::logger>(std::string(service), std::move(sink));
  logger->set_pattern(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","service":"%n",%v})",
      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
  Logger() = std::move(logger);
  return absl::OkStatus();
}

absl::Status Init(absl::string_view service, absl::string_view level) {
  return InitWithSink(service, level,
                      std::make_shared<spdlog::sinks::stderr_sink_mt>());
}

void Debug(absl::string_view msg, const Fields& fields) {
  Write(spdlog::level::debug, msg, fields);
}
void Info(absl::string_view msg, const Fields& fields) {
  Write(spdlog::level::info, msg, fields);
}
void Warn(absl::string_view msg, const Fields& fields) {
  Write(spdlog::level::warn, msg, fields);
}
void Error(absl::string_view msg, const Fields& fields) {
  Write(spdlog::level::err, msg, fields);
}

}  // namespace gridcase::log
