// gridctl: the gridcase command-line client: health, registry, report, case,
// dispatch, queue, routing, stats, notify and patrol.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/server/health_client.h"
#include "tools/gridctl/case_commands.h"
#include "tools/gridctl/cli.h"
#include "tools/gridctl/dispatch_commands.h"
#include "tools/gridctl/notify_commands.h"
#include "tools/gridctl/patrol_commands.h"
#include "tools/gridctl/registry_commands.h"
#include "tools/gridctl/routing_commands.h"
#include "tools/gridctl/stats_commands.h"

namespace {

constexpr char kUsage[] = R"(gridctl: the gridcase command-line client.

Usage:
  gridctl health [--target=HOST:PORT] [--service=NAME] [--wait=DURATION]
  gridctl registry import|load|locate ...   (gridctl registry --help)
  gridctl report --category=... --lat=... --lng=... --description=...
  gridctl case get|list|export|nearby ...   (gridctl case --help)
  gridctl dispatch ACTION CASE_ID ...      (gridctl dispatch --help)
  gridctl queue NAME ...                    (gridctl queue --help)
  gridctl routing get|set ...               (gridctl routing --help)
  gridctl stats summary|ranking|trend|hotspots|publish|reports|report ...
                                            (gridctl stats --help)
  gridctl notify deliveries --case=ID|--recipient=KIND:ID  (gridctl notify --help)
  gridctl patrol start|track|checkin|end|get|list ...  (gridctl patrol --help)
  gridctl token --actor='subject=m-1; roles=dispatcher' [--ttl=1h]
  gridctl token --channel=wechat --subject=svc:wechat-backend [--ttl=1h]
  gridctl jwks --key=PRIVATE_KEY.pem --kid=KID

Every command takes --target (else $GRIDCASE_<SERVICE>_TARGET, else
$GRIDCASE_TARGET, else 127.0.0.1:8080), --tls_ca (else
$GRIDCASE_TLS_CA_FILE) to call a TLS port trusting that CA, with --tls_cert
and --tls_key (else $GRIDCASE_TLS_CLIENT_CERT_FILE/_KEY_FILE) for a port that
requires client certificates, and the caller's identity:
  --token   (else $GRIDCASE_TOKEN) a JWT, sent as "authorization: Bearer";
  --actor   (else $GRIDCASE_ACTOR) e.g. 'subject=m-admin; roles=admin':
            with a development signing key ($GRIDCASE_SIGNING_KEY and
            $GRIDCASE_JWT_ISSUER, as tools/run-local's var/run/env sets
            them) gridctl mints that actor a token; without one it sends the
            x-gridcase-actor header, which only --auth_mode=insecure-dev
            services accept.

token: prints a development token signed with $GRIDCASE_SIGNING_KEY, for
  the actor, or for a channel backend (wechat, app, hotline, video) that
  then names its end users in x-gridcase-on-behalf-of (docs/security.md).
jwks: prints the JWKS (public key) of an RSA or EC P-256 private key, the
  file services read with --jwt_jwks_file.

health:
  --service  service to ask about, e.g. gridcase.v1.IntakeService
             (default: the server as a whole)
  --wait     keep asking until SERVING, up to this long (e.g. 30s)

Exit status: 0 on success (health: SERVING); 1 on an error, printed as
"error: CODE: message" (health: also when not serving); 2 on bad usage.
)";

int Usage(const std::string& problem) {
  if (!problem.empty())
    std::fprintf(stderr, "gridctl: %s\n\n", problem.c_str());
  std::fputs(kUsage, problem.empty() ? stdout : stderr);
  return problem.empty() ? 0 : 2;
}

int Health(const std::vector<std::string>& args) {
  absl::StatusOr<gridcase::gridctl::Invocation> in = gridcase::gridctl::Parse(
      args, {"target", "actor", "timeout", "service", "wait", "help"});
  if (!in.ok()) return Usage(std::string(in.status().message()));
  if (in->Has("help")) return Usage("");
  if (!in->positional.empty()) {
    return Usage(
        absl::StrCat("health: unexpected argument '", in->positional[0], "'"));
  }
  gridcase::server::HealthOptions options;
  options.service = in->Get("service", nullptr);
  if (in->Has("wait") &&
      !absl::ParseDuration(in->Get("wait", nullptr), &options.wait)) {
    return Usage(absl::StrCat("--wait: '", in->Get("wait", nullptr),
                              "' is not a duration such as 30s"));
  }
  absl::StatusOr<std::string> status = gridcase::server::CheckHealth(
      gridcase::gridctl::Channel(*in, nullptr), options);
  if (!status.ok()) return gridcase::gridctl::Fail(status.status());
  std::printf("%s\n", status->c_str());
  return *status == "SERVING" ? 0 : 1;
}

int Token(const std::vector<std::string>& args) {
  absl::StatusOr<gridcase::gridctl::Invocation> in = gridcase::gridctl::Parse(
      args, {"actor", "channel", "subject", "ttl", "help"});
  if (!in.ok()) return Usage(std::string(in.status().message()));
  if (in->Has("help")) return Usage("");
  std::string actor = in->Get("actor", nullptr);
  if (in->Has("channel")) {
    if (!actor.empty()) return Usage("token: give --actor or --channel");
    actor = absl::StrCat("subject=", in->Get("subject", nullptr, "svc:backend"),
                         "; roles=citizen");
  }
  if (actor.empty()) return Usage("token: --actor or --channel is required");
  absl::Duration ttl = absl::Hours(1);
  if (in->Has("ttl") && (!absl::ParseDuration(in->Get("ttl", nullptr), &ttl) ||
                         ttl <= absl::ZeroDuration())) {
    return Usage("--ttl: must be a positive duration such as 8h");
  }
  absl::StatusOr<std::string> token =
      gridcase::gridctl::MintToken(actor, in->Get("channel", nullptr), ttl);
  if (!token.ok()) return gridcase::gridctl::Fail(token.status());
  std::printf("%s\n", token->c_str());
  return 0;
}

int Jwks(const std::vector<std::string>& args) {
  absl::StatusOr<gridcase::gridctl::Invocation> in =
      gridcase::gridctl::Parse(args, {"key", "kid", "help"});
  if (!in.ok()) return Usage(std::string(in.status().message()));
  if (in->Has("help")) return Usage("");
  if (!in->Has("key") || !in->Has("kid")) {
    return Usage("jwks: --key and --kid are required");
  }
  absl::StatusOr<std::string> jwks = gridcase::gridctl::PublicJwks(
      in->Get("key", nullptr), in->Get("kid", nullptr));
  if (!jwks.ok()) return gridcase::gridctl::Fail(jwks.status());
  std::printf("%s\n", jwks->c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("missing command");
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") {
    return Usage("");
  }
  if (command == "health") return Health(rest);
  if (command == "registry") return gridcase::gridctl::RunRegistry(rest);
  if (command == "report") return gridcase::gridctl::RunReport(rest);
  if (command == "case") return gridcase::gridctl::RunCase(rest);
  if (command == "stats") return gridcase::gridctl::RunStats(rest);
  if (command == "dispatch") return gridcase::gridctl::RunDispatch(rest);
  if (command == "queue") return gridcase::gridctl::RunQueue(rest);
  if (command == "routing") return gridcase::gridctl::RunRouting(rest);
  if (command == "notify") return gridcase::gridctl::RunNotify(rest);
  if (command == "patrol") return gridcase::gridctl::RunPatrol(rest);
  if (command == "token") return Token(rest);
  if (command == "jwks") return Jwks(rest);
  return Usage("unknown command '" + command + "'");
}
