#include "tests/fault/stats_snapshot.h"

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "common/testing/test_identity.h"

namespace gridcase::fault {
namespace {

constexpr char kTown[] = "330483101";  // 濮院镇

template <typename Resp, typename Req, typename Rpc>
absl::StatusOr<std::shared_ptr<google::protobuf::Message>> Query(
    v1::StatsService::Stub* stub, Rpc rpc, const std::string& actor,
    const Req& req) {
  grpc::ClientContext context;
  testing::Identify(&context, actor);
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto resp = std::make_shared<Resp>();
  absl::Status s = FromGrpcStatus((stub->*rpc)(&context, req, resp.get()));
  if (!s.ok()) return s;
  resp->clear_computed_at();
  return resp;
}

}  // namespace

absl::StatusOr<StatsSnapshot> TakeStatsSnapshot(v1::StatsService::Stub* stub,
                                                const std::string& actor,
                                                const v1::DateRange& period) {
  StatsSnapshot snapshot;
  const std::pair<v1::ScopeKind, std::string> scopes[] = {
      {v1::SCOPE_KIND_ALL, ""},
      {v1::SCOPE_KIND_REGION, kTown},
      {v1::SCOPE_KIND_DEPARTMENT, "sanitation"}};
  for (const auto& [kind, code] : scopes) {
    v1::SummaryRequest req;
    req.mutable_scope()->set_kind(kind);
    req.mutable_scope()->set_code(code);
    *req.mutable_period() = period;
    absl::StatusOr<std::shared_ptr<google::protobuf::Message>> resp =
        Query<v1::SummaryResponse>(stub, &v1::StatsService::Stub::Summary,
                                   actor, req);
    if (!resp.ok()) return resp.status();
    snapshot.emplace_back(
        absl::StrCat("Summary ", v1::ScopeKind_Name(kind), " ", code), *resp);
  }
  const std::pair<v1::RankingLevel, v1::Indicator> rankings[] = {
      {v1::RANKING_LEVEL_TOWN, v1::INDICATOR_ON_TIME_CLOSE_RATE},
      {v1::RANKING_LEVEL_DEPARTMENT, v1::INDICATOR_ON_TIME_HANDLE_RATE},
      {v1::RANKING_LEVEL_GRID, v1::INDICATOR_COMPOSITE}};
  for (const auto& [level, indicator] : rankings) {
    v1::RankingRequest req;
    req.set_level(level);
    req.set_indicator(indicator);
    *req.mutable_period() = period;
    if (level == v1::RANKING_LEVEL_GRID) req.set_parent_code(kTown);
    absl::StatusOr<std::shared_ptr<google::protobuf::Message>> resp =
        Query<v1::RankingResponse>(stub, &v1::StatsService::Stub::Ranking,
                                   actor, req);
    if (!resp.ok()) return resp.status();
    snapshot.emplace_back(absl::StrCat("Ranking ", v1::RankingLevel_Name(level),
                                       " by ", v1::Indicator_Name(indicator)),
                          *resp);
  }
  return snapshot;
}

std::string DiffStats(const StatsSnapshot& before, const StatsSnapshot& after) {
  if (before.size() != after.size()) return "different queries";
  std::string out;
  for (size_t i = 0; i < before.size(); ++i) {
    std::string diff;
    google::protobuf::util::MessageDifferencer d;
    d.ReportDifferencesToString(&diff);
    if (!d.Compare(*before[i].second, *after[i].second)) {
      absl::StrAppend(&out, before[i].first, ":\n", diff);
    }
  }
  return out;
}

}  // namespace gridcase::fault
