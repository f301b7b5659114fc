// gridcase-notify: wiring only.
//
//   gridcase-notify [flags]   consume the case events (group "notify"),
//                             deliver notifications, serve NotifyService

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/auth/key_files.h"
#include "common/clock/clock.h"
#include "common/config/env_flags.h"
#include "common/events/consumer.h"
#include "common/events/event_source.h"
#include "common/server/bootstrap.h"
#include "services/notify/case_facts.h"
#include "services/notify/http_poster.h"
#include "services/notify/notify_metrics.h"
#include "services/notify/notify_service.h"
#include "services/notify/outbox.h"
#include "services/notify/routes.h"
#include "services/notify/workers.h"

ABSL_FLAG(int32_t, shards, 16,
          "Number of case shards; the same value in every service.");
ABSL_FLAG(std::string, consumer, "",
          "Consumer name in the 'notify' group; unique per replica. Empty: "
          "<hostname>-<pid>.");
ABSL_FLAG(absl::Duration, claim_idle, absl::Seconds(30),
          "Stream entries pending this long on a consumer (e.g. a crashed "
          "replica) are claimed by another.");
ABSL_FLAG(int32_t, max_deliveries, 10,
          "Deliveries after which a stream entry whose handling keeps "
          "failing (not for an outage) is moved to the dead-letter stream "
          "{s:N}:events:dead; 1-1000.");
ABSL_FLAG(std::string, routes, "",
          "JSON file of routing rules, endpoints and templates overriding the "
          "defaults (docs/notifications.md); empty: the defaults, which "
          "configure no endpoint, so nothing is sent.");
ABSL_FLAG(std::string, webhook_secret_file, "",
          "File holding the shared secret every request is signed with "
          "(HMAC-SHA256, X-Gridcase-Signature); required.");
ABSL_FLAG(absl::Duration, request_timeout, absl::Seconds(5),
          "Deadline of each HTTP request; no answer by then is a failed "
          "attempt, retried.");
ABSL_FLAG(int32_t, max_attempts, 8,
          "Attempts of a delivery before it is dead-lettered; 1-100.");
ABSL_FLAG(absl::Duration, backoff_base, absl::Seconds(2),
          "Delay after the first failed attempt; doubled after each "
          "further one.");
ABSL_FLAG(absl::Duration, backoff_cap, absl::Minutes(10),
          "Longest delay between attempts.");
ABSL_FLAG(double, backoff_jitter, 0.2,
          "Each delay is shortened by up to this share at random; 0-1.");
ABSL_FLAG(absl::Duration, lease, absl::Seconds(30),
          "How long a replica holds a delivery it is sending; then another "
          "may take it. At least twice --request_timeout.");
ABSL_FLAG(int32_t, senders, 2,
          "Sender threads per replica, each sending the deliveries of its "
          "share of the shards; 1-64.");
ABSL_FLAG(absl::Duration, poll_interval, absl::Milliseconds(250),
          "How often an idle sender looks for due deliveries.");
ABSL_FLAG(absl::Duration, retention, absl::Hours(30 * 24),
          "How long delivery records (and ListDeliveries) are kept.");
ABSL_FLAG(absl::Duration, gauge_interval, absl::Seconds(15),
          "How often the backlog gauges are refreshed.");
ABSL_FLAG(absl::Duration, max_event_age, absl::Hours(24),
          "Events older than this are not notified (the streams' history on "
          "a first deployment, a backlog after a long outage); 0: no limit.");

namespace {

[[noreturn]] void Die(const char* program, const std::string& message) {
  gridcase::config::DieWithConfigError(program,
                                       absl::InvalidArgumentError(message));
  std::abort();
}

// The whole (small) file at the path `flag` names; dies naming the flag,
// the path and the reason when it cannot be read.
std::string ReadFileOf(const char* program, const char* flag,
                       const std::string& path) {
  absl::StatusOr<gridcase::auth::KeyFile> file =
      gridcase::auth::ReadKeyFile(path);
  if (!file.ok()) {
    Die(program, absl::StrCat(flag, ": ", file.status().message()));
  }
  return std::move(file->bytes);
}

}  // namespace

int main(int argc, char** argv) {
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "notify",
      "gridcase-notify: notifications of case events, through an outbox, "
      "as signed webhooks and WeChat and SMS gateway payloads.\n"
      "  gridcase-notify [flags]");
  int shards = absl::GetFlag(FLAGS_shards);
  if (shards < 1 || shards > 1024) Die(argv[0], "--shards: must be 1-1024");
  for (auto [name, value] :
       {std::pair{"--claim_idle", absl::GetFlag(FLAGS_claim_idle)},
        std::pair{"--request_timeout", absl::GetFlag(FLAGS_request_timeout)},
        std::pair{"--backoff_base", absl::GetFlag(FLAGS_backoff_base)},
        std::pair{"--backoff_cap", absl::GetFlag(FLAGS_backoff_cap)},
        std::pair{"--lease", absl::GetFlag(FLAGS_lease)},
        std::pair{"--poll_interval", absl::GetFlag(FLAGS_poll_interval)},
        std::pair{"--retention", absl::GetFlag(FLAGS_retention)},
        std::pair{"--gauge_interval", absl::GetFlag(FLAGS_gauge_interval)}}) {
    if (value <= absl::ZeroDuration()) {
      Die(argv[0], absl::StrCat(name, ": must be positive"));
    }
  }
  if (absl::GetFlag(FLAGS_max_event_age) < absl::ZeroDuration()) {
    Die(argv[0], "--max_event_age: must not be negative");
  }
  if (absl::GetFlag(FLAGS_lease) < 2 * absl::GetFlag(FLAGS_request_timeout)) {
    Die(argv[0], "--lease: must be at least twice --request_timeout");
  }
  int max_deliveries = absl::GetFlag(FLAGS_max_deliveries);
  if (max_deliveries < 1 || max_deliveries > 1000) {
    Die(argv[0], "--max_deliveries: must be 1-1000");
  }
  int max_attempts = absl::GetFlag(FLAGS_max_attempts);
  if (max_attempts < 1 || max_attempts > 100) {
    Die(argv[0], "--max_attempts: must be 1-100");
  }
  double jitter = absl::GetFlag(FLAGS_backoff_jitter);
  if (!(jitter >= 0 && jitter <= 1)) {
    Die(argv[0], "--backoff_jitter: must be 0-1");
  }
  int senders = absl::GetFlag(FLAGS_senders);
  if (senders < 1 || senders > 64) Die(argv[0], "--senders: must be 1-64");
  if (absl::GetFlag(FLAGS_webhook_secret_file).empty()) {
    Die(argv[0], "--webhook_secret_file: must name a readable file");
  }
  std::string secret(absl::StripTrailingAsciiWhitespace(
      ReadFileOf(argv[0], "--webhook_secret_file",
                 absl::GetFlag(FLAGS_webhook_secret_file))));
  if (secret.size() < 16) {
    Die(argv[0], "--webhook_secret_file: the secret must be 16 bytes or more");
  }
  gridcase::notify::Routes routes = gridcase::notify::DefaultRoutes();
  if (std::string path = absl::GetFlag(FLAGS_routes); !path.empty()) {
    absl::StatusOr<gridcase::notify::Routes> parsed =
        gridcase::notify::ParseRoutes(ReadFileOf(argv[0], "--routes", path),
                                      routes);
    if (!parsed.ok()) {
      Die(argv[0], absl::StrCat("--routes: ", parsed.status().message()));
    }
    routes = *std::move(parsed);
  }

  std::string consumer = absl::GetFlag(FLAGS_consumer);
  if (consumer.empty()) consumer = gridcase::events::DefaultConsumerName();
  const gridcase::Clock* clock = gridcase::RealClock::Get();
  gridcase::notify::RedisOutbox outbox(
      &boot.redis(),
      {.shards = shards, .retention = absl::GetFlag(FLAGS_retention)});
  gridcase::notify::RedisCaseFacts cases(&boot.redis());
  gridcase::notify::CurlPoster http;
  gridcase::notify::NotifyMetrics metrics(*boot.metrics());
  gridcase::events::RedisEventSource events(&boot.redis(), shards, "notify");
  gridcase::notify::Workers workers(
      &outbox, &cases, &events, &http, &routes, secret, &metrics, clock,
      {.consumer = consumer,
       .shards = shards,
       .claim_idle = absl::GetFlag(FLAGS_claim_idle),
       .max_deliveries = max_deliveries,
       .senders = senders,
       .lease = absl::GetFlag(FLAGS_lease),
       .poll = absl::GetFlag(FLAGS_poll_interval),
       .request_timeout = absl::GetFlag(FLAGS_request_timeout),
       .backoff = {.base = absl::GetFlag(FLAGS_backoff_base),
                   .cap = absl::GetFlag(FLAGS_backoff_cap),
                   .jitter = jitter,
                   .max_attempts = max_attempts},
       .gauge_interval = absl::GetFlag(FLAGS_gauge_interval),
       .max_event_age = absl::GetFlag(FLAGS_max_event_age)});
  gridcase::notify::NotifyServiceImpl service(&outbox, shards,
                                              &boot.authenticator());
  workers.Start();
  return boot.Serve(
      {{&service, gridcase::v1::NotifyService::service_full_name()}});
}
