#include "common/server/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/log/log.h"

namespace gridcase::server {
namespace {

absl::Status Errno(absl::string_view what, absl::string_view address) {
  return absl::UnavailableError(absl::StrCat(
      "grpc_address: cannot ", what, " ", address, ": ", std::strerror(errno)));
}

// A listening socket on `addr`, or -1 with errno set.
int ListenOn(const sockaddr* addr, socklen_t len, bool dual_stack) {
  int fd =
      socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  int zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (addr->sa_family == AF_INET6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual_stack ? &zero : &one,
               sizeof(int));
  }
  if (bind(fd, addr, len) != 0 || listen(fd, SOMAXCONN) != 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

bool OutOfResources(int err) {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Listener>> Listener::Bind(
    const std::string& address, int max_connections, ListenerMetrics metrics) {
  if (max_connections < 1) {
    return absl::InvalidArgumentError(
        "grpc_max_connections: must be at least 1");
  }
  size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grpc_address: must be host:port with a port from 0 to 65535, got '",
        address, "'"));
  }
  absl::string_view host = absl::string_view(address).substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");

  int fd = -1;
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "*") {
    // Every address: one dual-stack IPv6 socket, or IPv4 alone where the
    // host has no IPv6.
    sockaddr_in6 any6{};
    any6.sin6_family = AF_INET6;
    any6.sin6_addr = in6addr_any;
    any6.sin6_port = htons(static_cast<uint16_t>(port));
    fd = ListenOn(reinterpret_cast<sockaddr*>(&any6), sizeof(any6), true);
    if (fd < 0 && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
      sockaddr_in any4{};
      any4.sin_family = AF_INET;
      any4.sin_addr.s_addr = htonl(INADDR_ANY);
      any4.sin_port = htons(static_cast<uint16_t>(port));
      fd = ListenOn(reinterpret_cast<sockaddr*>(&any4), sizeof(any4), false);
    }
    if (fd < 0) return Errno("listen on", address);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string host_text(host);
    int rc = getaddrinfo(host_text.c_str(), absl::StrCat(port).c_str(), &hints,
                         &found);
    if (rc != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("grpc_address: cannot resolve '", host_text,
                       "': ", gai_strerror(rc)));
    }
    for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
      fd = ListenOn(a->ai_addr, a->ai_addrlen, false);
    }
    freeaddrinfo(found);
    if (fd < 0) return Errno("listen on", address);
  }

  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
    close(fd);
    return Errno("read the port of", address);
  }
  int bound_port =
      bound.ss_family == AF_INET6
          ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
          : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  std::unique_ptr<Listener> self(
      new Listener(fd, bound_port, max_connections, metrics));
  self->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  self->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (self->epoll_fd_ < 0 || self->wake_fd_ < 0) {
    return Errno("set up the accept loop of", address);
  }
  return self;
}

Listener::Listener(int listen_fd, int port, int max_connections,
                   ListenerMetrics metrics)
    : listen_fd_(listen_fd),
      port_(port),
      max_connections_(max_connections),
      metrics_(metrics) {}

Listener::~Listener() {
  StopAccepting();
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void Listener::Start(
    std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor) {
  acceptor_ = std::move(acceptor);
  thread_ = std::thread([this] { Loop(); });
}

void Listener::StopAccepting() {
  if (stopping_.exchange(true)) return;
  uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof(one)) < 0) {
    // The eventfd cannot be full after one write; nothing else to do.
  }
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
}

void Listener::Loop() {
  absl::Time resume_accepting = absl::InfinitePast();
  absl::Time last_complaint = absl::InfinitePast();
  while (!stopping_.load()) {
    absl::Time now = absl::Now();
    bool backing_off = now < resume_accepting;
    pollfd fds[3] = {
        {listen_fd_, static_cast<short>(backing_off ? 0 : POLLIN), 0},
        {wake_fd_, POLLIN, 0},
        {epoll_fd_, POLLIN, 0}};
    int timeout_ms =
        backing_off ? static_cast<int>(
                          absl::ToInt64Milliseconds(resume_accepting - now) + 1)
                    : -1;
    if (poll(fds, 3, timeout_ms) < 0) {
      if (errno == EINTR) continue;
      log::Error("listener: poll failed", {{"error", std::strerror(errno)}});
      absl::SleepFor(absl::Milliseconds(100));  // avoid a busy loop
      continue;
    }
    if (fds[1].revents != 0) break;
    if (fds[2].revents != 0) ReapClosed();
    if ((fds[0].revents & POLLIN) == 0) continue;
    for (int i = 0; i < 256; ++i) {
      int fd =
          accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        int err = errno;
        if (err == EINTR || err == ECONNABORTED || err == EPROTO) continue;
        if (err == EAGAIN || err == EWOULDBLOCK) break;
        // Out of descriptors or memory (or worse): retry shortly instead of
        // giving up on the port, which is what wedges gRPC's own listener.
        if (metrics_.accept_failed != nullptr) {
          metrics_.accept_failed->Increment();
        }
        if (absl::Now() - last_complaint > absl::Seconds(10)) {
          last_complaint = absl::Now();
          log::Error("listener: accept failed; retrying",
                     {{"error", std::strerror(err)},
                      {"open_connections", open_.load()},
                      {"out_of_resources", OutOfResources(err)}});
        }
        resume_accepting = absl::Now() + absl::Milliseconds(100);
        break;
      }
      if (open_.load() >= max_connections_) {
        close(fd);
        if (metrics_.refused_limit != nullptr) {
          metrics_.refused_limit->Increment();
        }
        if (absl::Now() - last_complaint > absl::Seconds(10)) {
          last_complaint = absl::Now();
          log::Warn("listener: at the connection limit; closing new ones",
                    {{"max_connections", max_connections_}});
        }
        continue;
      }
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      int duplicate = fcntl(fd, F_DUPFD_CLOEXEC, 0);
      epoll_event ev{};
      ev.events = 0;  // EPOLLHUP and EPOLLERR are always reported
      ev.data.fd = duplicate;
      if (duplicate < 0 ||
          epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, duplicate, &ev) != 0) {
        if (duplicate >= 0) close(duplicate);
        close(fd);
        if (metrics_.accept_failed != nullptr) {
          metrics_.accept_failed->Increment();
        }
        resume_accepting = absl::Now() + absl::Milliseconds(100);
        break;
      }
      duplicates_.insert(duplicate);
      int open = ++open_;
      if (metrics_.open != nullptr) metrics_.open->Set(open);
      grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters p;
      p.listener_fd = listen_fd_;
      p.fd = fd;
      acceptor_->HandleNewConnection(&p);
    }
  }
  // No more accounting once the port is closed. Closing the duplicates
  // leaves gRPC's own descriptors (and so its connections) alone.
  for (int d : duplicates_) close(d);
  duplicates_.clear();
}

void Listener::ReapClosed() {
  epoll_event events[256];
  int n;
  do {
    n = epoll_wait(epoll_fd_, events, 256, 0);
    for (int i = 0; i < n; ++i) {
      int d = events[i].data.fd;
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, d, nullptr);
      close(d);
      duplicates_.erase(d);
      int open = --open_;
      if (metrics_.open != nullptr) metrics_.open->Set(open);
    }
  } while (n == 256);
}

}  // namespace gridcase::server
