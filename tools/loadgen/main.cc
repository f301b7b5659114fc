// loadgen: a load generator for gridcase's public gRPC APIs, on gRPC's
// callback API. Wiring and flags only; the engine is driver.h, the
// scenarios scenarios.h. Usage (tools/loadgen/README.md has every flag, the
// scenarios and the JSON fields):
//
//   loadgen --scenario=report --mode=closed --in_flight=32 --channels=4
//           --warmup=2s --duration=10s --json=report.json
//   loadgen --scenario=report --mode=open --rate=1500 --duration=10s
//
// Modes: closed keeps --in_flight calls outstanding over --channels
// separate connections (latency from each call's start); open starts call
// i at t0 + i/--rate whatever is outstanding (latency from that intended
// start, so queueing is never hidden), up to --max_outstanding (the rest
// counted as not_sent). Calls of the --warmup are made, not recorded.
//
// Scenarios: health, report, locate, get, list, summary, ranking,
// lifecycle, routed (see scenarios.h). The targets default to
// $GRIDCASE_{INTAKE,DISPATCH,REGISTRY,STATS}_TARGET (source var/run/env of
// tools/run-local); --target overrides the one the scenario calls.
// Identity: auth::ClientIdentity::FromEnvironment (minted JWTs with
// var/run/env). Each report is a different WeChat citizen's; staff calls
// are spread over --staff_pool copies of the registry's members, so that
// one member's --rate_limit_staff (100/s) is not what is measured.
//
// routed measures report → "case.dispatched" on WatchCases: run dispatch
// with --self_handle_grace=0s (run-local uses 2s, the default is 3 min),
// or the grace is in every number.
//
// Exit status: 0 if at least one measured call succeeded and none failed,
// 1 otherwise (the JSON is written either way), 2 for bad flags or a
// failed set-up.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/client_identity.h"
#include "common/config/env_flags.h"
#include "tools/loadgen/channels.h"
#include "tools/loadgen/driver.h"
#include "tools/loadgen/report_json.h"
#include "tools/loadgen/rpc.h"
#include "tools/loadgen/run_result.h"
#include "tools/loadgen/scenarios.h"
#include "tools/loadgen/tally.h"
#include "tools/loadgen/world.h"
#include "tools/sim/world.h"

namespace {

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

constexpr char kDefaultGrids[] = "tools/sample-data/tongxiang/grids.geojson";

}  // namespace

ABSL_FLAG(std::string, scenario, "report",
          "health, report, locate, get, list, summary, ranking, lifecycle or "
          "routed");
ABSL_FLAG(std::string, mode, "closed",
          "closed (--in_flight outstanding) or open (--rate arrivals/s)");
ABSL_FLAG(int32_t, in_flight, 8, "closed loop: calls outstanding at all times");
ABSL_FLAG(int32_t, channels, 4,
          "separate channels (HTTP/2 connections) the calls are spread over");
ABSL_FLAG(double, rate, 100, "open loop: calls started per second");
ABSL_FLAG(int64_t, max_outstanding, 20000,
          "open loop: calls outstanding at most; calls due above it are not "
          "sent (counted as not_sent)");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2),
          "calls made but not recorded, before the measured window");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "measured window");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5),
          "deadline of each call (routed: of each report's event)");
ABSL_FLAG(std::string, intake, Env("GRIDCASE_INTAKE_TARGET", "127.0.0.1:8081"),
          "IntakeService address (default $GRIDCASE_INTAKE_TARGET)");
ABSL_FLAG(std::string, dispatch,
          Env("GRIDCASE_DISPATCH_TARGET", "127.0.0.1:8082"),
          "DispatchService address (default $GRIDCASE_DISPATCH_TARGET)");
ABSL_FLAG(std::string, registry,
          Env("GRIDCASE_REGISTRY_TARGET", "127.0.0.1:8080"),
          "RegistryService address (default $GRIDCASE_REGISTRY_TARGET)");
ABSL_FLAG(std::string, stats, Env("GRIDCASE_STATS_TARGET", "127.0.0.1:8083"),
          "StatsService address (default $GRIDCASE_STATS_TARGET)");
ABSL_FLAG(std::string, target, "",
          "the process the scenario's calls go to; default --intake, or "
          "--registry (locate), or --stats (summary, ranking)");
ABSL_FLAG(std::string, grids, "",
          "GeoJSON of the grids reports are made in (default " +
              std::string(kDefaultGrids) +
              ", found from the working directory or the binary's)");
ABSL_FLAG(double, duplicate_share, 0.1,
          "report: share of reports repeating an earlier report's category "
          "within 10 m of it (intake merges them)");
ABSL_FLAG(int32_t, setup_cases, 500,
          "get: cases reported before the warm-up, then read");
ABSL_FLAG(std::string, get_as, "staff",
          "get: read as staff (a dispatcher) or as the case's reporter");
ABSL_FLAG(std::string, region, "330483101",
          "list, summary: the region (a town code)");
ABSL_FLAG(int32_t, staff_pool, 64,
          "staff calls are made as this many copies of the registry's member "
          "(subject <id>.lg<k>); 1 for the member itself");
ABSL_FLAG(std::string, json, "",
          "write the result as JSON to this file; - for stdout instead of the "
          "summary");
ABSL_FLAG(std::string, run_id, "",
          "request id and citizen prefix (default: the start time in hex)");
ABSL_FLAG(uint64_t, seed, 0,
          "seed of the points and categories; 0 for one drawn from the start "
          "time (a run repeating an earlier run's points would be merged "
          "into its open cases)");

namespace gridcase::loadgen {
namespace {

[[noreturn]] void Die(const absl::Status& s) {
  std::fprintf(stderr, "loadgen: %s\n", s.ToString().c_str());
  std::exit(2);
}

absl::Status CheckFlags() {
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode != "closed" && mode != "open") {
    return absl::InvalidArgumentError("--mode: closed or open");
  }
  if (absl::GetFlag(FLAGS_in_flight) < 1) {
    return absl::InvalidArgumentError("--in_flight: at least 1");
  }
  if (absl::GetFlag(FLAGS_channels) < 1) {
    return absl::InvalidArgumentError("--channels: at least 1");
  }
  if (!(absl::GetFlag(FLAGS_rate) > 0)) {
    return absl::InvalidArgumentError("--rate: above 0");
  }
  if (absl::GetFlag(FLAGS_max_outstanding) < 1) {
    return absl::InvalidArgumentError("--max_outstanding: at least 1");
  }
  if (absl::GetFlag(FLAGS_warmup) < absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_duration) <= absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_deadline) <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--warmup: 0 or more; --duration, --deadline: above 0");
  }
  const double share = absl::GetFlag(FLAGS_duplicate_share);
  if (!(share >= 0 && share <= 1)) {
    return absl::InvalidArgumentError("--duplicate_share: 0 to 1");
  }
  if (absl::GetFlag(FLAGS_setup_cases) < 1) {
    return absl::InvalidArgumentError("--setup_cases: at least 1");
  }
  const std::string get_as = absl::GetFlag(FLAGS_get_as);
  if (get_as != "staff" && get_as != "reporter") {
    return absl::InvalidArgumentError("--get_as: staff or reporter");
  }
  return absl::OkStatus();
}

std::string TargetFor(const ScenarioNeeds& needs) {
  if (!absl::GetFlag(FLAGS_target).empty()) return absl::GetFlag(FLAGS_target);
  switch (needs.target) {
    case ScenarioNeeds::Target::kRegistry:
      return absl::GetFlag(FLAGS_registry);
    case ScenarioNeeds::Target::kStats:
      return absl::GetFlag(FLAGS_stats);
    case ScenarioNeeds::Target::kIntake:
      break;
  }
  return absl::GetFlag(FLAGS_intake);
}

int Run() {
  if (absl::Status s = CheckFlags(); !s.ok()) Die(s);
  const std::string name = absl::GetFlag(FLAGS_scenario);
  absl::StatusOr<ScenarioNeeds> needs = NeedsOf(name);
  if (!needs.ok()) Die(needs.status());
  absl::StatusOr<std::unique_ptr<auth::ClientIdentity>> identity =
      auth::ClientIdentity::FromEnvironment();
  if (!identity.ok()) Die(identity.status());
  if (absl::Status s = sim::UseIdentityFromEnvironment(); !s.ok()) Die(s);
  CallSetup calls(identity->get(), absl::GetFlag(FLAGS_deadline));

  ScenarioContext context;
  context.calls = &calls;
  context.run = absl::GetFlag(FLAGS_run_id).empty()
                    ? absl::StrFormat("%x", absl::ToUnixMicros(absl::Now()))
                    : absl::GetFlag(FLAGS_run_id);
  context.region = absl::GetFlag(FLAGS_region);
  context.staff_pool = absl::GetFlag(FLAGS_staff_pool);
  context.setup_cases = absl::GetFlag(FLAGS_setup_cases);
  context.duplicate_share = absl::GetFlag(FLAGS_duplicate_share);
  context.seed = absl::GetFlag(FLAGS_seed) != 0
                     ? absl::GetFlag(FLAGS_seed)
                     : static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
  context.header_mode = (*identity)->mode() == "header";
  context.get_as_reporter = absl::GetFlag(FLAGS_get_as) == "reporter";
  context.deadline = absl::GetFlag(FLAGS_deadline);

  std::vector<GridShape> grids;
  if (needs->grids) {
    std::string path = absl::GetFlag(FLAGS_grids).empty()
                           ? FindRepoFile(kDefaultGrids)
                           : absl::GetFlag(FLAGS_grids);
    absl::StatusOr<std::vector<GridShape>> loaded = LoadGridShapes(path);
    if (!loaded.ok()) Die(loaded.status());
    grids = *std::move(loaded);
    context.grids = &grids;
  }
  sim::World world;
  if (needs->registry_world) {
    v1::Actor loader;
    loader.set_subject("system:loadgen");
    loader.add_roles(v1::ROLE_ADMIN);
    absl::StatusOr<sim::World> loaded =
        sim::LoadWorld(grpc::CreateChannel(absl::GetFlag(FLAGS_registry),
                                           grpc::InsecureChannelCredentials()),
                       loader);
    if (!loaded.ok()) Die(loaded.status());
    world = *std::move(loaded);
    context.world = &world;
  }
  const int channels = absl::GetFlag(FLAGS_channels);
  const std::string target = TargetFor(*needs);
  context.target = MakeChannels(target, channels);
  if (absl::Status s = ConnectAll(context.target, target, absl::Seconds(10));
      !s.ok()) {
    Die(s);
  }
  if (needs->dispatch) {
    context.dispatch = MakeChannels(absl::GetFlag(FLAGS_dispatch), channels);
    if (absl::Status s = ConnectAll(
            context.dispatch, absl::GetFlag(FLAGS_dispatch), absl::Seconds(10));
        !s.ok()) {
      Die(s);
    }
  }
  absl::StatusOr<std::unique_ptr<Scenario>> scenario =
      MakeScenario(name, context);
  if (!scenario.ok()) Die(scenario.status());

  DriverOptions options;
  options.open_loop = absl::GetFlag(FLAGS_mode) == "open";
  options.in_flight = absl::GetFlag(FLAGS_in_flight);
  options.channels = channels;
  options.rate = absl::GetFlag(FLAGS_rate);
  options.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  options.warmup = absl::GetFlag(FLAGS_warmup);
  options.duration = absl::GetFlag(FLAGS_duration);
  std::fprintf(stderr, "loadgen: run %s, seed %llu\n", context.run.c_str(),
               static_cast<unsigned long long>(context.seed));
  Tally tally;
  const absl::Time started = absl::Now();  // the driver's t0, within µs
  Driver(scenario->get(), options, &tally).Run();
  scenario->reset();

  RunResult result;
  result.scenario = name;
  result.mode = absl::GetFlag(FLAGS_mode);
  result.target = target;
  // Each mode's own parameter; the other one's flag played no part.
  result.in_flight = options.open_loop ? 0 : options.in_flight;
  result.channels = channels;
  result.rate = options.open_loop ? options.rate : 0;
  result.warmup_s = absl::ToDoubleSeconds(options.warmup);
  result.duration_s = absl::ToDoubleSeconds(options.duration);
  result.measure_start_unix_ms = absl::ToUnixMillis(started + options.warmup);
  result.measure_end_unix_ms =
      absl::ToUnixMillis(started + options.warmup + options.duration);
  tally.Fill(&result);

  const std::string json_path = absl::GetFlag(FLAGS_json);
  const std::string json = ToJson(result).dump(2) + "\n";
  if (json_path == "-") {
    std::fputs(json.c_str(), stdout);
  } else {
    std::fputs(SummaryText(result).c_str(), stdout);
    if (!json_path.empty()) {
      std::ofstream out(json_path);
      out << json;
      if (!out) {
        std::fprintf(stderr, "loadgen: %s: cannot write\n", json_path.c_str());
        return 1;
      }
    }
  }
  return result.calls_ok > 0 && result.calls_failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gridcase::loadgen

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "loadgen: throughput and latency of gridcase's gRPC APIs, closed or "
      "open loop (tools/loadgen/README.md).\n"
      "  loadgen --scenario=report --mode=open --rate=1000 --duration=10s\n"
      "routed needs dispatch's --self_handle_grace=0s (or small): the grace "
      "is in every routed latency.");
  gridcase::config::ShowOwnFlagsInHelp();
  absl::ParseCommandLine(argc, argv);
  return gridcase::loadgen::Run();
}
