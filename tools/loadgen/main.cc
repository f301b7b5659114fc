// loadgen: drives IntakeService.ReportCase from N concurrent clients for a
// while and prints throughput and latency percentiles. A measuring tool, not
// a test; its numbers go in docs/benchmarks.md with the command line.
//
//   loadgen --target=127.0.0.1:PORT --duration=20s --concurrency=16
//
// Reports are spread over a grid of points (--spread_m apart, far enough
// that they are not duplicates) around --lat/--lng, each with a fresh
// request id, each from another WeChat citizen.
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/client_identity.h"
#include "common/config/env_flags.h"
#include "gridcase/v1/intake.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:8080", "intake host:port");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "how long to run");
ABSL_FLAG(int, concurrency, 8, "concurrent clients (threads)");
ABSL_FLAG(std::string, category, "E0101", "category code to report");
ABSL_FLAG(double, lat, 30.6810, "south-west corner, latitude");
ABSL_FLAG(double, lng, 120.6130, "south-west corner, longitude");
ABSL_FLAG(int, rows, 10, "points north-south");
ABSL_FLAG(int, cols, 30, "points east-west");
ABSL_FLAG(double, spread_m, 70, "metres between points");
ABSL_FLAG(std::string, run_id, "", "request id prefix (default: start time)");

namespace {

struct Totals {
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::map<std::string, int> errors;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "loadgen: ReportCase throughput and latency against a running intake.");
  gridcase::config::ShowOwnFlagsInHelp();
  absl::ParseCommandLine(argc, argv);
  const std::string run = absl::GetFlag(FLAGS_run_id).empty()
                              ? absl::StrCat(absl::ToUnixMillis(absl::Now()))
                              : absl::GetFlag(FLAGS_run_id);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const int rows = absl::GetFlag(FLAGS_rows);
  const int cols = absl::GetFlag(FLAGS_cols);
  const double dlat = absl::GetFlag(FLAGS_spread_m) / 111195.0;
  const double dlng = absl::GetFlag(FLAGS_spread_m) / 95700.0;  // at 30.6 N
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_target),
                                     grpc::InsecureChannelCredentials());
  auto stub = gridcase::v1::IntakeService::NewStub(channel);
  // Each client is a WeChat user reached through a WeChat backend: with
  // $GRIDCASE_SIGNING_KEY the backend's minted token and
  // x-gridcase-on-behalf-of, else the insecure-dev header.
  absl::StatusOr<std::unique_ptr<gridcase::auth::ClientIdentity>> made =
      gridcase::auth::ClientIdentity::FromEnvironment();
  if (!made.ok()) {
    std::fprintf(stderr, "loadgen: %s\n",
                 std::string(made.status().message()).c_str());
    return 2;
  }
  gridcase::auth::ClientIdentity* identity = made->get();
  // Every report is a different citizen's, as at a city's scale: one
  // citizen's rate limit and daily quota (docs/operations.md, Limits) are
  // not what loadgen measures. The WeChat channel's limit applies.
  auto citizen = [&](int64_t n) {
    gridcase::v1::Actor a;
    a.set_subject(absl::StrCat("wx:lg-", run, "-", n));
    a.add_roles(gridcase::v1::ROLE_CITIZEN);
    if (identity->mode() != "header") {
      a.set_channel(gridcase::v1::SOURCE_WECHAT);
      a.set_via("svc:loadgen");
    }
    return a;
  };
  Totals totals;
  std::atomic<int64_t> next{0};
  absl::Time end = absl::Now() + absl::GetFlag(FLAGS_duration);
  absl::Time start = absl::Now();
  std::vector<std::thread> clients;
  for (int t = 0; t < concurrency; ++t) {
    clients.emplace_back([&] {
      std::vector<double> mine;
      std::map<std::string, int> errors;
      while (absl::Now() < end) {
        int64_t n = next++;
        gridcase::v1::ReportCaseRequest r;
        r.set_request_id(absl::StrCat("lg-", run, "-", n));
        r.set_source(gridcase::v1::SOURCE_WECHAT);
        r.set_category_code(absl::GetFlag(FLAGS_category));
        r.set_description(absl::StrCat("loadgen report ", n));
        int cell = static_cast<int>(n % (rows * cols));
        r.mutable_location()->set_latitude(absl::GetFlag(FLAGS_lat) +
                                           (cell % rows) * dlat);
        r.mutable_location()->set_longitude(absl::GetFlag(FLAGS_lng) +
                                            (cell / rows) * dlng);
        grpc::ClientContext context;
        if (absl::Status s = identity->Attach(&context, citizen(n)); !s.ok()) {
          ++errors[absl::StrCat("identity: ", s.message())];
          continue;
        }
        context.set_deadline(
            absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
        gridcase::v1::ReportCaseResponse response;
        absl::Time sent = absl::Now();
        grpc::Status s = stub->ReportCase(&context, r, &response);
        if (s.ok()) {
          mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - sent));
        } else {
          ++errors[absl::StrCat(s.error_code(), " ", s.error_message())];
        }
      }
      std::lock_guard<std::mutex> lock(totals.mu);
      totals.latencies_ms.insert(totals.latencies_ms.end(), mine.begin(),
                                 mine.end());
      for (const auto& [k, v] : errors) totals.errors[k] += v;
    });
  }
  for (auto& c : clients) c.join();
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  size_t ok = totals.latencies_ms.size();
  std::printf("reports ok: %zu in %.1f s = %.0f/s with %d clients\n", ok,
              seconds, ok / seconds, concurrency);
  std::printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
              Percentile(totals.latencies_ms, 0.50),
              Percentile(totals.latencies_ms, 0.90),
              Percentile(totals.latencies_ms, 0.99),
              Percentile(totals.latencies_ms, 1.0));
  int failed = 0;
  for (const auto& [error, count] : totals.errors) {
    std::printf("error x%d: %s\n", count, error.c_str());
    failed += count;
  }
  return ok > 0 && failed == 0 ? 0 : 1;
}
