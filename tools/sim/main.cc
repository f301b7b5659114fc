// gridcase-sim: a compressed day of a city's grid management, driven through
// the public gRPC APIs of a running gridcase (see tools/sim/README.md).
// Wiring only: flags, channels, threads and the progress loop.
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/env_flags.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "tools/sim/ledger.h"
#include "tools/sim/patrols.h"
#include "tools/sim/people.h"
#include "tools/sim/plan.h"
#include "tools/sim/progress.h"
#include "tools/sim/publish.h"
#include "tools/sim/world.h"

namespace {

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

}  // namespace

ABSL_FLAG(std::string, registry,
          Env("GRIDCASE_REGISTRY_TARGET", "127.0.0.1:8080"),
          "RegistryService address (default $GRIDCASE_REGISTRY_TARGET)");
ABSL_FLAG(std::string, intake, Env("GRIDCASE_INTAKE_TARGET", "127.0.0.1:8081"),
          "IntakeService address (default $GRIDCASE_INTAKE_TARGET)");
ABSL_FLAG(std::string, dispatch,
          Env("GRIDCASE_DISPATCH_TARGET", "127.0.0.1:8082"),
          "DispatchService address (default $GRIDCASE_DISPATCH_TARGET)");
ABSL_FLAG(std::string, stats, Env("GRIDCASE_STATS_TARGET", ""),
          "StatsService address for the live 按期结案率 on the progress line; "
          "empty to leave it out (default $GRIDCASE_STATS_TARGET)");
ABSL_FLAG(int32_t, reports, 360, "reports in the day, across all towns");
ABSL_FLAG(absl::Duration, window, absl::Seconds(60),
          "the reports arrive within this time");
ABSL_FLAG(absl::Duration, drain, absl::Seconds(150),
          "after the last report, wait at most this long for open cases");
ABSL_FLAG(absl::Duration, poll, absl::Milliseconds(500),
          "how often each simulated person looks at their queue");
ABSL_FLAG(absl::Duration, progress, absl::Seconds(5),
          "how often to print a progress line");
ABSL_FLAG(std::string, report_dir, "var/report",
          "where the day's 通报 is exported (CSV and XLSX) after the duty "
          "chief publishes it; needs --stats");
ABSL_FLAG(uint64_t, seed, 1,
          "seed of the day's plan (who reports what, where, when)");

namespace gridcase::sim {
namespace {

std::optional<double> OnTimeCloseRateToday(v1::StatsService::Stub* stats) {
  if (stats == nullptr) return std::nullopt;
  static const absl::TimeZone shanghai = [] {
    absl::TimeZone tz;
    return absl::LoadTimeZone("Asia/Shanghai", &tz)
               ? tz
               : absl::FixedTimeZone(8 * 3600);
  }();
  std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), shanghai);
  v1::SummaryRequest req;
  req.mutable_scope()->set_kind(v1::SCOPE_KIND_ALL);
  req.mutable_period()->set_start_date(today);
  req.mutable_period()->set_end_date(today);
  v1::SummaryResponse resp;
  v1::Actor reader;
  reader.set_subject("system:gridcase-sim");
  reader.add_roles(v1::ROLE_DISPATCHER);
  auto context = CallAs(reader, absl::Seconds(5));
  if (!stats->Summary(context.get(), req, &resp).ok()) return std::nullopt;
  const v1::Ratio& r = resp.indicators().on_time_close_rate();
  if (!r.defined()) return std::nullopt;
  return r.value();
}

int Run() {
  auto channel = [](const std::string& target) {
    return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  };
  Channels channels{channel(absl::GetFlag(FLAGS_registry)),
                    channel(absl::GetFlag(FLAGS_intake)),
                    channel(absl::GetFlag(FLAGS_dispatch))};
  v1::Actor loader;
  loader.set_subject("system:gridcase-sim");
  loader.add_roles(v1::ROLE_ADMIN);
  absl::StatusOr<World> world = LoadWorld(channels.registry, loader);
  if (!world.ok()) {
    std::fprintf(stderr, "gridcase-sim: %s\n",
                 world.status().ToString().c_str());
    return 1;
  }
  PlanOptions options;
  options.reports = absl::GetFlag(FLAGS_reports);
  options.window = absl::GetFlag(FLAGS_window);
  options.seed = absl::GetFlag(FLAGS_seed);
  const std::vector<Report> plan = PlanDay(*world, options);
  std::printf(
      "Simulating a day: %zu reports in %s across %zu towns, %zu grids, %zu "
      "departments (seed %llu).\n",
      plan.size(), absl::FormatDuration(options.window).c_str(),
      world->towns.size(), world->grids.size(), world->staff.size(),
      static_cast<unsigned long long>(options.seed));
  std::fflush(stdout);

  Ledger ledger;
  People people(*world, plan, channels, ledger, options.seed);
  std::unique_ptr<v1::StatsService::Stub> stats;
  if (!absl::GetFlag(FLAGS_stats).empty()) {
    stats = v1::StatsService::NewStub(channel(absl::GetFlag(FLAGS_stats)));
  }

  const absl::Time start = absl::Now();
  const absl::Duration poll = absl::GetFlag(FLAGS_poll);
  std::atomic<bool> reporting{true};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    for (size_t i = 0; i < plan.size() && !stop; ++i) {
      absl::SleepFor(start + plan[i].at - absl::Now());
      people.SendReport(static_cast<int>(i));
    }
    reporting = false;
  });
  auto desk = [&](auto work) {
    threads.emplace_back([&, work] {
      while (!stop) {
        work();
        absl::SleepFor(poll);
      }
    });
  };
  desk([&] {
    people.WorkReview();
    people.WorkMisfiled();
  });
  desk([&] {
    people.WorkApprovals();
    people.WorkSupervision();
    people.WorkUnsatisfied();
  });
  desk([&] {
    people.WorkVerification();
    people.WorkChecks();
  });
  PatrolTally patrols;
  threads.emplace_back([&] {
    patrols = PatrolDay(*world, channels.intake, options.seed, ledger);
  });
  std::vector<std::string> departments[2];
  int n = 0;
  for (const auto& [id, staff] : world->staff) {
    departments[n++ % 2].push_back(id);
  }
  for (const std::vector<std::string>& mine : departments) {
    desk([&people, &mine] {
      for (const std::string& d : mine) people.WorkDepartment(d);
    });
  }

  const absl::Duration every = absl::GetFlag(FLAGS_progress);
  absl::Time next_progress = start + every;
  absl::Time give_up = absl::InfiniteFuture();
  while (true) {
    absl::SleepFor(absl::Milliseconds(200));
    Tally t = ledger.Snapshot();
    if (!reporting && give_up == absl::InfiniteFuture()) {
      give_up = absl::Now() + absl::GetFlag(FLAGS_drain);
    }
    bool done = !reporting && (t.open == 0 || absl::Now() >= give_up);
    if (absl::Now() >= next_progress || done) {
      std::printf("%s\n", ProgressLine(t, absl::Now() - start,
                                       OnTimeCloseRateToday(stats.get()))
                              .c_str());
      std::fflush(stdout);
      next_progress += every;
    }
    if (done) break;
  }
  stop = true;
  for (std::thread& t : threads) t.join();

  Tally t = ledger.Snapshot();
  std::printf("%s", Summary(t, absl::Now() - start).c_str());
  std::printf("%s", PatrolLine(patrols).c_str());
  if (!ReachedEveryPath(t)) {
    std::printf(
        "  Not every path was reached: a longer --window helps, and so does "
        "the default routing policy (citizen reports MANUAL).\n");
  }
  if (stats != nullptr && !world->towns.empty()) {
    std::string dir = absl::GetFlag(FLAGS_report_dir);
    std::error_code ignored;
    std::filesystem::create_directories(dir, ignored);
    std::string city = world->towns.front().code.substr(0, 6);
    absl::StatusOr<Published> published =
        PublishDay(stats.get(), world->duty_chief, city, t.reports, dir);
    if (!published.ok()) {
      std::fprintf(stderr, "gridcase-sim: publishing the day's report: %s\n",
                   published.status().ToString().c_str());
      return 1;
    }
    std::printf(
        "The day's 通报 %s%s (%zu bytes as stored), exported to %s and %s\n",
        published->report.report_id().c_str(),
        published->reissued ? " (reissued: today was simulated before)" : "",
        published->report.ByteSizeLong(), published->csv.c_str(),
        published->xlsx.c_str());
    PrintRankings(published->report, 5);
  }
  for (const std::string& e : ledger.Errors()) {
    std::fprintf(stderr, "gridcase-sim: error: %s\n", e.c_str());
  }
  return t.errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gridcase::sim

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Simulates a compressed day of grid management against a running "
      "gridcase: reports across the towns, dispatch, handling (some late, "
      "returned, reworked, extended), verification. Load the registry with "
      "the demo catalogue first (tools/run-local does).\n"
      "  gridcase-sim --reports=360 --window=60s");
  gridcase::config::ShowOwnFlagsInHelp();
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = gridcase::sim::UseIdentityFromEnvironment(); !s.ok()) {
    std::fprintf(stderr, "gridcase-sim: %s\n",
                 std::string(s.message()).c_str());
    return 2;
  }
  return gridcase::sim::Run();
}
