#include "common/testing/in_process_server.h"

#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace gridcase::testing {

absl::StatusOr<std::unique_ptr<InProcessServer>> InProcessServer::Start(
    Options options) {
  std::unique_ptr<InProcessServer> self(new InProcessServer());
  self->registry_ = std::make_shared<prometheus::Registry>();
  server::ServerOptions server_options;
  server_options.service_name = "test";
  server_options.grpc_address = "127.0.0.1:0";
  server_options.admin_address = "127.0.0.1:0";
  server_options.drain_timeout = options.drain_timeout;
  server_options.health_interval = options.health_interval;
  server_options.transport = options.transport;
  ASSIGN_OR_RETURN(
      self->server_,
      server::Server::Start(server_options, std::move(options.services),
                            std::move(options.probe), self->registry_));
  return self;
}

std::string InProcessServer::target() const {
  return absl::StrCat("127.0.0.1:", server_->grpc_port());
}

std::shared_ptr<grpc::Channel> InProcessServer::NewChannel() const {
  return grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
}

absl::StatusOr<std::string> InProcessServer::ScrapeMetrics() const {
  return HttpGet(server_->admin_port(), "/metrics");
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError(std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno;
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("connect 127.0.0.1:", port, ": ", std::strerror(err)));
  }
  std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (send(fd, request.data(), request.size(), 0) < 0) {
    close(fd);
    return absl::UnavailableError("send failed");
  }
  std::string response;
  char buf[16384];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, n);
  close(fd);
  size_t body = response.find("\r\n\r\n");
  if (!absl::StartsWith(response, "HTTP/1.") || body == std::string::npos) {
    return absl::InternalError("malformed HTTP response");
  }
  if (response.find(" 200 ") > response.find("\r\n")) {
    return absl::InternalError(absl::StrCat(
        "HTTP status: ", response.substr(0, response.find("\r\n"))));
  }
  return response.substr(body + 4);
}

}  // namespace gridcase::testing
