// gridctl: the gridcase command-line client. Today: `gridctl health`.
// The full command set (registry, cases, dispatch actions, stats) comes with
// issue #7.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/server/health_client.h"

namespace {

constexpr char kUsage[] = R"(gridctl: the gridcase command-line client.

Usage:
  gridctl health [--target=HOST:PORT] [--service=NAME] [--wait=DURATION]

  --target   gRPC server address (default: $GRIDCASE_TARGET or 127.0.0.1:8080)
  --service  service to ask about, e.g. gridcase.v1.IntakeService
             (default: the server as a whole)
  --wait     keep asking until SERVING, up to this long (e.g. 30s)

Exit status: 0 when SERVING; 1 when not serving or on an error, which is
printed as "error: CODE: message"; 2 on bad usage.
)";

int Usage(const std::string& problem) {
  if (!problem.empty())
    std::fprintf(stderr, "gridctl: %s\n\n", problem.c_str());
  std::fputs(kUsage, problem.empty() ? stdout : stderr);
  return problem.empty() ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" ||
      args[0] == "help") {
    return Usage(args.empty() ? "missing command" : "");
  }
  if (args[0] != "health") return Usage("unknown command '" + args[0] + "'");

  const char* env_target = std::getenv("GRIDCASE_TARGET");
  std::string target = env_target != nullptr ? env_target : "127.0.0.1:8080";
  gridcase::server::HealthOptions options;
  for (size_t i = 1; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") return Usage("");
    if (absl::ConsumePrefix(&arg, "--target=")) {
      target = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--service=")) {
      options.service = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--wait=")) {
      if (!absl::ParseDuration(arg, &options.wait)) {
        return Usage(
            absl::StrCat("--wait: '", arg, "' is not a duration such as 30s"));
      }
    } else {
      return Usage(absl::StrCat("health: unknown argument '", arg, "'"));
    }
  }
  auto channel =
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  absl::StatusOr<std::string> status =
      gridcase::server::CheckHealth(channel, options);
  if (!status.ok()) {
    std::fprintf(stderr, "error: %s: %s\n",
                 absl::StatusCodeToString(status.status().code()).c_str(),
                 std::string(status.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", status->c_str());
  return *status == "SERVING" ? 0 : 1;
}
