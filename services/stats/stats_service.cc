#include "services/stats/stats_service.h"

#include "absl/strings/str_cat.h"
#include "common/auth/serve.h"
#include "common/status/status_macros.h"

namespace gridcase::stats {
namespace {

// Runs `query` for a caller the authorization table admits to `method`
// and stores its answer in `resp`, from `cache` when it holds a recent one.
template <typename Resp, typename Query>
grpc::Status Serve(grpc::ServerContext* ctx,
                   const auth::Authenticator& authenticator, QueryCache* cache,
                   absl::string_view method,
                   const google::protobuf::Message& req, Resp* resp,
                   Query&& query) {
  return auth::ServeAs(
      ctx, authenticator, absl::StrCat("gridcase.v1.StatsService/", method),
      req, [&](const v1::Actor&) -> absl::Status {
        if (cache == nullptr) {
          ASSIGN_OR_RETURN(*resp, query());
        } else {
          ASSIGN_OR_RETURN(*resp, cache->Get<Resp>(method, req, query));
        }
        return absl::OkStatus();
      });
}

// Runs a report call for an admitted caller; UNIMPLEMENTED without reports.
template <typename Resp, typename Call>
grpc::Status ServeReport(grpc::ServerContext* ctx,
                         const auth::Authenticator& authenticator,
                         Reports* reports, absl::string_view method,
                         const google::protobuf::Message& req, Resp* resp,
                         Call&& call) {
  return auth::ServeAs(
      ctx, authenticator, absl::StrCat("gridcase.v1.StatsService/", method),
      req, [&](const v1::Actor& actor) -> absl::Status {
        if (reports == nullptr) {
          return absl::UnimplementedError("published reports are not served");
        }
        ASSIGN_OR_RETURN(*resp, call(actor));
        return absl::OkStatus();
      });
}

}  // namespace

grpc::Status StatsServiceImpl::PublishReport(
    grpc::ServerContext* ctx, const v1::PublishReportRequest* req,
    v1::PublishReportResponse* resp) {
  return ServeReport(ctx, *authenticator_, reports_, "PublishReport", *req,
                     resp, [&](const v1::Actor& actor) {
                       return reports_->Publish(*req, actor.subject());
                     });
}

grpc::Status StatsServiceImpl::GetReport(grpc::ServerContext* ctx,
                                         const v1::GetReportRequest* req,
                                         v1::GetReportResponse* resp) {
  return ServeReport(
      ctx, *authenticator_, reports_, "GetReport", *req, resp,
      [&](const v1::Actor&) -> absl::StatusOr<v1::GetReportResponse> {
        ASSIGN_OR_RETURN(v1::Report report, reports_->Get(*req));
        v1::GetReportResponse out;
        *out.mutable_report() = std::move(report);
        return out;
      });
}

grpc::Status StatsServiceImpl::ListReports(grpc::ServerContext* ctx,
                                           const v1::ListReportsRequest* req,
                                           v1::ListReportsResponse* resp) {
  return ServeReport(ctx, *authenticator_, reports_, "ListReports", *req, resp,
                     [&](const v1::Actor&) { return reports_->List(*req); });
}

grpc::Status StatsServiceImpl::Summary(grpc::ServerContext* ctx,
                                       const v1::SummaryRequest* req,
                                       v1::SummaryResponse* resp) {
  return Serve(ctx, *authenticator_, cache_, "Summary", *req, resp,
               [&] { return queries_->Summary(*req); });
}

grpc::Status StatsServiceImpl::Ranking(grpc::ServerContext* ctx,
                                       const v1::RankingRequest* req,
                                       v1::RankingResponse* resp) {
  return Serve(ctx, *authenticator_, cache_, "Ranking", *req, resp,
               [&] { return queries_->Ranking(*req); });
}

grpc::Status StatsServiceImpl::Trend(grpc::ServerContext* ctx,
                                     const v1::TrendRequest* req,
                                     v1::TrendResponse* resp) {
  return Serve(ctx, *authenticator_, cache_, "Trend", *req, resp,
               [&] { return queries_->Trend(*req); });
}

grpc::Status StatsServiceImpl::Hotspots(grpc::ServerContext* ctx,
                                        const v1::HotspotsRequest* req,
                                        v1::HotspotsResponse* resp) {
  return Serve(ctx, *authenticator_, cache_, "Hotspots", *req, resp,
               [&] { return queries_->Hotspots(*req); });
}

}  // namespace gridcase::stats
