// The limits of a service's gRPC port, against real processes (issue #16):
// idle connections are closed, connections beyond the cap are refused at
// once, running out of file descriptors does not stop the port from
// accepting, and a caller who may not import cannot make the registry hold
// a large request.
#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/server/health_client.h"
#include "common/status/status_matchers.h"
#include "common/testing/in_process_server.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_identity.h"
#include "gmock/gmock.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/sample_registry.h"

namespace gridcase::testing {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int OpenFds(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(
           absl::StrCat("/proc/", pid, "/fd"), ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// A line of /proc/<pid>/status in MB, e.g. "VmRSS" or "VmHWM".
int64_t MemoryMb(pid_t pid, absl::string_view field) {
  std::istringstream in(ReadFile(absl::StrCat("/proc/", pid, "/status")));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, absl::ByAnyChar(": \t"), absl::SkipEmpty());
    int64_t kb = 0;
    if (parts.size() >= 2 && parts[0] == field &&
        absl::SimpleAtoi(parts[1], &kb)) {
      return kb / 1024;
    }
  }
  return -1;
}

// A plain TCP connection to 127.0.0.1:port that says nothing; -1 on error.
int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// How many of `fds` the server closes (EOF or reset) within `timeout`;
// stops counting at `enough`.
int CountClosedByServer(const std::vector<int>& fds, int enough,
                        absl::Duration timeout) {
  std::vector<pollfd> watched;
  for (int fd : fds) watched.push_back({fd, POLLIN, 0});
  int closed = 0;
  absl::Time until = absl::Now() + timeout;
  while (closed < enough && absl::Now() < until) {
    if (poll(watched.data(), watched.size(), 100) <= 0) continue;
    for (pollfd& p : watched) {
      if (p.fd < 0 || p.revents == 0) continue;
      char c;
      if (recv(p.fd, &c, 1, MSG_DONTWAIT) <= 0) {
        ++closed;
        p.fd = -p.fd - 1;  // poll ignores negative descriptors
      }
    }
  }
  return closed;
}

// A channel with a connection of its own (channels with equal arguments
// share connections).
std::shared_ptr<grpc::Channel> OwnChannel(const ServiceProcess& p, int n) {
  grpc::ChannelArguments args;
  args.SetInt("gridcase.test.channel", n);
  return grpc::CreateCustomChannel(p.target(),
                                   grpc::InsecureChannelCredentials(), args);
}

absl::StatusOr<std::string> Health(const std::shared_ptr<grpc::Channel>& c,
                                   absl::Duration wait = absl::ZeroDuration()) {
  return server::CheckHealth(c, {.wait = wait});
}

class ConnectionLimitsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start()); }

  void StartRegistry(std::vector<std::string> args, int max_open_files = 0) {
    ASSERT_OK_AND_ASSIGN(
        registry_, ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                          .redis = redis_->address(),
                                          .extra_args = std::move(args),
                                          .max_open_files = max_open_files}));
  }

  pid_t pid() { return registry_->process().pid(); }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> registry_;
};

TEST_F(ConnectionLimitsProcessTest, IdleConnectionsAreClosedAfterTheIdleLimit) {
  StartRegistry({"--grpc_max_connection_idle=1s"});
  ASSERT_THAT(Health(registry_->NewChannel(), absl::Seconds(10)),
              IsOkAndHolds(std::string("SERVING")));
  int before = OpenFds(pid());
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 20; ++i) {
    channels.push_back(OwnChannel(*registry_, i));
    ASSERT_THAT(Health(channels.back()), IsOkAndHolds(std::string("SERVING")));
  }
  EXPECT_GE(OpenFds(pid()), before + 20);
  // Nobody calls: the server closes every connection (GOAWAY, then close)
  // about a second later. Wait for it, at most 20 s.
  absl::Time until = absl::Now() + absl::Seconds(20);
  while (OpenFds(pid()) > before + 2 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_LE(OpenFds(pid()), before + 2) << "idle connections stayed open";
  // A closed channel reconnects on its next call.
  EXPECT_THAT(Health(channels[0], absl::Seconds(10)),
              IsOkAndHolds(std::string("SERVING")));
}

TEST_F(ConnectionLimitsProcessTest,
       ConnectionsBeyondTheCapAreRefusedUntilOnesClose) {
  StartRegistry({"--grpc_max_connections=10"});
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 10; ++i) {
    channels.push_back(OwnChannel(*registry_, i));
    ASSERT_THAT(Health(channels.back(), absl::Seconds(10)),
                IsOkAndHolds(std::string("SERVING")));
  }
  // The eleventh connection is closed at once: UNAVAILABLE.
  auto eleventh = OwnChannel(*registry_, 10);
  EXPECT_THAT(Health(eleventh),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  channels.resize(5);  // five connections close
  EXPECT_THAT(Health(eleventh, absl::Seconds(10)),
              IsOkAndHolds(std::string("SERVING")));
  std::string metrics;
  ASSERT_OK_AND_ASSIGN(metrics, HttpGet(registry_->admin_port(), "/metrics"));
  EXPECT_THAT(metrics,
              HasSubstr("gridcase_grpc_connections_refused_total{reason="
                        "\"limit\"}"));
}

// gRPC 1.51's own listener stops accepting for good once accept() fails
// with EMFILE (grpc/grpc#20418): the registry, limited to 400 descriptors,
// gets 600 connections, they all close, and it must accept again.
TEST_F(ConnectionLimitsProcessTest,
       RunningOutOfDescriptorsDoesNotStopTheListener) {
  StartRegistry({"--grpc_max_connections=64", "--grpc_handshake_timeout=60s"},
                /*max_open_files=*/400);
  ASSERT_THAT(Health(registry_->NewChannel(), absl::Seconds(10)),
              IsOkAndHolds(std::string("SERVING")));
  std::vector<int> fds;
  for (int i = 0; i < 600; ++i) {
    int fd = Connect(registry_->grpc_port());
    ASSERT_GE(fd, 0) << "connection " << i;
    fds.push_back(fd);
  }
  // Beyond the cap the listener closes connections itself.
  EXPECT_GE(CountClosedByServer(fds, 600 - 64, absl::Seconds(20)), 600 - 64);
  for (int fd : fds) close(fd);
  EXPECT_THAT(Health(OwnChannel(*registry_, 1), absl::Seconds(15)),
              IsOkAndHolds(std::string("SERVING")));
}

// Issue #16: eight 60 MB ImportGrids without a token, each refused only
// after it was read, took the registry from 20 MB to a 334 MB peak. The
// caller is now checked before the body is read.
TEST_F(ConnectionLimitsProcessTest,
       CallersWhoMayNotImportCannotMakeTheRegistryHoldMB) {
  StartRegistry({});
  ASSERT_THAT(Health(registry_->NewChannel(), absl::Seconds(10)),
              IsOkAndHolds(std::string("SERVING")));
  v1::ImportGridsRequest request;
  request.set_geojson(std::string(60 << 20, ' '));
  grpc::ByteBuffer body;
  bool own_buffer = false;
  using Serialize = decltype(&grpc::GenericSerialize<grpc::ProtoBufferWriter,
                                                     v1::ImportGridsRequest>);
  Serialize serialize =
      &grpc::GenericSerialize<grpc::ProtoBufferWriter, v1::ImportGridsRequest>;
  ASSERT_TRUE(serialize(request, &body, &own_buffer).ok());
  request.Clear();
  int64_t rss_before = MemoryMb(pid(), "VmRSS");
  int64_t peak_before = MemoryMb(pid(), "VmHWM");
  std::vector<grpc::Status> results(8);
  std::vector<std::thread> callers;
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&, i] {
      grpc::GenericStub stub(OwnChannel(*registry_, i));
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
      if (i % 2 == 1) Identify(&context, "subject=wx-1; roles=citizen");
      grpc::ByteBuffer response;
      absl::Notification done;
      stub.UnaryCall(&context, "/gridcase.v1.RegistryService/ImportGrids",
                     grpc::StubOptions(), &body, &response,
                     [&](grpc::Status s) {
                       results[i] = std::move(s);
                       done.Notify();
                     });
      done.WaitForNotification();
    });
  }
  for (auto& t : callers) t.join();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(results[i].error_code(), i % 2 == 1
                                           ? grpc::StatusCode::PERMISSION_DENIED
                                           : grpc::StatusCode::UNAUTHENTICATED)
        << results[i].error_message();
  }
  int64_t rss_after = MemoryMb(pid(), "VmRSS");
  int64_t peak_after = MemoryMb(pid(), "VmHWM");
  RecordProperty("rss_before_mb", static_cast<int>(rss_before));
  RecordProperty("peak_after_mb", static_cast<int>(peak_after));
  RecordProperty("rss_after_mb", static_cast<int>(rss_after));
  std::printf(
      "registry VmRSS %lld MB -> %lld MB, VmHWM %lld MB -> %lld MB\n",
      static_cast<long long>(rss_before), static_cast<long long>(rss_after),
      static_cast<long long>(peak_before), static_cast<long long>(peak_after));
  // 480 MB were sent; a bound, not a timing: the high-water mark and the
  // resident set grow by less than 50 MB.
  EXPECT_LT(peak_after - std::max(peak_before, rss_before), 50);
  EXPECT_LT(rss_after - rss_before, 50);
}

// A GeoJSON file above the 4 MiB message limit imports with gridctl, which
// streams it in chunks (UploadGrids).
TEST_F(ConnectionLimitsProcessTest, GridctlImportsAFileAboveTheMessageLimit) {
  StartRegistry({});
  ASSERT_OK_AND_ASSIGN(std::string sample, SampleGridsGeoJson());
  nlohmann::json grids = nlohmann::json::parse(sample);
  grids["features"][0]["properties"]["remark"] = std::string(6 << 20, 'x');
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  std::string path = dir.File("big.geojson");
  {
    std::ofstream out(path);
    out << grids.dump();
  }
  ASSERT_GT(std::filesystem::file_size(path), 6u << 20);
  std::vector<std::string> argv = {
      GRIDCASE_GRIDCTL_BIN,
      "registry",
      "import",
      path,
      absl::StrCat("--target=", registry_->target()),
      absl::StrCat("--token=", TokenFor("subject=m-admin; roles=admin"))};
  ASSERT_OK_AND_ASSIGN(auto gridctl,
                       Subprocess::Spawn({.argv = argv,
                                          .stdout_path = dir.File("out"),
                                          .stderr_path = dir.File("err")}));
  ASSERT_OK_AND_ASSIGN(int status, gridctl->Wait(absl::Seconds(60)));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << ReadFile(dir.File("err"));
  EXPECT_THAT(ReadFile(dir.File("out")), HasSubstr("216 grids"));
}

}  // namespace
}  // namespace gridcase::testing
