// StatsServiceImpl: gridcase.v1.StatsService — indicators, rankings, trends
// and hotspots for every caller except citizens. Each handler identifies the
// caller, checks the role and delegates to StatsQueries, through QueryCache
// when one is given.
#ifndef GRIDCASE_SERVICES_STATS_STATS_SERVICE_H_
#define GRIDCASE_SERVICES_STATS_STATS_SERVICE_H_

#include "common/auth/authenticator.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "services/stats/queries.h"
#include "services/stats/query_cache.h"
#include "services/stats/reports.h"

namespace gridcase::stats {

class StatsServiceImpl final : public v1::StatsService::Service {
 public:
  // `cache` may be null (every call computes); `reports` may be null (the
  // report RPCs answer UNIMPLEMENTED).
  StatsServiceImpl(StatsQueries* queries,
                   const auth::Authenticator* authenticator,
                   QueryCache* cache = nullptr, Reports* reports = nullptr)
      : queries_(queries),
        authenticator_(authenticator),
        cache_(cache),
        reports_(reports) {}

  grpc::Status Summary(grpc::ServerContext* ctx, const v1::SummaryRequest* req,
                       v1::SummaryResponse* resp) override;
  grpc::Status Ranking(grpc::ServerContext* ctx, const v1::RankingRequest* req,
                       v1::RankingResponse* resp) override;
  grpc::Status Trend(grpc::ServerContext* ctx, const v1::TrendRequest* req,
                     v1::TrendResponse* resp) override;
  grpc::Status Hotspots(grpc::ServerContext* ctx,
                        const v1::HotspotsRequest* req,
                        v1::HotspotsResponse* resp) override;
  grpc::Status PublishReport(grpc::ServerContext* ctx,
                             const v1::PublishReportRequest* req,
                             v1::PublishReportResponse* resp) override;
  grpc::Status GetReport(grpc::ServerContext* ctx,
                         const v1::GetReportRequest* req,
                         v1::GetReportResponse* resp) override;
  grpc::Status ListReports(grpc::ServerContext* ctx,
                           const v1::ListReportsRequest* req,
                           v1::ListReportsResponse* resp) override;

 private:
  StatsQueries* queries_;
  const auth::Authenticator* authenticator_;
  QueryCache* cache_;
  Reports* reports_;
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_STATS_SERVICE_H_
