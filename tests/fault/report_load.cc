#include "tests/fault/report_load.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/testing/test_identity.h"
#include "gridcase/v1/intake.grpc.pb.h"

namespace gridcase::fault {
namespace {

// Patrol reports: a lattice over Puyuan's 18 sample grids (lon
// 120.6112-120.6488, lat 30.6804-30.6876), 62 columns 0.0006° (57 m) apart
// and 14 rows 0.0005° (55 m) apart, filled column by column across all
// three communities; no point on a grid's edge.
constexpr int kPatrolColumns = 62;
constexpr int kPatrolRows = 14;

// Citizen reports (E0103 merges within 100 m): a lattice in each of 11 towns
// of the sample (all but 330483102, whose grids are not rectangles), each
// town 0.0376° by 0.0072°: 31 columns 0.0012° (115 m) apart and 6 rows
// 0.0011° (122 m) apart, filled town by town.
struct Corner {
  double longitude;
  double latitude;
};
constexpr Corner kTowns[] = {
    {120.546209, 30.626392}, {120.506207, 30.636392}, {120.559201, 30.664392},
    {120.586215, 30.594392}, {120.611198, 30.680392}, {120.411227, 30.529392},
    {120.376208, 30.628392}, {120.336223, 30.551392}, {120.421196, 30.691392},
    {120.436215, 30.594392}, {120.641220, 30.568392}};
constexpr int kTownCount = sizeof(kTowns) / sizeof(kTowns[0]);
constexpr int kCitizenColumns = 31;
constexpr int kCitizenRows = 6;

struct Kind {
  bool patrol;
  const char* category;
};
// Report n is of kind n % 3.
constexpr Kind kKinds[] = {{true, "E0101"}, {true, "E0102"}, {false, "E0103"}};

// Codes a retry cannot change: the request itself is wrong.
bool Final(grpc::StatusCode code) {
  return code == grpc::StatusCode::INVALID_ARGUMENT ||
         code == grpc::StatusCode::PERMISSION_DENIED ||
         code == grpc::StatusCode::UNAUTHENTICATED ||
         code == grpc::StatusCode::NOT_FOUND ||
         code == grpc::StatusCode::UNIMPLEMENTED;
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

v1::ReportCaseRequest Request(int64_t n, const std::string& request_id) {
  const Kind& kind = kKinds[n % 3];
  // The k-th report of its category.
  int64_t k = n / 3;
  v1::ReportCaseRequest r;
  r.set_request_id(request_id);
  r.set_source(kind.patrol ? v1::SOURCE_GRID_PATROL : v1::SOURCE_WECHAT);
  r.set_category_code(kind.category);
  r.set_description(DescriptionWithMarker(request_id));
  v1::Location* at = r.mutable_location();
  if (kind.patrol) {
    int64_t point = k % (kPatrolColumns * kPatrolRows);
    at->set_longitude(120.6115 + (point % kPatrolColumns) * 0.0006);
    at->set_latitude(30.68065 + (point / kPatrolColumns) * 0.0005);
  } else {
    const Corner& town = kTowns[k % kTownCount];
    int64_t point = (k / kTownCount) % (kCitizenColumns * kCitizenRows);
    at->set_longitude(town.longitude + 0.0005 +
                      (point % kCitizenColumns) * 0.0012);
    at->set_latitude(town.latitude + 0.00025 +
                     (point / kCitizenColumns) * 0.0011);
  }
  return r;
}

}  // namespace

ReportLoad::ReportLoad(Options options) : options_(std::move(options)) {}

ReportLoad::~ReportLoad() {
  issuing_ = false;
  give_up_at_ms_ = absl::ToUnixMillis(absl::Now());
  for (std::thread& t : clients_) {
    if (t.joinable()) t.join();
  }
}

void ReportLoad::Start() {
  for (int i = 0; i < options_.clients; ++i) {
    clients_.emplace_back([this, i] { Client(i); });
  }
}

bool ReportLoad::Finish(absl::Duration retry_for) {
  give_up_at_ms_ = absl::ToUnixMillis(absl::Now() + retry_for);
  issuing_ = false;
  for (std::thread& t : clients_) t.join();
  clients_.clear();
  absl::MutexLock lock(&mu_);
  return unacknowledged_ == 0;
}

void ReportLoad::Client(int index) {
  // Reconnect quickly after a restart, as a mobile backend would retry.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  auto stub = v1::IntakeService::NewStub(grpc::CreateCustomChannel(
      options_.intake_target, grpc::InsecureChannelCredentials(), args));
  const std::string patrol = absl::StrCat(
      "subject=gm-load-", index, "; roles=grid_manager; grids=330483101002002");
  while (issuing_) {
    int64_t n = next_++;
    const std::string request_id = absl::StrFormat("fault-%05d", n);
    const v1::ReportCaseRequest request = Request(n, request_id);
    const bool is_patrol = request.source() == v1::SOURCE_GRID_PATROL;
    // A citizen per report, as in real traffic: one citizen reporting all
    // of them would meet the daily report quota.
    const std::string citizen =
        absl::StrCat("subject=wx-load-", n, "; roles=citizen");
    while (true) {
      grpc::ClientContext context;
      testing::Identify(&context, is_patrol ? patrol : citizen);
      context.set_deadline(
          absl::ToChronoTime(absl::Now() + options_.attempt_timeout));
      v1::ReportCaseResponse response;
      grpc::Status s = stub->ReportCase(&context, request, &response);
      if (s.ok()) {
        absl::MutexLock lock(&mu_);
        acked_.push_back({.request_id = request_id,
                          .case_id = response.case_().id(),
                          .patrol = is_patrol,
                          .at = absl::Now(),
                          .phase = phase_});
        break;
      }
      if (!RetryAfter(request_id, s)) break;
      absl::SleepFor(options_.retry_pause);
    }
    if (issuing_) absl::SleepFor(options_.pause);
  }
}

bool ReportLoad::RetryAfter(const std::string& request_id,
                            const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  ++failures_[CodeName(status.error_code())];
  if (Final(status.error_code())) {
    refused_.push_back(absl::StrCat(request_id, ": ",
                                    CodeName(status.error_code()), ": ",
                                    status.error_message()));
    return false;
  }
  int64_t give_up = give_up_at_ms_;
  if (give_up != 0 && absl::ToUnixMillis(absl::Now()) >= give_up) {
    ++unacknowledged_;
    return false;
  }
  return true;
}

std::vector<Acked> ReportLoad::acked() const {
  absl::MutexLock lock(&mu_);
  return acked_;
}

int ReportLoad::unacknowledged() const {
  absl::MutexLock lock(&mu_);
  return unacknowledged_;
}

std::vector<std::string> ReportLoad::refused() const {
  absl::MutexLock lock(&mu_);
  return refused_;
}

std::map<std::string, int> ReportLoad::failures() const {
  absl::MutexLock lock(&mu_);
  return failures_;
}

}  // namespace gridcase::fault
