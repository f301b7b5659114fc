// InProcessServer: a gridcase server (the same bootstrap the binaries use)
// started inside the test on 127.0.0.1 port 0, with /metrics on another
// free port. Shut down when the object goes away.
#ifndef GRIDCASE_COMMON_TESTING_IN_PROCESS_SERVER_H_
#define GRIDCASE_COMMON_TESTING_IN_PROCESS_SERVER_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/server/server.h"
#include "prometheus/registry.h"

namespace gridcase::testing {

class InProcessServer final {
 public:
  struct Options {
    std::vector<server::ServiceBinding> services;
    server::HealthProbe probe;  // empty: always healthy
    absl::Duration drain_timeout = absl::Seconds(5);
    absl::Duration health_interval = absl::Milliseconds(50);
    server::TransportOptions transport;
  };

  static absl::StatusOr<std::unique_ptr<InProcessServer>> Start(
      Options options);

  server::Server& server() { return *server_; }
  prometheus::Registry& metrics() { return *registry_; }
  std::string target() const;  // "127.0.0.1:<port>"
  std::shared_ptr<grpc::Channel> NewChannel() const;

  // GET http://127.0.0.1:<admin port>/metrics.
  absl::StatusOr<std::string> ScrapeMetrics() const;

 private:
  InProcessServer() = default;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<server::Server> server_;
};

// A plain HTTP/1.0 GET on 127.0.0.1; returns the body of a 200 response.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

}  // namespace gridcase::testing

#endif  // GRIDCASE_COMMON_TESTING_IN_PROCESS_SERVER_H_
