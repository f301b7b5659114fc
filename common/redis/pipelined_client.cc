#include "common/redis/pipelined_client.h"

#include <hiredis.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/redis/resp.h"
#include "common/status/status_macros.h"

namespace gridcase::redis {
namespace {

// The commands' wire form, in order.
absl::StatusOr<std::string> Encode(absl::Span<const Args> commands) {
  std::string out;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const Args& args : commands) {
    if (args.empty()) {
      return absl::InvalidArgumentError("redis: a command has no name");
    }
    PointAt(args, &argv, &lens);
    char* cmd = nullptr;
    int n = redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()),
                                   argv.data(), lens.data());
    if (n < 0 || cmd == nullptr) {
      return absl::InternalError("redis: cannot encode command");
    }
    out.append(cmd, n);
    redisFreeCommand(cmd);
  }
  return out;
}

// Writes all of `bytes`; false when the connection failed or the socket's
// send timeout passed.
bool SendAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(n);
  }
  return true;
}

}  // namespace

// One shared connection, its send buffer, the callers waiting for replies
// on it, and its reader thread.
class PipelinedClient::Lane {
 public:
  Lane(const Endpoint& endpoint, const PoolOptions& options)
      : endpoint_(endpoint),
        connect_{.connect_timeout = options.connect_timeout,
                 .command_timeout = options.command_timeout,
                 .password = options.password},
        reader_([this] { ReadLoop(); }) {}

  ~Lane() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      if (conn_ != nullptr) shutdown(conn_->context->fd, SHUT_RDWR);
      connected_.Signal();
    }
    reader_.join();
  }

  int64_t connects() const { return connects_.load(); }

  void Submit(std::string bytes, size_t count, PipelineDone done) {
    mu_.Lock();
    if (stopping_) {
      mu_.Unlock();
      std::move(done)(absl::UnavailableError("redis: client is closing"));
      return;
    }
    if (conn_ == nullptr) {
      if (absl::Status s = ConnectLocked(); !s.ok()) {
        mu_.Unlock();
        std::move(done)(s);
        return;
      }
    }
    out_.append(bytes);
    pending_.push_back(
        {count, {}, absl::Now() + connect_.command_timeout, std::move(done)});
    if (writing_) {  // the caller writing now sends ours too
      mu_.Unlock();
      return;
    }
    writing_ = true;
    std::deque<Pending> failed;
    absl::Status status;
    while (!out_.empty()) {
      std::string batch;
      batch.swap(out_);
      std::shared_ptr<Conn> conn = conn_;
      mu_.Unlock();
      bool sent = SendAll(conn->context->fd, batch);
      int saved_errno = errno;
      mu_.Lock();
      if (!sent) {
        Close(conn, &failed);
        status = absl::UnavailableError(absl::StrCat(
            "redis: cannot write to ", endpoint_.ToString(), ": ",
            saved_errno == EAGAIN ? "send timed out" : "connection lost"));
      }
    }
    writing_ = false;
    mu_.Unlock();
    for (Pending& p : failed) std::move(p.done)(status);
  }

 private:
  struct Conn {
    Context context;
  };
  struct Pending {
    size_t expected;
    std::vector<Reply> replies;
    absl::Time deadline;
    PipelineDone done;
  };

  // Opens the lane's connection, outside the lock: one caller connects and
  // those arriving meanwhile wait for its outcome, so an unreachable Redis
  // costs every caller at most one connect timeout.
  absl::Status ConnectLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (connecting_) {
      while (connecting_) connect_done_.Wait(&mu_);
      return conn_ != nullptr ? absl::OkStatus() : connect_error_;
    }
    connecting_ = true;
    mu_.Unlock();
    absl::StatusOr<Context> c = Connect(endpoint_, connect_);
    mu_.Lock();
    connecting_ = false;
    connect_done_.SignalAll();
    if (!c.ok()) {
      connect_error_ = c.status();
      return connect_error_;
    }
    conn_ = std::make_shared<Conn>(Conn{*std::move(c)});
    connects_.fetch_add(1);
    connected_.Signal();
    return absl::OkStatus();
  }

  // Retires `conn` if it is still the lane's connection: wakes anyone
  // blocked on its socket and moves its waiting callers to `failed`.
  void Close(const std::shared_ptr<Conn>& conn, std::deque<Pending>* failed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (conn_ != conn) return;
    shutdown(conn->context->fd, SHUT_RDWR);
    conn_ = nullptr;
    out_.clear();
    for (Pending& p : pending_) failed->push_back(std::move(p));
    pending_.clear();
  }

  void ReadLoop() {
    while (true) {
      std::shared_ptr<Conn> conn;
      {
        absl::MutexLock lock(&mu_);
        // A CondVar, not Await: a condition absl evaluates inside its own
        // (uninstrumented) code is invisible to TSan builds.
        while (!stopping_ && conn_ == nullptr) connected_.Wait(&mu_);
        if (stopping_) return;
        conn = conn_;
      }
      ReadUntilClosed(conn);
    }
  }

  // Reads replies from `conn` and completes its callers until it closes.
  void ReadUntilClosed(const std::shared_ptr<Conn>& conn) {
    redisContext* c = conn->context.get();
    std::vector<Reply> got;
    std::deque<Pending> done;
    while (true) {
      absl::Duration wait = connect_.command_timeout;
      {
        absl::MutexLock lock(&mu_);
        if (conn_ != conn) return;
        if (!pending_.empty()) {
          wait = pending_.front().deadline - absl::Now();
        }
      }
      if (wait <= absl::ZeroDuration()) {
        Fail(conn,
             absl::DeadlineExceededError(absl::StrCat(
                 "redis: no reply from ", endpoint_.ToString(), " within ",
                 absl::FormatDuration(connect_.command_timeout))));
        return;
      }
      pollfd p{c->fd, POLLIN, 0};
      int n =
          poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(wait)) + 1);
      if (n == 0 || (n < 0 && errno == EINTR)) continue;
      if (n < 0 || redisBufferRead(c) != REDIS_OK) {
        Fail(conn,
             absl::UnavailableError(absl::StrCat(
                 "redis: connection to ", endpoint_.ToString(), " failed: ",
                 c->errstr[0] != '\0' ? c->errstr : "connection lost")));
        return;
      }
      got.clear();
      while (true) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(c, &raw) != REDIS_OK) {
          Fail(conn, absl::InternalError(
                         absl::StrCat("redis: protocol error: ", c->errstr)));
          return;
        }
        if (raw == nullptr) break;
        ReplyPtr reply(static_cast<redisReply*>(raw));
        got.push_back(FromHiredis(reply.get()));
      }
      bool stray = false;
      {
        absl::MutexLock lock(&mu_);
        if (conn_ != conn) return;
        for (Reply& r : got) {
          if (pending_.empty()) {
            stray = true;
            break;
          }
          Pending& front = pending_.front();
          front.replies.push_back(std::move(r));
          if (front.replies.size() == front.expected) {
            done.push_back(std::move(front));
            pending_.pop_front();
          }
        }
      }
      for (Pending& d : done) std::move(d.done)(std::move(d.replies));
      done.clear();
      if (stray) {
        Fail(conn, absl::InternalError(
                       "redis: a reply came that no command asked for"));
        return;
      }
    }
  }

  void Fail(const std::shared_ptr<Conn>& conn, const absl::Status& status) {
    std::deque<Pending> failed;
    {
      absl::MutexLock lock(&mu_);
      Close(conn, &failed);
    }
    for (Pending& p : failed) std::move(p.done)(status);
  }

  const Endpoint endpoint_;
  const ConnectOptions connect_;
  std::atomic<int64_t> connects_{0};
  absl::Mutex mu_;
  absl::CondVar connected_;     // conn_ set, or stopping_
  absl::CondVar connect_done_;  // connecting_ cleared
  bool connecting_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status connect_error_ ABSL_GUARDED_BY(mu_);  // the last attempt's
  std::shared_ptr<Conn> conn_ ABSL_GUARDED_BY(mu_);
  std::string out_ ABSL_GUARDED_BY(mu_);  // queued for conn_, not yet sent
  std::deque<Pending> pending_ ABSL_GUARDED_BY(mu_);  // sent on conn_
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread reader_;  // last: starts once the rest is built
};

bool PipelinedClient::HoldsConnection(const Args& command) {
  static const auto* const kHolding = new absl::flat_hash_set<std::string>{
      "AUTH",       "BLMOVE",     "BLMPOP",       "BLPOP",        "BRPOP",
      "BRPOPLPUSH", "BZMPOP",     "BZPOPMAX",     "BZPOPMIN",     "CLIENT",
      "DEBUG",      "DISCARD",    "EXEC",         "HELLO",        "MONITOR",
      "MULTI",      "PSUBSCRIBE", "PUNSUBSCRIBE", "QUIT",         "RESET",
      "SELECT",     "SSUBSCRIBE", "SUBSCRIBE",    "SUNSUBSCRIBE", "UNSUBSCRIBE",
      "UNWATCH",    "WAIT",       "WAITAOF",      "WATCH"};
  if (command.empty()) return false;
  std::string name = absl::AsciiStrToUpper(command.front());
  if (kHolding->contains(name)) return true;
  if (name != "XREAD" && name != "XREADGROUP") return false;
  return std::any_of(command.begin() + 1, command.end(), [](const auto& a) {
    return absl::EqualsIgnoreCase(a, "BLOCK");
  });
}

absl::StatusOr<std::unique_ptr<PipelinedClient>> PipelinedClient::Create(
    PoolOptions options, int lanes) {
  if (lanes < 1 || lanes > 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis: pipelined connections must be 1-16, got ", lanes));
  }
  ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(options.address));
  ASSIGN_OR_RETURN(std::unique_ptr<RedisPool> pool, RedisPool::Create(options));
  return std::unique_ptr<PipelinedClient>(new PipelinedClient(
      std::move(options), std::move(endpoint), std::move(pool), lanes));
}

PipelinedClient::PipelinedClient(PoolOptions options, Endpoint endpoint,
                                 std::unique_ptr<RedisPool> pool, int lanes)
    : pool_(std::move(pool)) {
  for (int i = 0; i < lanes; ++i) {
    lanes_.push_back(std::make_unique<Lane>(endpoint, options));
  }
}

PipelinedClient::~PipelinedClient() = default;

int64_t PipelinedClient::connects() const {
  int64_t n = pool_->connects();
  for (const auto& lane : lanes_) n += lane->connects();
  return n;
}

PipelinedClient::Lane& PipelinedClient::NextLane() {
  return *lanes_[next_lane_.fetch_add(1, std::memory_order_relaxed) %
                 lanes_.size()];
}

void PipelinedClient::PipelineAsync(absl::Span<const Args> commands,
                                    PipelineDone done) {
  auto holding =
      std::find_if(commands.begin(), commands.end(), HoldsConnection);
  if (holding != commands.end()) {
    std::move(done)(absl::InvalidArgumentError(
        absl::StrCat("redis: ", holding->front(),
                     " holds a connection and cannot be pipelined")));
    return;
  }
  Enqueue(commands, std::move(done));
}

void PipelinedClient::Enqueue(absl::Span<const Args> commands,
                              PipelineDone done) {
  if (commands.empty()) {
    std::move(done)(std::vector<Reply>());
    return;
  }
  absl::StatusOr<std::string> bytes = Encode(commands);
  if (!bytes.ok()) {
    std::move(done)(bytes.status());
    return;
  }
  NextLane().Submit(*std::move(bytes), commands.size(), std::move(done));
}

absl::StatusOr<std::vector<Reply>> PipelinedClient::Pipeline(
    absl::Span<const Args> commands) {
  if (std::any_of(commands.begin(), commands.end(), HoldsConnection)) {
    return pool_->Pipeline(commands);
  }
  struct Result {
    absl::StatusOr<std::vector<Reply>> replies;  // set before `done`
    absl::Notification done;
  };
  // Shared: the reader thread may still be in Notify when we return.
  auto result = std::make_shared<Result>();
  Enqueue(commands, [result](absl::StatusOr<std::vector<Reply>> r) {
    result->replies = std::move(r);
    result->done.Notify();
  });
  result->done.WaitForNotification();
  return std::move(result->replies);
}

absl::StatusOr<Reply> PipelinedClient::ReadStreams(const StreamRead& read) {
  return pool_->ReadStreams(read);
}

}  // namespace gridcase::redis
