// IntakeServiceImpl: gridcase.v1.IntakeService — reporting a case from any
// channel (validated, idempotent, located, de-duplicated, stored atomically)
// and the reporter-facing reads. Handlers see only injected interfaces: the
// case store, the registry client, the authenticator, the clock and metrics.
//
// Every RPC of the contract is built (issue #4).
#ifndef GRIDCASE_SERVICES_INTAKE_INTAKE_SERVICE_H_
#define GRIDCASE_SERVICES_INTAKE_INTAKE_SERVICE_H_

#include "absl/status/status.h"
#include "common/auth/authenticator.h"
#include "common/auth/serve.h"
#include "common/clock/clock.h"
#include "common/registry_client/registry_client.h"
#include "common/store/visibility.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "services/intake/case_store.h"
#include "services/intake/intake_metrics.h"
#include "services/intake/report_quota.h"
#include "services/intake/watch_hub.h"

namespace gridcase::intake {

struct IntakeOptions {
  int shards = 16;
  // Share of the REGISTER limit after which a new report's light turns
  // yellow (dispatch's --warn_share for the later stages).
  double warn_share = 0.8;
  // The daily report quota (report_quota.h): new reports a member of the
  // public may make per local date. None when 0 or without a store.
  int64_t report_quota_per_day = 0;
  ReportQuota* report_quota = nullptr;
};

// GetCase, the read apps and dashboards call most, is served on gRPC's
// callback API: its thread returns while Redis answers (the reply arrives on
// the Redis client's reader thread, which finishes the call). The other
// methods are synchronous.
class IntakeServiceImpl final
    : public v1::IntakeService::WithCallbackMethod_GetCase<
          v1::IntakeService::Service> {
 public:
  // `watch_hub` serves WatchCases (null: WatchCases is UNAVAILABLE).
  IntakeServiceImpl(CaseStore* store, registry_client::RegistryClient* registry,
                    const auth::Authenticator* authenticator,
                    const Clock* clock, IntakeMetrics* metrics,
                    WatchHub* watch_hub, IntakeOptions options);

  grpc::Status ReportCase(grpc::ServerContext* context,
                          const v1::ReportCaseRequest* request,
                          v1::ReportCaseResponse* response) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::GetCaseResponse* response) override;
  grpc::Status ListCases(grpc::ServerContext* context,
                         const v1::ListCasesRequest* request,
                         v1::ListCasesResponse* response) override;
  grpc::Status ListNearby(grpc::ServerContext* context,
                          const v1::ListNearbyRequest* request,
                          v1::ListNearbyResponse* response) override;
  grpc::Status AddFollowUp(grpc::ServerContext* context,
                           const v1::AddFollowUpRequest* request,
                           v1::AddFollowUpResponse* response) override;
  grpc::Status WatchCases(
      grpc::ServerContext* context, const v1::WatchCasesRequest* request,
      grpc::ServerWriter<v1::WatchCasesResponse>* writer) override;

 private:
  absl::Status DoReportCase(const v1::Actor& actor,
                            const v1::ReportCaseRequest& request,
                            v1::ReportCaseResponse* response);
  // Ends the call through `done`, now or when the store answers.
  void DoGetCase(const v1::Actor& actor, const v1::GetCaseRequest& request,
                 v1::GetCaseResponse* response, auth::CallDone done);
  absl::Status DoListCases(const v1::Actor& actor,
                           const v1::ListCasesRequest& request,
                           v1::ListCasesResponse* response);
  absl::Status DoListNearby(const v1::Actor& actor,
                            const v1::ListNearbyRequest& request,
                            v1::ListNearbyResponse* response);
  absl::Status DoAddFollowUp(const v1::Actor& actor,
                             const v1::AddFollowUpRequest& request,
                             v1::AddFollowUpResponse* response);
  absl::Status DoWatchCases(const v1::Actor& actor,
                            const v1::WatchCasesRequest& request,
                            grpc::ServerContext* context,
                            grpc::ServerWriter<v1::WatchCasesResponse>* writer);

  // The case as `viewer` may see it (store::PresentCase), with its lights
  // as of now: stored lights are as of the last write.
  v1::Case Present(v1::Case c, const v1::Actor& viewer) const;

  CaseStore* store_;
  registry_client::RegistryClient* registry_;
  const auth::Authenticator* authenticator_;
  const Clock* clock_;
  IntakeMetrics* metrics_;
  WatchHub* watch_hub_;
  IntakeOptions options_;
};

// Who may give a report an external reference: a channel backend (for the
// system behind it) or centre staff entering another system's work orders.
absl::Status AuthorizeExternalRef(const v1::Actor& actor);

// Who may report from which source; CITIZEN and GRID_MANAGER callers report
// as themselves. Returns the reporter to store (defaults filled in).
absl::StatusOr<v1::Reporter> AuthorizeReporter(const v1::Actor& actor,
                                               v1::Source source,
                                               const v1::Reporter& requested);

using store::OnlyCitizen;

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_INTAKE_SERVICE_H_
