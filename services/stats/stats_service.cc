#include "services/stats/stats_service.h"

#include "common/auth/roles.h"
#include "common/auth/serve.h"
#include "common/status/status_macros.h"

namespace gridcase::stats {
namespace {

// Runs `query` for a staff caller and stores its answer in `resp`.
template <typename Resp, typename Query>
grpc::Status Serve(grpc::ServerContext* ctx,
                   const auth::Authenticator& authenticator,
                   absl::string_view action, Resp* resp, Query&& query) {
  return auth::ServeAs(ctx, authenticator,
                       [&](const v1::Actor& actor) -> absl::Status {
                         RETURN_IF_ERROR(auth::RequireStaff(actor, action));
                         ASSIGN_OR_RETURN(*resp, query());
                         return absl::OkStatus();
                       });
}

}  // namespace

grpc::Status StatsServiceImpl::Summary(grpc::ServerContext* ctx,
                                       const v1::SummaryRequest* req,
                                       v1::SummaryResponse* resp) {
  return Serve(ctx, *authenticator_, "read statistics", resp,
               [&] { return queries_->Summary(*req); });
}

grpc::Status StatsServiceImpl::Ranking(grpc::ServerContext* ctx,
                                       const v1::RankingRequest* req,
                                       v1::RankingResponse* resp) {
  return Serve(ctx, *authenticator_, "read rankings", resp,
               [&] { return queries_->Ranking(*req); });
}

grpc::Status StatsServiceImpl::Trend(grpc::ServerContext* ctx,
                                     const v1::TrendRequest* req,
                                     v1::TrendResponse* resp) {
  return Serve(ctx, *authenticator_, "read trends", resp,
               [&] { return queries_->Trend(*req); });
}

grpc::Status StatsServiceImpl::Hotspots(grpc::ServerContext* ctx,
                                        const v1::HotspotsRequest* req,
                                        v1::HotspotsResponse* resp) {
  return Serve(ctx, *authenticator_, "read hotspots", resp,
               [&] { return queries_->Hotspots(*req); });
}

}  // namespace gridcase::stats
