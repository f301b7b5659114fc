#include "common/redis/cluster_client.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"

namespace gridcase::redis {
namespace {

constexpr absl::Duration kFirstBackoff = absl::Milliseconds(10);
constexpr absl::Duration kMaxBackoff = absl::Milliseconds(200);

absl::string_view HostOf(absl::string_view address) {
  return address.substr(0, address.rfind(':'));
}

// The retries of one call: rounds, the time budget and the backoff.
class Retries {
 public:
  Retries(absl::Duration budget, int max_rounds)
      : deadline_(absl::Now() + budget), rounds_left_(max_rounds) {}
  // Starts a round, first backing off if `wait` (10 ms, doubling, at most
  // 200 ms, within the deadline); false when the budget is spent.
  bool NextRound(bool wait) {
    if (rounds_left_-- <= 0) return false;
    if (first_) {
      first_ = false;
      return true;
    }
    absl::Duration left = deadline_ - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    if (wait) {
      absl::SleepFor(std::min(backoff_, left));
      backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    }
    return true;
  }

 private:
  absl::Time deadline_;
  int rounds_left_;
  bool first_ = true;
  absl::Duration backoff_ = kFirstBackoff;
};

// What one round of a call learned about the cluster.
struct RoundNews {
  std::vector<Redirect> moved;
  bool refresh = false;  // the map looks wrong: read it again
  bool wait = false;     // back off before the next round
  std::string why;       // the last reason to retry, for the final error
};

absl::Status GaveUp(absl::string_view why, int64_t commands) {
  return absl::UnavailableError(
      absl::StrCat("redis cluster: gave up routing a pipeline of ", commands,
                   " commands within the retry budget: ", why));
}

}  // namespace

// Commands of one round that go to one node.
struct ClusterClient::Batch {
  std::string node;
  std::string ask;  // non-empty: the ASK target (== node), send ASKING
  std::vector<size_t> indices;
};

absl::StatusOr<std::unique_ptr<ClusterClient>> ClusterClient::Create(
    ClusterOptions options) {
  if (options.seeds.empty()) {
    return absl::InvalidArgumentError(
        "redis cluster: at least one seed node (host:port) is required");
  }
  std::vector<std::string> seeds;
  for (const std::string& seed : options.seeds) {
    ASSIGN_OR_RETURN(Endpoint e, ParseEndpoint(seed));
    if (!e.unix_path.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "redis cluster: seed '", seed,
          "' is a unix socket; cluster nodes are reached over TCP"));
    }
    seeds.push_back(e.ToString());
  }
  if (options.max_rounds < 1 || options.retry_budget <= absl::ZeroDuration() ||
      options.stream_poll <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "redis cluster: max_rounds, retry_budget and stream_poll must be "
        "positive");
  }
  PoolOptions check = options.pool;
  check.address = seeds.front();
  RETURN_IF_ERROR(RedisPool::Create(check).status());
  auto client = std::unique_ptr<ClusterClient>(new ClusterClient(options));
  client->seeds_ = std::move(seeds);
  return client;
}

ClusterClient::ClusterClient(ClusterOptions options)
    : options_(std::move(options)) {}

ClusterClient::~ClusterClient() = default;

int64_t ClusterClient::map_reads() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

absl::StatusOr<std::shared_ptr<RedisPool>> ClusterClient::PoolFor(
    const std::string& address) {
  absl::MutexLock lock(&mu_);
  auto it = pools_.find(address);
  if (it != pools_.end()) return it->second;
  PoolOptions options = options_.pool;
  options.address = address;
  ASSIGN_OR_RETURN(std::unique_ptr<RedisPool> pool, RedisPool::Create(options));
  std::shared_ptr<RedisPool> shared = std::move(pool);
  pools_.emplace(address, shared);
  return shared;
}

void ClusterClient::MarkStale() {
  absl::MutexLock lock(&mu_);
  stale_ = true;
}

void ClusterClient::ApplyMoved(const Redirect& moved) {
  absl::MutexLock lock(&mu_);
  if (map_ == nullptr) return;
  const std::string* owner = map_->MasterOf(moved.slot);
  if (owner != nullptr && *owner == moved.address) return;
  map_ = std::make_shared<const SlotMap>(
      map_->WithSlotMovedTo(moved.slot, moved.address));
}

absl::Status ClusterClient::Refresh() {
  int64_t seen;
  {
    absl::MutexLock lock(&mu_);
    stale_ = true;
    seen = generation_;
  }
  return RefreshAfter(seen);
}

absl::Status ClusterClient::RefreshAfter(int64_t seen) {
  absl::MutexLock refreshing(&refresh_mu_);
  std::vector<std::string> candidates;
  {
    absl::MutexLock lock(&mu_);
    // Another thread read the map since this one looked at it.
    if (map_ != nullptr && generation_ != seen && !stale_) {
      return absl::OkStatus();
    }
    if (map_ != nullptr) candidates = map_->addresses();
  }
  absl::flat_hash_set<std::string> tried(candidates.begin(), candidates.end());
  for (const std::string& seed : seeds_) {
    if (tried.insert(seed).second) candidates.push_back(seed);
  }
  std::optional<SlotMap> best;
  absl::Status last = absl::UnavailableError("no node to ask");
  for (const std::string& address : candidates) {
    absl::StatusOr<std::shared_ptr<RedisPool>> pool = PoolFor(address);
    if (!pool.ok()) {
      last = pool.status();
      continue;
    }
    absl::StatusOr<Reply> reply = (*pool)->Command({"CLUSTER", "SHARDS"});
    if (!reply.ok()) {
      last = reply.status();
      continue;
    }
    absl::StatusOr<SlotMap> map = SlotMap::FromClusterShards(*reply);
    if (!map.ok()) {
      last = map.status();
      continue;
    }
    if (!best.has_value() || map->covered_slots() > best->covered_slots()) {
      best = *std::move(map);
    }
    if (best->covered_slots() == kClusterSlots) break;
  }
  if (!best.has_value()) {
    return absl::UnavailableError(absl::StrCat(
        "redis cluster: no node answered CLUSTER SHARDS (asked ",
        absl::StrJoin(candidates, ", "), "); last error: ", last.message()));
  }
  absl::MutexLock lock(&mu_);
  map_ = std::make_shared<const SlotMap>(*std::move(best));
  ++generation_;
  stale_ = false;
  // Drop the pools of nodes that are no longer masters (their connections
  // close once no call uses them).
  absl::flat_hash_set<std::string> masters;
  for (const ClusterMaster& m : map_->masters()) masters.insert(m.address);
  for (auto it = pools_.begin(); it != pools_.end();) {
    if (masters.contains(it->first)) {
      ++it;
    } else {
      pools_.erase(it++);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ClusterClient::MapPtr> ClusterClient::Map(int64_t* generation) {
  bool stale;
  {
    absl::MutexLock lock(&mu_);
    *generation = generation_;
    if (map_ != nullptr && !stale_) return map_;
    stale = map_ != nullptr;
  }
  absl::Status refreshed = RefreshAfter(*generation);
  absl::MutexLock lock(&mu_);
  // A stale map still routes most slots: keep using it if the refresh
  // failed; without any map the call cannot proceed.
  if (!refreshed.ok() && !stale) return refreshed;
  *generation = generation_;
  return map_;
}

absl::StatusOr<std::vector<Reply>> ClusterClient::Pipeline(
    absl::Span<const Args> commands) {
  if (commands.empty()) return std::vector<Reply>();
  ASSIGN_OR_RETURN(PipelineShape shape, ShapeOf(commands));
  return shape.bound ? RunBound(commands, shape) : RunSpread(commands, shape);
}

absl::StatusOr<std::vector<Reply>> ClusterClient::RunSpread(
    absl::Span<const Args> commands, const PipelineShape& shape) {
  struct Todo {
    size_t index;
    std::string ask;
  };
  std::vector<std::optional<Reply>> replies(commands.size());
  std::vector<Todo> todo;
  for (size_t i = 0; i < commands.size(); ++i) todo.push_back({i, ""});
  Retries retries(options_.retry_budget, options_.max_rounds);
  RoundNews news;
  while (!todo.empty() && retries.NextRound(news.wait)) {
    news = RoundNews();
    int64_t generation = 0;
    absl::StatusOr<MapPtr> map = Map(&generation);
    if (!map.ok()) {
      news.why = std::string(map.status().message());
      news.wait = true;
      continue;
    }
    // Group by node, in order of first appearance; keyless commands go
    // with the first keyed one (or to the first master).
    std::vector<Batch> batches;
    std::vector<Todo> retry;
    auto add = [&](const std::string& node, const std::string& ask, size_t i) {
      for (Batch& b : batches) {
        if (b.node == node && b.ask == ask) {
          b.indices.push_back(i);
          return;
        }
      }
      batches.push_back({node, ask, {i}});
    };
    std::vector<size_t> keyless;
    for (Todo& t : todo) {
      int slot = shape.slots[t.index];
      if (slot < 0) {
        keyless.push_back(t.index);
      } else if (!t.ask.empty()) {
        add(t.ask, t.ask, t.index);
      } else if (const std::string* owner = (*map)->MasterOf(slot)) {
        add(*owner, "", t.index);
      } else {
        news.refresh = news.wait = true;
        news.why = absl::StrCat("no master serves slot ", slot);
        retry.push_back(std::move(t));
      }
    }
    if (!keyless.empty()) {
      if (batches.empty() && (*map)->masters().empty()) {
        news.refresh = news.wait = true;
        news.why = "no master known";
        for (size_t i : keyless) retry.push_back({i, ""});
      } else {
        if (batches.empty()) batches.push_back({(*map)->masters()[0].address});
        std::vector<size_t>& first = batches.front().indices;
        first.insert(first.end(), keyless.begin(), keyless.end());
        std::sort(first.begin(), first.end());
      }
    }
    for (const Batch& batch : batches) {
      std::vector<Args> selected;
      for (size_t i : batch.indices) selected.push_back(commands[i]);
      Framed framed;
      if (batch.ask.empty()) {
        framed.commands = std::move(selected);
        for (size_t k = 0; k < batch.indices.size(); ++k) {
          framed.keep.push_back(k);
        }
      } else {
        framed = FrameWithAsking(selected);
      }
      ASSIGN_OR_RETURN(std::shared_ptr<RedisPool> pool, PoolFor(batch.node));
      bool sent = false;
      absl::StatusOr<std::vector<Reply>> got =
          pool->Send(framed.commands, &sent);
      if (!got.ok()) {
        if (!sent && got.status().code() == absl::StatusCode::kUnavailable) {
          // Nothing left the client: read the map again and resend.
          news.refresh = news.wait = true;
          news.why = std::string(got.status().message());
          for (size_t i : batch.indices) retry.push_back({i, batch.ask});
          continue;
        }
        if (got.status().code() == absl::StatusCode::kUnavailable) MarkStale();
        return got.status();
      }
      for (size_t k = 0; k < batch.indices.size(); ++k) {
        size_t i = batch.indices[k];
        Reply& reply = (*got)[framed.keep[k]];
        Verdict verdict = VerdictOf(reply);
        std::optional<Redirect> to;
        if (verdict == Verdict::kMoved || verdict == Verdict::kAsk) {
          to = ParseRedirect(reply.str(), HostOf(batch.node));
          if (!to.has_value()) verdict = Verdict::kDone;  // malformed: as is
        }
        switch (verdict) {
          case Verdict::kDone:
            replies[i] = std::move(reply);
            break;
          case Verdict::kMoved:
            news.moved.push_back(*to);
            news.why = reply.str();
            retry.push_back({i, ""});
            break;
          case Verdict::kAsk:
            news.why = reply.str();
            retry.push_back({i, to->address});
            break;
          case Verdict::kRetryLater:
            news.wait = true;
            news.refresh =
                news.refresh || absl::StartsWith(reply.str(), "CLUSTERDOWN");
            news.why = reply.str();
            retry.push_back({i, batch.ask});
            break;
        }
      }
    }
    todo = std::move(retry);
    if (!news.moved.empty() || news.refresh) {
      RefreshAfter(generation).IgnoreError();  // the next round tells
      for (const Redirect& moved : news.moved) ApplyMoved(moved);
    }
  }
  if (!todo.empty()) {
    return GaveUp(news.why, static_cast<int64_t>(commands.size()));
  }
  std::vector<Reply> out;
  out.reserve(replies.size());
  for (std::optional<Reply>& r : replies) out.push_back(*std::move(r));
  return out;
}

absl::StatusOr<std::vector<Reply>> ClusterClient::RunBound(
    absl::Span<const Args> commands, const PipelineShape& shape) {
  int slot = -1;
  for (int s : shape.slots) {
    if (s >= 0) {
      slot = s;
      break;
    }
  }
  std::string ask;
  Retries retries(options_.retry_budget, options_.max_rounds);
  RoundNews news;
  while (retries.NextRound(news.wait)) {
    news = RoundNews();
    int64_t generation = 0;
    absl::StatusOr<MapPtr> map = Map(&generation);
    if (!map.ok()) {
      news.why = std::string(map.status().message());
      news.wait = true;
      continue;
    }
    std::string node = ask;
    if (node.empty() && slot >= 0) {
      const std::string* owner = (*map)->MasterOf(slot);
      if (owner != nullptr) node = *owner;
    } else if (node.empty() && !(*map)->masters().empty()) {
      node = (*map)->masters()[0].address;
    }
    if (node.empty()) {
      news.refresh = news.wait = true;
      news.why = absl::StrCat("no master serves slot ", slot);
      RefreshAfter(generation).IgnoreError();
      continue;
    }
    Framed framed;
    if (ask.empty()) {
      framed.commands.assign(commands.begin(), commands.end());
      for (size_t k = 0; k < commands.size(); ++k) framed.keep.push_back(k);
    } else {
      framed = FrameWithAsking(commands);
    }
    ASSIGN_OR_RETURN(std::shared_ptr<RedisPool> pool, PoolFor(node));
    bool sent = false;
    absl::StatusOr<std::vector<Reply>> got = pool->Send(framed.commands, &sent);
    if (!got.ok()) {
      if (!sent && got.status().code() == absl::StatusCode::kUnavailable) {
        news.wait = true;
        news.why = std::string(got.status().message());
        RefreshAfter(generation).IgnoreError();
        continue;
      }
      if (got.status().code() == absl::StatusCode::kUnavailable) MarkStale();
      return got.status();
    }
    std::vector<Reply> replies;
    replies.reserve(commands.size());
    for (size_t k : framed.keep) replies.push_back(std::move((*got)[k]));
    int because = NoneRanBecause(commands, shape.slots, replies);
    if (because < 0) return replies;
    const Reply& reply = replies[because];
    news.why = reply.str();
    std::optional<Redirect> to = ParseRedirect(reply.str(), HostOf(node));
    switch (VerdictOf(reply)) {
      case Verdict::kMoved:
        if (!to.has_value()) return replies;
        ask.clear();
        RefreshAfter(generation).IgnoreError();
        ApplyMoved(*to);
        break;
      case Verdict::kAsk:
        if (!to.has_value()) return replies;
        ask = to->address;
        break;
      case Verdict::kRetryLater:
        news.wait = true;
        if (absl::StartsWith(reply.str(), "CLUSTERDOWN")) {
          RefreshAfter(generation).IgnoreError();
        }
        break;
      case Verdict::kDone:
        return replies;
    }
  }
  return GaveUp(news.why, static_cast<int64_t>(commands.size()));
}

absl::StatusOr<Reply> ClusterClient::ReadStreams(const StreamRead& read) {
  if (read.streams.empty()) return Reply::Nil();
  std::vector<std::string> keys;
  bool one_slot = true;
  for (const auto& [key, id] : read.streams) {
    keys.push_back(key);
    one_slot = one_slot && KeySlot(key) == KeySlot(keys.front());
  }
  if (one_slot) return RedisClient::ReadStreams(read);
  absl::Time deadline = absl::Now() + read.block;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<NodeKeys> groups, GroupByNode(keys));
    std::vector<Reply> found;
    // A master that does not answer (killed, failing over) must not stop
    // the reads of the others: its streams are skipped this round, and the
    // map is read again, so that they are read on its successor once one
    // serves them. Only when no master answered is the round an error.
    absl::Status failure;
    size_t answered = 0;
    for (const NodeKeys& group : groups) {
      std::vector<Args> commands;
      for (size_t k : group.keys) {
        commands.push_back(StreamReadCommand(read, {k}, absl::ZeroDuration()));
      }
      absl::StatusOr<std::vector<Reply>> replies =
          PipelineOnNode(group.node, commands);
      if (!replies.ok()) {
        MarkStale();
        failure = replies.status();
        continue;
      }
      ++answered;
      for (Reply& reply : *replies) {
        Verdict verdict = VerdictOf(reply);
        if (verdict == Verdict::kMoved || verdict == Verdict::kAsk) {
          continue;  // moved meanwhile: the next round reads it there
        }
        if (verdict == Verdict::kRetryLater) {  // CLUSTERDOWN, TRYAGAIN
          MarkStale();
          failure = reply.ToStatus();
          continue;
        }
        RETURN_IF_ERROR(reply.ToStatus());
        for (const Reply& stream : reply.elements()) found.push_back(stream);
      }
    }
    if (!found.empty()) return Reply::Array(std::move(found));
    if (answered == 0 && !failure.ok()) return failure;
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return Reply::Nil();
    absl::SleepFor(std::min(left, options_.stream_poll));
  }
}

absl::StatusOr<std::vector<std::vector<Reply>>> ClusterClient::OnEveryMaster(
    absl::Span<const Args> commands) {
  int64_t generation = 0;
  ASSIGN_OR_RETURN(MapPtr map, Map(&generation));
  std::vector<std::vector<Reply>> out;
  for (const ClusterMaster& master : map->masters()) {
    ASSIGN_OR_RETURN(std::vector<Reply> replies,
                     PipelineOnNode(master.address, commands));
    out.push_back(std::move(replies));
  }
  return out;
}

absl::StatusOr<std::vector<NodeKeys>> ClusterClient::GroupByNode(
    absl::Span<const std::string> keys) {
  int64_t generation = 0;
  ASSIGN_OR_RETURN(MapPtr map, Map(&generation));
  std::vector<NodeKeys> out;
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string* owner = map->MasterOf(KeySlot(keys[i]));
    if (owner == nullptr) continue;
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const NodeKeys& g) { return g.node == *owner; });
    if (it == out.end()) {
      out.push_back({*owner, {i}});
    } else {
      it->keys.push_back(i);
    }
  }
  return out;
}

absl::StatusOr<std::vector<Reply>> ClusterClient::PipelineOnNode(
    const std::string& node, absl::Span<const Args> commands) {
  ASSIGN_OR_RETURN(std::shared_ptr<RedisPool> pool, PoolFor(node));
  absl::StatusOr<std::vector<Reply>> got = pool->Pipeline(commands);
  if (!got.ok()) {
    if (got.status().code() == absl::StatusCode::kUnavailable) MarkStale();
    return got;
  }
  for (const Reply& reply : *got) {
    Verdict v = VerdictOf(reply);
    if (v == Verdict::kMoved || v == Verdict::kAsk) {
      MarkStale();
      break;
    }
  }
  return got;
}

}  // namespace gridcase::redis
