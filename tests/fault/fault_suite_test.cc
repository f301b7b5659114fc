// The fault suite: the whole stack (tests/case_stack.h plus gridcase-stats,
// Redis with its AOF) under a mixed load of reports and transitions, through
// one fault after another on the same stack:
//   kill -9 of registry, intake, dispatch and stats in turn (each replaced on
//   its port, as a Kubernetes Service routes to the new pod);
//   kill -9 of Redis (restarted from its AOF on the same socket);
//   SIGSTOP of Redis for 3 s, then SIGCONT;
//   a restore from an older AOF: the AOF directory copied during the load,
//   Redis killed a little later and restarted from the copy.
// Afterwards, once the streams are drained, it prints one summary block of
// what it counted and expects: no acknowledged report lost (outside the
// restore window) or stored twice, no case id issued twice, no patrol case
// left undispatched, and the statistics equal to a rebuild from the cases.
//
// Run it alone: ctest --test-dir build -R fault --output-on-failure -V
#include <grpcpp/client_context.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/redis/redis_pool.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "tests/case_stack.h"
#include "tests/fault/census.h"
#include "tests/fault/report_load.h"
#include "tests/fault/stats_snapshot.h"
#include "tests/fault/stored_cases.h"
#include "tests/fault/stream_backlog.h"
#include "tests/fault/workflow_load.h"

namespace gridcase {
namespace {

using ::gridcase::testing::CaseStackTest;
using ::gridcase::testing::kChief;
using ::gridcase::testing::ServiceProcess;

// How Redis persists case writes: docs/operations.md, "Redis durability".
// The weaker of the two documented modes (tools/run-local's; deploy/k8s
// uses always): case ids must be safe in every mode. The restore phase's
// losses (acknowledged after the backup was copied) are printed apart.
constexpr char kAppendFsync[] = "everysec";

constexpr int kShards = 16;  // the services' default --shards
// Load between two faults, how long a killed service stays down, and how
// long Redis hangs.
constexpr absl::Duration kPhase = absl::Milliseconds(2500);
constexpr absl::Duration kDown = absl::Seconds(1);
constexpr absl::Duration kHang = absl::Seconds(3);
// After the load: how long clients keep retrying, how long the streams must
// be drained and still, and the longest wait for that.
constexpr absl::Duration kRetryFor = absl::Seconds(30);
constexpr absl::Duration kQuiet = absl::Seconds(3);
constexpr absl::Duration kDrainTimeout = absl::Seconds(45);

class FaultSuiteTest : public CaseStackTest {
 protected:
  FaultSuiteTest() {
    redis_options_.extra_args = {"--appendonly", "yes", "--appendfsync",
                                 kAppendFsync};
  }

  void SetUp() override {
    CaseStackTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(stats_, StartStats({}));
    stats_stub_ = v1::StatsService::NewStub(stats_->NewChannel());
  }

  using Starter = std::function<absl::StatusOr<std::unique_ptr<ServiceProcess>>(
      std::vector<std::string>)>;

  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartRegistry(
      std::vector<std::string> extra) {
    return ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                  .redis = redis_->address(),
                                  .extra_args = std::move(extra)});
  }

  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartIntake(
      std::vector<std::string> extra) {
    extra.insert(extra.begin(), absl::StrCat("--registry=", registry_target_));
    return ServiceProcess::Start({.binary = GRIDCASE_INTAKE_BIN,
                                  .redis = redis_->address(),
                                  .extra_args = std::move(extra)});
  }

  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartStats(
      std::vector<std::string> extra) {
    extra.insert(extra.begin(),
                 {absl::StrCat("--registry=", registry_->target()),
                  absl::StrCat("--consumer=stats-", ++stats_generation_),
                  "--claim_idle=1s"});
    return ServiceProcess::Start({.binary = GRIDCASE_STATS_BIN,
                                  .redis = redis_->address(),
                                  .extra_args = std::move(extra)});
  }

  // kill -9 of `service`; after kDown a replacement on the same port.
  void KillNine(std::unique_ptr<ServiceProcess>* service,
                const Starter& start) {
    const std::string same_port =
        absl::StrCat("--grpc_address=", (*service)->target());
    ASSERT_OK((*service)->process().Signal(SIGKILL));
    ASSERT_OK((*service)->process().Wait(absl::Seconds(10)).status());
    absl::SleepFor(kDown);
    ASSERT_OK_AND_ASSIGN(*service, start({same_port}));
  }

  // Runs `fault` as phase `name`, then lets the load run for kPhase. After a
  // fault that failed fatally, the later ones are skipped (the stack is
  // broken), but the counting still runs.
  void Phase(const std::string& name, const std::function<void()>& fault) {
    if (HasFatalFailure()) return;
    phases_.push_back(name);
    reports_->SetPhase(static_cast<int>(phases_.size()) - 1);
    absl::Time start = absl::Now();
    fault();
    absl::SleepFor(kPhase);
    std::cout << "[fault suite] " << name << ": " << reports_->acked().size()
              << " reports acknowledged so far ("
              << absl::FormatDuration(
                     absl::Trunc(absl::Now() - start, absl::Milliseconds(100)))
              << ")" << std::endl;
  }

  // Runs `gridcase-stats rebuild` against the same Redis; its JSON line.
  std::string Rebuild() {
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create();
    EXPECT_TRUE(dir.ok());
    if (!dir.ok()) return "";
    std::vector<std::string> argv = {GRIDCASE_STATS_BIN, "rebuild"};
    for (std::string& a : testing::LoopbackServiceArgs(
             redis_->address(), dir->File("ready.json"))) {
      argv.push_back(std::move(a));
    }
    auto p = testing::Subprocess::Spawn({.argv = argv,
                                         .stdout_path = dir->File("out"),
                                         .stderr_path = dir->File("err")});
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) return "";
    absl::StatusOr<int> status = (*p)->Wait(absl::Seconds(60));
    EXPECT_TRUE(status.ok() && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << testing::ReadFile(dir->File("err"));
    std::string out = testing::ReadFile(dir->File("out"));
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  // Today, with the days around it: safe if the suite runs across midnight.
  static v1::DateRange Today() {
    absl::TimeZone shanghai;
    absl::LoadTimeZone("Asia/Shanghai", &shanghai);
    absl::CivilDay today = absl::ToCivilDay(absl::Now(), shanghai);
    v1::DateRange period;
    period.set_start_date(absl::FormatCivilTime(today - 1));
    period.set_end_date(absl::FormatCivilTime(today + 1));
    return period;
  }

  std::string registry_target_;
  int stats_generation_ = 0;
  int dispatch_generation_ = 1;  // CaseStackTest started "d-1"
  std::unique_ptr<ServiceProcess> stats_;
  std::unique_ptr<v1::StatsService::Stub> stats_stub_;
  std::unique_ptr<fault::ReportLoad> reports_;
  std::vector<std::string> phases_;
};

TEST_F(FaultSuiteTest, NothingAcknowledgedIsLostThroughEveryFault) {
  registry_target_ = registry_->target();
  reports_ = std::make_unique<fault::ReportLoad>(
      fault::ReportLoad::Options{.intake_target = intake_->target()});
  fault::WorkflowLoad workflow({.dispatch_target = dispatch_->target()});
  reports_->Start();
  workflow.Start();

  Phase("warm-up", [] {});
  Phase("kill -9 registry", [&] {
    KillNine(&registry_, [&](auto extra) { return StartRegistry(extra); });
  });
  Phase("kill -9 intake", [&] {
    KillNine(&intake_, [&](auto extra) { return StartIntake(extra); });
  });
  Phase("kill -9 dispatch", [&] {
    KillNine(&dispatch_, [&](auto extra) {
      return StartDispatch(absl::StrCat("d-", ++dispatch_generation_), extra);
    });
  });
  Phase("kill -9 stats", [&] {
    KillNine(&stats_, [&](auto extra) { return StartStats(extra); });
  });
  Phase("kill -9 redis", [&] {
    ASSERT_OK(redis_->Signal(SIGKILL));
    ASSERT_OK(redis_->Stop());  // reaps it
    absl::SleepFor(kDown);
    ASSERT_OK(redis_->Restart());
  });
  Phase("SIGSTOP redis 3s", [&] {
    ASSERT_OK(redis_->Signal(SIGSTOP));
    absl::SleepFor(kHang);
    ASSERT_OK(redis_->Signal(SIGCONT));
  });
  // Every acknowledgement before the copy began is in the copy: Redis writes
  // the AOF before it replies. Those after it may be missing from it, up to
  // the restart (a reply to intake just before the kill can reach the client
  // a little later).
  fault::RestoreWindow window;
  ASSERT_OK_AND_ASSIGN(testing::TempDir backup,
                       testing::TempDir::Create("gridcase-aof"));
  const std::string copy = backup.File("appendonlydir");
  Phase("restore an older AOF", [&] {
    window.from = absl::Now();
    std::filesystem::copy(redis_->aof_dir(), copy,
                          std::filesystem::copy_options::recursive);
    absl::SleepFor(kPhase);  // the load goes on past the copy
    ASSERT_OK(redis_->Signal(SIGKILL));
    ASSERT_OK(redis_->Stop());
    absl::SleepFor(kDown);
    std::filesystem::remove_all(redis_->aof_dir());
    std::filesystem::copy(copy, redis_->aof_dir(),
                          std::filesystem::copy_options::recursive);
    window.to = absl::Now();
    ASSERT_OK(redis_->Restart());
  });

  const bool all_acknowledged = reports_->Finish(kRetryFor);
  workflow.Stop();
  ASSERT_OK_AND_ASSIGN(
      auto pool, redis::RedisPool::Create({.address = redis_->address()}));
  const fault::StreamBacklog backlog = fault::AwaitDrained(
      pool.get(), kShards, {"dispatch", "stats"}, kQuiet, kDrainTimeout);

  ASSERT_OK_AND_ASSIGN(std::vector<fault::StoredCase> stored,
                       fault::ReadStoredCases(pool.get(), kShards));
  const fault::Census census = fault::Count(reports_->acked(), stored, window);

  const v1::DateRange period = Today();
  ASSERT_OK_AND_ASSIGN(
      fault::StatsSnapshot before,
      fault::TakeStatsSnapshot(stats_stub_.get(), kChief, period));
  const std::string rebuilt = Rebuild();
  ASSERT_OK_AND_ASSIGN(
      fault::StatsSnapshot after,
      fault::TakeStatsSnapshot(stats_stub_.get(), kChief, period));
  const std::string stats_diff = fault::DiffStats(before, after);

  std::ostringstream out;
  out << "\n==== gridcase fault suite: summary ====\n"
      << "redis: appendonly yes, appendfsync " << kAppendFsync << "\n"
      << "phases (" << kPhase
      << " of load after each fault): " << absl::StrJoin(phases_, " | ")
      << "\n";
  fault::PrintCensus(census, phases_, kAppendFsync, out);
  out << "streams drained (pending 0, all delivered): "
      << (backlog.empty() ? "yes" : "NO") << " (" << backlog.entries
      << " entries, " << backlog.pending << " pending, " << backlog.undelivered
      << " groups behind"
      << (backlog.problems.empty()
              ? ""
              : absl::StrCat("; ", absl::StrJoin(backlog.problems, "; ")))
      << ")\n"
      << "stats vs rebuild (" << before.size()
      << " queries of today): " << (stats_diff.empty() ? "equal" : "DIFFERENT")
      << "\n";
  if (!stats_diff.empty()) out << stats_diff;
  out << "rebuild: " << rebuilt << "\n";
  std::vector<std::string> failures;
  for (const auto& [code, n] : reports_->failures()) {
    failures.push_back(absl::StrCat(code, " ", n));
  }
  out << "report attempts failed (then retried): "
      << absl::StrJoin(failures, ", ") << "\n"
      << "reports refused: " << reports_->refused().size()
      << "; given up after " << kRetryFor << ": " << reports_->unacknowledged()
      << "\n";
  std::vector<std::string> transitions;
  for (const auto& [what, n] : workflow.outcomes()) {
    transitions.push_back(absl::StrCat(what, " ", n));
  }
  out << "transitions: " << absl::StrJoin(transitions, ", ") << "\n"
      << "========================================\n";
  std::cout << out.str() << std::flush;

  EXPECT_TRUE(all_acknowledged);
  EXPECT_THAT(reports_->refused(), ::testing::IsEmpty());
  EXPECT_GT(census.acknowledged, 0);
  EXPECT_EQ(census.lost, 0);
  EXPECT_EQ(census.duplicated, 0);
  EXPECT_EQ(census.reissued, 0);
  EXPECT_EQ(census.stuck, 0);
  EXPECT_TRUE(backlog.empty());
  EXPECT_EQ(stats_diff, "");
}

}  // namespace
}  // namespace gridcase
