#include "common/config/env_flags.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gridcase::config {

std::string EnvName(absl::string_view flag_name) {
  return absl::StrCat(kEnvPrefix, absl::AsciiStrToUpper(flag_name));
}

absl::Status ApplyEnvironment(const EnvLookup& lookup) {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::StrContains(flag->Filename(), "absl/")) continue;
    std::string env = EnvName(name);
    const char* value = lookup(env.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          env, " (flag --", name, "): cannot use '", value, "': ", error));
    }
  }
  return absl::OkStatus();
}

void ShowOwnFlagsInHelp() {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view path) {
    return !absl::StrContains(path, "absl/");
  };
  absl::SetFlagsUsageConfig(config);
}

std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage) {
  ShowOwnFlagsInHelp();
  absl::SetProgramUsageMessage(absl::StrCat(
      usage,
      "\n\nEvery flag --name can also be set by the environment variable "
      "GRIDCASE_NAME; the command line wins."));
  absl::Status env =
      ApplyEnvironment([](const char* name) { return std::getenv(name); });
  if (!env.ok()) DieWithConfigError(argc > 0 ? argv[0] : "gridcase", env);
  return absl::ParseCommandLine(argc, argv);
}

void DieWithConfigError(absl::string_view program, const absl::Status& status) {
  std::fprintf(stderr, "%s: invalid configuration: %s\n",
               std::string(program).c_str(),
               std::string(status.message()).c_str());
  std::exit(2);
}

}  // namespace gridcase::config
