#include "services/stats/redis_aggregates.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"
#include "services/stats/contributions.h"
#include "services/stats/dimensions.h"

namespace gridcase::stats {
namespace {

constexpr int kMaxRetries = 64;

int64_t ToInt(const redis::Reply& r) {
  int64_t n = 0;
  if (r.type() == redis::Reply::Type::kInteger) return r.integer();
  (void)absl::SimpleAtoi(r.str(), &n);
  return n;
}

// "value|code" → (value, code), splitting at the last '|'.
std::pair<absl::string_view, absl::string_view> SplitField(
    absl::string_view field) {
  size_t bar = field.rfind('|');
  if (bar == absl::string_view::npos) return {field, ""};
  return {field.substr(0, bar), field.substr(bar + 1)};
}

void AddNow(NowCounts* n, absl::string_view what, int64_t v) {
  if (what == "op") {
    n->open += v;
  } else if (what == "red") {
    n->red += v;
  } else if (absl::ConsumePrefix(&what, "s")) {
    int state = 0;
    if (absl::SimpleAtoi(what, &state)) n->by_state[state] += v;
  }
}

}  // namespace

struct RedisAggregates::Job {
  const v1::CaseEvent* event = nullptr;
  int shard = 0;
  std::string prefix;
  int64_t generation = 0;
  bool primary = false;  // the current generation (counted in the result)
  // The record already holds the event: nothing to apply.
  bool duplicate = false;
  std::string expected;
  std::string next;
  Deltas deltas;
};

absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>>
RedisAggregates::Generations() {
  std::vector<redis::Args> commands;
  for (int s = 0; s < options_.shards; ++s) {
    commands.push_back({"HMGET", store::StatsMetaKey(s), "cur", "build"});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const redis::Reply& r : replies) {
    RETURN_IF_ERROR(r.ToStatus());
    int64_t cur = 1;
    int64_t build = 0;
    if (r.elements().size() == 2) {
      if (!r.elements()[0].is_nil()) cur = ToInt(r.elements()[0]);
      if (!r.elements()[1].is_nil()) build = ToInt(r.elements()[1]);
    }
    out.emplace_back(cur, build);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> RedisAggregates::Prefixes(
    absl::string_view kind, const std::optional<std::string>& value) {
  ASSIGN_OR_RETURN(auto gens, Generations());
  // A town, community or grid lives on its town's shard only.
  int only = -1;
  if (value.has_value() && value->size() >= 9 &&
      (kind == kTown || kind == kCommunity || kind == kGrid)) {
    only = store::ShardOf(value->substr(0, 9), options_.shards);
  }
  std::vector<std::string> out;
  for (int s = 0; s < options_.shards; ++s) {
    if (only < 0 || s == only)
      out.push_back(store::StatsGenerationPrefix(s, gens[s].first));
  }
  return out;
}

absl::StatusOr<ApplyResult> RedisAggregates::Apply(
    const std::vector<v1::CaseEvent>& events) {
  ApplyResult total;
  // A rebuild may switch generations between reading them and applying; the
  // script then answers "stale" and the batch goes again (duplicates are
  // skipped: the case records know the events they hold).
  for (int pass = 0; pass < 3; ++pass) {
    ASSIGN_OR_RETURN(auto gens, Generations());
    std::vector<std::vector<int64_t>> targets;
    for (const auto& [cur, build] : gens) {
      targets.push_back({cur});
      if (build != 0 && build != cur) targets.back().push_back(build);
    }
    ASSIGN_OR_RETURN(ApplyResult r, ApplyToTargets(events, targets));
    total.duplicates = std::max(0, r.duplicates - total.applied);
    total.applied += r.applied;
    if (!r.stale) return total;
  }
  return absl::AbortedError("stats generations kept changing; retry later");
}

absl::StatusOr<ApplyResult> RedisAggregates::ApplyTo(
    const std::vector<v1::CaseEvent>& events, int64_t generation) {
  ASSIGN_OR_RETURN(ApplyResult r,
                   ApplyToTargets(events, std::vector<std::vector<int64_t>>(
                                              options_.shards, {generation})));
  if (r.stale) {
    return absl::AbortedError(
        absl::StrCat("generation ", generation, " is no longer being built"));
  }
  return r;
}

absl::Status RedisAggregates::Prepare(
    Job* job, const std::optional<std::string>& current) {
  std::optional<CaseRecord> old;
  if (current.has_value()) {
    ASSIGN_OR_RETURN(old, DecodeRecord(*current));
  }
  job->duplicate =
      old.has_value() && WasApplied(*old, job->event->case_version());
  if (job->duplicate) {
    job->deltas.clear();
    job->expected = job->next = current.value_or("");
    return absl::OkStatus();
  }
  CaseRecord next = Merge(old, *job->event);
  job->deltas = EventDeltas(*job->event, options_.zone);
  AddInto(&job->deltas, RecordDeltas(next));
  if (old.has_value()) AddInto(&job->deltas, RecordDeltas(*old), -1);
  job->expected = current.value_or("");
  job->next = Encode(next);
  return absl::OkStatus();
}

redis::Args RedisAggregates::ScriptCommand(const Job& job) const {
  const v1::CaseEvent& e = *job.event;
  // Every hash a delta goes to is a key of the script; each delta names
  // its hash by position (1-based) in that list.
  std::vector<std::string> buckets;
  std::map<std::string, size_t> position;
  std::vector<std::string> deltas;
  for (const auto& [key, delta] : job.deltas) {
    auto [it, fresh] = position.try_emplace(key.first, buckets.size() + 1);
    if (fresh) buckets.push_back(absl::StrCat(job.prefix, key.first));
    deltas.push_back(absl::StrCat(it->second));
    deltas.push_back(key.second);
    deltas.push_back(absl::StrCat(delta));
  }
  return store::ScriptCall(store::scripts::StatsApply())
      .Key("cases", absl::StrCat(job.prefix, store::kStatsCasesSuffix))
      .Key("meta", store::StatsMetaKey(job.shard))
      .Key("seen", absl::StrCat(job.prefix, store::StatsSeenSuffix(e.id())))
      .Keys("buckets", std::move(buckets))
      .Int("generation", job.generation)
      .Arg("event_id", e.id())
      .Arg("case_id", e.case_id())
      .Arg("expected", job.expected)
      .Arg("next", job.next)
      .Args("deltas", std::move(deltas))
      .EvalSha();
}

absl::StatusOr<std::vector<redis::Reply>> RedisAggregates::RunScripts(
    const std::vector<redis::Args>& commands) {
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  std::vector<size_t> again;
  for (size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].is_error() &&
        absl::StartsWith(replies[i].str(), "NOSCRIPT")) {
      again.push_back(i);
    }
  }
  if (again.empty()) return replies;
  // The script is not cached on that Redis (a restart, or a cluster master
  // it never ran on): EVAL with its body instead of EVALSHA. Being keyed
  // like the EVALSHA, it goes to the same master and caches the script
  // there. (A keyless SCRIPT LOAD would load it on whichever node the
  // client picks, and a cluster's other masters would answer NOSCRIPT for
  // ever: found by cluster_stack_test.)
  std::vector<redis::Args> retry;
  for (size_t i : again) {
    redis::Args eval = commands[i];
    eval[0] = "EVAL";
    eval[1] = store::scripts::StatsApply().body();
    retry.push_back(std::move(eval));
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> second, redis_->Pipeline(retry));
  for (size_t k = 0; k < again.size(); ++k) replies[again[k]] = second[k];
  return replies;
}

absl::StatusOr<ApplyResult> RedisAggregates::ApplyToTargets(
    const std::vector<v1::CaseEvent>& events,
    const std::vector<std::vector<int64_t>>& targets) {
  std::vector<Job> jobs;
  for (const v1::CaseEvent& e : events) {
    if (e.shard() < 0 || e.shard() >= options_.shards) {
      return absl::InvalidArgumentError(
          absl::StrCat("event ", e.id(), " has shard ", e.shard(),
                       " outside 0..", options_.shards - 1));
    }
    bool primary = true;
    for (int64_t gen : targets[e.shard()]) {
      Job job;
      job.event = &e;
      job.shard = e.shard();
      job.prefix = store::StatsGenerationPrefix(e.shard(), gen);
      job.generation = gen;
      job.primary = primary;
      primary = false;
      jobs.push_back(std::move(job));
    }
  }
  // The stored records, read once; events of one case within the batch chain
  // on each other's result.
  std::map<std::pair<std::string, std::string>, std::optional<std::string>>
      records;
  std::vector<std::pair<std::string, std::string>> read_keys;
  std::vector<redis::Args> reads;
  for (const Job& job : jobs) {
    auto key = std::make_pair(job.prefix, job.event->case_id());
    if (records.emplace(key, std::nullopt).second) {
      read_keys.push_back(key);
      reads.push_back({"HGET",
                       absl::StrCat(job.prefix, store::kStatsCasesSuffix),
                       job.event->case_id()});
    }
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> got, redis_->Pipeline(reads));
  for (size_t i = 0; i < got.size(); ++i) {
    RETURN_IF_ERROR(got[i].ToStatus());
    if (!got[i].is_nil()) records[read_keys[i]] = got[i].str();
  }
  std::vector<redis::Args> commands;
  std::vector<size_t> command_of(jobs.size(), 0);
  for (size_t k = 0; k < jobs.size(); ++k) {
    Job& job = jobs[k];
    auto key = std::make_pair(job.prefix, job.event->case_id());
    RETURN_IF_ERROR(Prepare(&job, records[key]));
    if (job.duplicate) continue;
    records[key] = job.next;
    command_of[k] = commands.size();
    commands.push_back(ScriptCommand(job));
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, RunScripts(commands));
  ApplyResult result;
  for (size_t k = 0; k < jobs.size(); ++k) {
    Job& job = jobs[k];
    std::string outcome = "dup";
    if (!job.duplicate) {
      RETURN_IF_ERROR(replies[command_of[k]].ToStatus());
      outcome = replies[command_of[k]].str();
    }
    for (int attempt = 0; outcome == "retry"; ++attempt) {
      if (attempt == kMaxRetries) {
        return absl::AbortedError(absl::StrCat(
            "stats record of case ", job.event->case_id(),
            " kept changing; event ", job.event->id(), " not applied yet"));
      }
      ASSIGN_OR_RETURN(
          redis::Reply current,
          redis_->Command({"HGET",
                           absl::StrCat(job.prefix, store::kStatsCasesSuffix),
                           job.event->case_id()}));
      RETURN_IF_ERROR(Prepare(&job, current.is_nil()
                                        ? std::nullopt
                                        : std::optional(current.str())));
      if (job.duplicate) {
        outcome = "dup";
        break;
      }
      ASSIGN_OR_RETURN(std::vector<redis::Reply> one,
                       RunScripts({ScriptCommand(job)}));
      RETURN_IF_ERROR(one[0].ToStatus());
      outcome = one[0].str();
    }
    if (outcome == "stale") {
      result.stale = true;
      continue;
    }
    if (!job.primary) continue;
    if (outcome == "ok") ++result.applied;
    if (outcome == "dup") ++result.duplicates;
  }
  return result;
}

absl::StatusOr<std::vector<std::map<std::string, Counts>>>
RedisAggregates::Counters(absl::string_view kind,
                          const std::optional<std::string>& value,
                          const std::vector<Buckets>& groups) {
  ASSIGN_OR_RETURN(std::vector<std::string> prefixes, Prefixes(kind, value));
  std::vector<redis::Args> commands;
  std::vector<size_t> group_of;
  for (size_t g = 0; g < groups.size(); ++g) {
    for (const std::string& prefix : prefixes) {
      for (const std::string& bucket : groups[g]) {
        std::string key =
            absl::StrCat(prefix, store::StatsBucketSuffix(kind, bucket));
        if (value.has_value()) {
          redis::Args args = {"HMGET", key};
          for (int c = 0; c < kNumCounters; ++c) {
            args.push_back(
                absl::StrCat(*value, "|", CodeOf(static_cast<Counter>(c))));
          }
          commands.push_back(std::move(args));
        } else {
          commands.push_back({"HGETALL", key});
        }
        group_of.push_back(g);
      }
    }
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  std::vector<std::map<std::string, Counts>> out(groups.size());
  if (value.has_value()) {
    for (auto& m : out) m[*value];
  }
  for (size_t k = 0; k < replies.size(); ++k) {
    RETURN_IF_ERROR(replies[k].ToStatus());
    auto& into = out[group_of[k]];
    const auto& el = replies[k].elements();
    if (value.has_value()) {
      Counts& counts = into[*value];
      for (size_t c = 0; c < el.size() && c < kNumCounters; ++c) {
        if (!el[c].is_nil()) counts.v[c] += ToInt(el[c]);
      }
      continue;
    }
    for (size_t f = 0; f + 1 < el.size(); f += 2) {
      auto [v, code] = SplitField(el[f].str());
      std::optional<Counter> counter = CounterOfCode(code);
      if (!counter.has_value()) continue;
      into[std::string(v)][*counter] += ToInt(el[f + 1]);
    }
  }
  return out;
}

absl::StatusOr<std::map<std::string, NowCounts>> RedisAggregates::Now(
    absl::string_view kind, const std::optional<std::string>& value) {
  ASSIGN_OR_RETURN(std::vector<std::string> prefixes, Prefixes(kind, value));
  std::vector<std::string> whats = {"op", "red"};
  for (int s = v1::CASE_STATE_REPORTED; s <= v1::CASE_STATE_MERGED; ++s) {
    whats.push_back(absl::StrCat("s", s));
  }
  std::vector<redis::Args> commands;
  for (const std::string& prefix : prefixes) {
    std::string key = absl::StrCat(prefix, store::StatsNowSuffix(kind));
    if (value.has_value()) {
      redis::Args args = {"HMGET", key};
      for (const std::string& w : whats) {
        args.push_back(absl::StrCat(*value, "|", w));
      }
      commands.push_back(std::move(args));
    } else {
      commands.push_back({"HGETALL", key});
    }
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  std::map<std::string, NowCounts> out;
  if (value.has_value()) out[*value];
  for (const redis::Reply& r : replies) {
    RETURN_IF_ERROR(r.ToStatus());
    const auto& el = r.elements();
    if (value.has_value()) {
      for (size_t w = 0; w < el.size() && w < whats.size(); ++w) {
        if (!el[w].is_nil()) AddNow(&out[*value], whats[w], ToInt(el[w]));
      }
      continue;
    }
    for (size_t f = 0; f + 1 < el.size(); f += 2) {
      auto [v, what] = SplitField(el[f].str());
      AddNow(&out[std::string(v)], what, ToInt(el[f + 1]));
    }
  }
  return out;
}

absl::StatusOr<std::vector<HotspotCell>> RedisAggregates::Hotspots(
    const Buckets& buckets, const std::vector<std::string>& towns) {
  ASSIGN_OR_RETURN(auto gens, Generations());
  std::vector<redis::Args> commands;
  for (const std::string& town : towns) {
    int shard = store::ShardOf(town, options_.shards);
    std::string prefix = store::StatsGenerationPrefix(shard, gens[shard].first);
    for (const std::string& bucket : buckets) {
      commands.push_back(
          {"HGETALL",
           absl::StrCat(prefix, store::StatsHotspotSuffix(town, bucket))});
    }
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  std::map<std::string, HotspotCell> cells;
  for (const redis::Reply& r : replies) {
    RETURN_IF_ERROR(r.ToStatus());
    const auto& el = r.elements();
    for (size_t f = 0; f + 1 < el.size(); f += 2) {
      auto [cell_key, what] = SplitField(el[f].str());
      auto [it, fresh] = cells.try_emplace(std::string(cell_key));
      if (fresh) {
        std::vector<std::string> parts = absl::StrSplit(cell_key, '|');
        if (parts.size() != 3) {
          cells.erase(it);
          continue;
        }
        it->second.grid = parts[0];
        it->second.category = parts[1];
        it->second.source = parts[2];
      }
      int64_t v = ToInt(el[f + 1]);
      if (what == "rp") it->second.reports += v;
      if (what == "op") it->second.open += v;
      if (what == "red") it->second.red += v;
    }
  }
  std::vector<HotspotCell> out;
  for (auto& [k, cell] : cells) out.push_back(std::move(cell));
  return out;
}

}  // namespace gridcase::stats
