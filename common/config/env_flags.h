// Configuration: Abseil flags whose defaults come from GRIDCASE_* environment
// variables, for Kubernetes. --redis is set by GRIDCASE_REDIS, --grpc_address
// by GRIDCASE_GRPC_ADDRESS, and so on; a flag on the command line wins over
// the environment. Each binary validates the result once at start-up and
// stops with a clear message when it is wrong (DieWithConfigError).
#ifndef GRIDCASE_COMMON_CONFIG_ENV_FLAGS_H_
#define GRIDCASE_COMMON_CONFIG_ENV_FLAGS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gridcase::config {

inline constexpr absl::string_view kEnvPrefix = "GRIDCASE_";

// "grpc_address" -> "GRIDCASE_GRPC_ADDRESS".
std::string EnvName(absl::string_view flag_name);

// Looks up an environment variable; returns nullptr when unset.
using EnvLookup = std::function<const char*(const char*)>;

// Sets every gridcase flag whose GRIDCASE_* variable is present from that
// variable. Fails with INVALID_ARGUMENT naming the variable, the flag and the
// parse error when a value does not parse. Abseil's own flags are skipped.
absl::Status ApplyEnvironment(const EnvLookup& lookup);

// Makes --help list the flags defined in gridcase's own files (common/,
// services/, tools/), not only those of the file that defines main();
// --helpfull still adds Abseil's. ParseFlags calls it.
void ShowOwnFlagsInHelp();

// For main(): sets the usage text, applies the environment, then parses the
// command line (Abseil exits with a message on unknown or malformed flags).
// Returns the positional arguments, argv[0] first.
std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage);

// Prints "<program>: invalid configuration: <message>" to stderr and exits
// with status 2. Called from main() only, before any thread starts serving.
[[noreturn]] void DieWithConfigError(absl::string_view program,
                                     const absl::Status& status);

}  // namespace gridcase::config

#endif  // GRIDCASE_COMMON_CONFIG_ENV_FLAGS_H_
