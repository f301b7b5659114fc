#include "services/intake/watch_hub.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace gridcase::intake {
namespace {

// How long Subscribe waits for a shard's reader to reach Redis, and how
// long Start waits for all of them.
constexpr absl::Duration kReadyWait = absl::Seconds(5);
constexpr absl::Duration kStartWait = absl::Seconds(2);

}  // namespace

absl::Status ValidateWatchLimits(const WatchLimits& limits) {
  if (limits.max_streams < 1) {
    return absl::InvalidArgumentError("--watch_max_streams: must be >= 1");
  }
  if (limits.max_per_caller < 1) {
    return absl::InvalidArgumentError(
        "--watch_max_streams_per_caller: must be >= 1");
  }
  if (limits.buffer_events < 1) {
    return absl::InvalidArgumentError("--watch_buffer_events: must be >= 1");
  }
  if (limits.block <= absl::ZeroDuration() || limits.batch < 1) {
    return absl::InvalidArgumentError(
        "watch: the read block and batch must be positive");
  }
  return absl::OkStatus();
}

WatchSubscription::WatchSubscription(
    WatchHub* hub, std::string subject, std::vector<int> shards,
    std::function<bool(const v1::CaseEvent&)> wanted, int buffer_events,
    Positions joined_at)
    : hub_(hub),
      subject_(std::move(subject)),
      shards_(std::move(shards)),
      wanted_(std::move(wanted)),
      buffer_events_(buffer_events),
      joined_at_(std::move(joined_at)),
      latest_(joined_at_) {}

WatchSubscription::~WatchSubscription() { hub_->Leave(this); }

void WatchSubscription::Offer(const std::shared_ptr<const StreamEvent>& e) {
  absl::MutexLock lock(&mu_);
  if (closed_ || overflowed_) return;
  latest_[e->shard] = e->event.id();
  if (!wanted_(e->event)) return;
  if (static_cast<int>(queue_.size()) >= buffer_events_) {
    // Too far behind: the stream ends and the client resumes from its last
    // token, reading what it missed from Redis. Nothing more is kept.
    overflowed_ = true;
    queue_.clear();
    return;
  }
  queue_.push_back(e);
}

void WatchSubscription::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

WatchSubscription::Next WatchSubscription::Wait(
    absl::Duration timeout,
    std::vector<std::shared_ptr<const StreamEvent>>* out, Positions* latest) {
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || overflowed_ || closed_;
  };
  mu_.LockWhenWithTimeout(absl::Condition(&ready), timeout);
  Next next;
  if (overflowed_) {
    next = Next::kOverflowed;
  } else if (closed_) {
    next = Next::kClosed;
  } else {
    next = queue_.empty() ? Next::kIdle : Next::kEvents;
    out->assign(std::make_move_iterator(queue_.begin()),
                std::make_move_iterator(queue_.end()));
    queue_.clear();
    // Every wanted entry up to latest_ is in `out` (or was handed out
    // before), so a token may move there once `out` is written.
    *latest = latest_;
  }
  mu_.Unlock();
  return next;
}

WatchHub::WatchHub(std::vector<CaseStore*> readers, WatchLimits limits,
                   IntakeMetrics* metrics)
    : readers_(std::move(readers)),
      limits_(limits),
      metrics_(metrics),
      shards_(readers_.size()) {}

WatchHub::~WatchHub() { Stop(); }

void WatchHub::Start() {
  for (int s = 0; s < static_cast<int>(readers_.size()); ++s) {
    threads_.emplace_back([this, s] { ReadLoop(s); });
  }
  // Normally every reader has its tail within milliseconds; then the first
  // health check already finds the hub ready.
  absl::MutexLock lock(&mu_);
  auto all_ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const Shard& shard : shards_) {
      if (!shard.ready) return false;
    }
    return true;
  };
  mu_.AwaitWithTimeout(absl::Condition(&all_ready), kStartWait);
}

void WatchHub::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    for (Shard& shard : shards_) {
      for (WatchSubscription* s : shard.subscribers) s->Close();
    }
  }
  stopping_.Notify();
  for (std::thread& t : threads_) t.join();
}

bool WatchHub::ready() const {
  absl::MutexLock lock(&mu_);
  for (const Shard& shard : shards_) {
    if (!shard.ready) return false;
  }
  return true;
}

int WatchHub::open_streams() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

absl::StatusOr<std::unique_ptr<WatchSubscription>> WatchHub::Subscribe(
    const std::string& subject, const std::vector<int>& shards,
    std::function<bool(const v1::CaseEvent&)> wanted) {
  for (int s : shards) {
    if (s < 0 || s >= static_cast<int>(readers_.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat("WatchCases: no shard ", s));
    }
  }
  absl::MutexLock lock(&mu_);
  // Right after start (or while Redis is away) a reader may not have read
  // its shard's tail yet: wait a little rather than fail at once.
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (stopped_) return true;
    for (int s : shards) {
      if (!shards_[s].ready) return false;
    }
    return true;
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), kReadyWait);
  if (stopped_) {
    return absl::UnavailableError(
        "WatchCases: this intake replica is shutting down; reconnect");
  }
  if (open_ >= limits_.max_streams) {
    if (metrics_ != nullptr) metrics_->WatchRefused("max_streams");
    return absl::ResourceExhaustedError(absl::StrCat(
        "WatchCases: this intake replica already serves ", open_,
        " streams, its limit (watch_max_streams = ", limits_.max_streams,
        "); retry later"));
  }
  int& mine = per_caller_[subject];
  if (mine >= limits_.max_per_caller) {
    if (mine == 0) per_caller_.erase(subject);
    if (metrics_ != nullptr) metrics_->WatchRefused("max_per_caller");
    return absl::ResourceExhaustedError(absl::StrCat(
        "WatchCases: ", subject, " already has ", limits_.max_per_caller,
        " streams open on this intake replica, the most one caller may hold "
        "(watch_max_streams_per_caller = ",
        limits_.max_per_caller, "); close one first"));
  }
  WatchSubscription::Positions joined_at;
  for (int s : shards) {
    if (!shards_[s].ready) {
      if (mine == 0) per_caller_.erase(subject);
      return absl::UnavailableError(
          absl::StrCat("WatchCases: the event reader of shard ", s,
                       " has not reached Redis yet; retry"));
    }
    joined_at[s] = shards_[s].tail;
  }
  std::unique_ptr<WatchSubscription> sub(
      new WatchSubscription(this, subject, shards, std::move(wanted),
                            limits_.buffer_events, std::move(joined_at)));
  for (int s : shards) shards_[s].subscribers.push_back(sub.get());
  ++mine;
  ++open_;
  if (metrics_ != nullptr) metrics_->SetWatchStreams(open_);
  return sub;
}

void WatchHub::Leave(WatchSubscription* sub) {
  absl::MutexLock lock(&mu_);
  for (int s : sub->shards_) {
    std::vector<WatchSubscription*>& v = shards_[s].subscribers;
    v.erase(std::remove(v.begin(), v.end(), sub), v.end());
  }
  auto it = per_caller_.find(sub->subject_);
  if (it != per_caller_.end() && --it->second == 0) per_caller_.erase(it);
  --open_;
  if (metrics_ != nullptr) {
    metrics_->SetWatchStreams(open_);
    bool overflowed;
    {
      absl::MutexLock sub_lock(&sub->mu_);
      overflowed = sub->overflowed_;
    }
    if (overflowed) metrics_->WatchOverflowed();
  }
}

bool WatchHub::Pause(absl::Duration d) {
  return !stopping_.WaitForNotificationWithTimeout(d);
}

void WatchHub::ReadLoop(int shard) {
  CaseStore* reader = readers_[shard];
  const absl::Duration kFirstBackoff = absl::Milliseconds(100);
  absl::Duration backoff = kFirstBackoff;
  bool failing = false;
  auto failed = [&](const absl::Status& s) {
    if (!failing) {
      log::Warn("watch: cannot read the event stream; retrying",
                {{"shard", shard}, {"error", s.ToString()}});
    }
    failing = true;
    if (metrics_ != nullptr) metrics_->WatchReadFailed();
    bool go_on = Pause(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
    return go_on;
  };
  auto recovered = [&] {
    if (failing)
      log::Info("watch: reading the event stream again", {{"shard", shard}});
    failing = false;
    backoff = kFirstBackoff;
  };

  std::string tail;
  while (!stopping_.HasBeenNotified()) {
    absl::StatusOr<std::string> t = reader->StreamTail(shard);
    if (!t.ok()) {
      if (!failed(t.status())) return;
      continue;
    }
    recovered();
    tail = *t;
    absl::MutexLock lock(&mu_);
    shards_[shard].tail = tail;
    shards_[shard].ready = true;
    break;
  }
  while (!stopping_.HasBeenNotified()) {
    absl::StatusOr<std::vector<StreamEvent>> read =
        reader->ReadEvents({{shard, tail}}, limits_.block, limits_.batch);
    if (!read.ok()) {
      if (!failed(read.status())) return;
      continue;
    }
    recovered();
    if (read->empty()) continue;
    std::vector<std::shared_ptr<const StreamEvent>> events;
    events.reserve(read->size());
    for (StreamEvent& e : *read) {
      events.push_back(std::make_shared<const StreamEvent>(std::move(e)));
    }
    tail = events.back()->event.id();
    absl::MutexLock lock(&mu_);
    for (const auto& e : events) {
      if (e->corrupt) continue;  // counted and logged by the store's caller
      for (WatchSubscription* s : shards_[shard].subscribers) s->Offer(e);
    }
    shards_[shard].tail = tail;
  }
}

}  // namespace gridcase::intake
