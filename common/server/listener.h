// Listener: gridcase's own accept loop for the gRPC port, handing every
// accepted connection to gRPC (ServerBuilder's external connection acceptor,
// with the port's credentials, so TLS works as before).
//
// Why not let gRPC listen: gRPC 1.51 (Debian 12) has no cap on open
// connections, and its listener stops accepting for good after accept()
// fails once with EMFILE (grpc/grpc#20418): a flood of idle connections that
// fills the descriptor limit wedges the server until it is restarted, even
// after the flood is gone (issue #16). This listener
// - keeps at most `max_connections` connections open and closes any further
//   one at once (the client sees UNAVAILABLE and retries, possibly on another
//   replica), counting it;
// - backs off and retries when accept() fails for lack of descriptors or
//   memory, so it recovers as soon as connections close;
// - notices a connection's end through a duplicate of its descriptor: gRPC
//   shuts a socket down (SHUT_RDWR) before it closes it, which raises EPOLLHUP
//   on the duplicate. Each open connection therefore costs two descriptors;
//   Bootstrap checks the descriptor limit against the cap at start-up.
#ifndef GRIDCASE_COMMON_SERVER_LISTENER_H_
#define GRIDCASE_COMMON_SERVER_LISTENER_H_

#include <grpcpp/server_builder.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <unordered_set>

#include "absl/status/statusor.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"

namespace gridcase::server {

struct ListenerMetrics {
  prometheus::Gauge* open = nullptr;             // connections open now
  prometheus::Counter* refused_limit = nullptr;  // closed: at the cap
  prometheus::Counter* accept_failed = nullptr;  // accept() out of fds/memory
};

class Listener final {
 public:
  // Binds and listens on `address` (host:port; port 0 picks a free port;
  // 0.0.0.0 or [::] listens on every address, IPv4 and IPv6).
  static absl::StatusOr<std::unique_ptr<Listener>> Bind(
      const std::string& address, int max_connections, ListenerMetrics metrics);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int port() const { return port_; }
  // Starts accepting on a thread of its own; connections go to `acceptor`.
  void Start(
      std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor);
  // Stops accepting and closes the listening socket; connections already
  // handed to gRPC stay open. Idempotent.
  void StopAccepting();
  int open_connections() const { return open_.load(); }

 private:
  Listener(int listen_fd, int port, int max_connections,
           ListenerMetrics metrics);
  void Loop();
  void ReapClosed();

  int listen_fd_;
  const int port_;
  const int max_connections_;
  const ListenerMetrics metrics_;
  int epoll_fd_ = -1;  // duplicates of open connections, waiting for HUP
  int wake_fd_ = -1;   // eventfd: stop
  std::unordered_set<int> duplicates_;  // loop thread only
  std::atomic<int> open_{0};
  std::atomic<bool> stopping_{false};
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor_;
  std::thread thread_;
};

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_LISTENER_H_
