// RegistryClient: what intake and dispatch ask the registry — where a point
// is, what a category allows, the working calendar, who is responsible for a
// category in a grid, departments and members. GrpcRegistryClient calls
// gridcase.v1.RegistryService with a deadline on every call (so a registry
// outage is a quick UNAVAILABLE, never a hang) and caches categories and the
// calendar for a short time. FakeRegistryClient (fake_registry_client.h, a
// test-only library) serves unit tests.
#ifndef GRIDCASE_COMMON_REGISTRY_CLIENT_REGISTRY_CLIENT_H_
#define GRIDCASE_COMMON_REGISTRY_CLIENT_REGISTRY_CLIENT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/outbound.h"
#include "common/calendar/calendar.h"
#include "common/clock/clock.h"
#include "gridcase/v1/registry.grpc.pb.h"

namespace gridcase::registry_client {

// The registry being down or slow is UNAVAILABLE to the callers, "registry
// unavailable: <reason>" + `hint`, so they can tell which dependency failed;
// other statuses pass through.
absl::Status FromRegistry(const grpc::Status& status,
                          absl::string_view hint = "");

// A context for one registry call: the x-gridcase-actor header (e.g.
// "subject=system:intake; roles=system") and a deadline.
// A context for one registry call: the caller's service identity and a
// deadline. UNAVAILABLE if the identity cannot be had (e.g. an unreadable
// service token file).
absl::StatusOr<std::unique_ptr<grpc::ClientContext>> RegistryContext(
    const auth::OutboundIdentity& identity, absl::Duration deadline);

class RegistryClient {
 public:
  virtual ~RegistryClient() = default;
  // NOT_FOUND when no grid covers the point; UNAVAILABLE when the registry
  // cannot answer within the deadline.
  virtual absl::StatusOr<v1::LocateGridResponse> Locate(double latitude,
                                                        double longitude) = 0;
  // NOT_FOUND for an unknown category.
  virtual absl::StatusOr<v1::Category> GetCategory(const std::string& code) = 0;
  virtual absl::StatusOr<v1::WorkingCalendar> GetCalendar() = 0;
  // The working calendar, parsed. The default parses GetCalendar() on every
  // call; a client holding a copy of the registry parses once per version.
  virtual absl::StatusOr<std::shared_ptr<const calendar::WorkingCalendar>>
  GetWorkingCalendar();
  // NOT_FOUND for an unknown region code.
  virtual absl::StatusOr<v1::Region> GetRegion(const std::string& code) = 0;
  // FAILED_PRECONDITION when no responsibility rule matches.
  virtual absl::StatusOr<v1::ResolveResponsibilityResponse> Resolve(
      const std::string& category_code, const std::string& grid_code) = 0;
  // NOT_FOUND for an unknown department.
  virtual absl::StatusOr<v1::Department> GetDepartment(
      const std::string& id) = 0;
  // NOT_FOUND for an unknown member.
  virtual absl::StatusOr<v1::Member> GetMember(const std::string& id) = 0;
};

class GrpcRegistryClient final : public RegistryClient {
 public:
  // `identity` identifies the calling service on every call; it must
  // outlive the client.
  GrpcRegistryClient(std::unique_ptr<v1::RegistryService::StubInterface> stub,
                     absl::Duration deadline, absl::Duration cache_ttl,
                     const Clock* clock,
                     const auth::OutboundIdentity* identity);

  absl::StatusOr<v1::LocateGridResponse> Locate(double latitude,
                                                double longitude) override;
  absl::StatusOr<v1::Category> GetCategory(const std::string& code) override;
  absl::StatusOr<v1::WorkingCalendar> GetCalendar() override;
  absl::StatusOr<v1::Region> GetRegion(const std::string& code) override;
  absl::StatusOr<v1::ResolveResponsibilityResponse> Resolve(
      const std::string& category_code, const std::string& grid_code) override;
  absl::StatusOr<v1::Department> GetDepartment(const std::string& id) override;
  absl::StatusOr<v1::Member> GetMember(const std::string& id) override;

 private:
  template <typename Req, typename Resp>
  absl::Status Call(grpc::Status (v1::RegistryService::StubInterface::*rpc)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const Req& request, Resp* response);

  std::unique_ptr<v1::RegistryService::StubInterface> stub_;
  const absl::Duration deadline_;
  const absl::Duration cache_ttl_;
  const Clock* clock_;
  const auth::OutboundIdentity* identity_;
  absl::Mutex mu_;
  std::map<std::string, std::pair<absl::Time, v1::Category>> categories_
      ABSL_GUARDED_BY(mu_);
  std::pair<absl::Time, v1::WorkingCalendar> calendar_ ABSL_GUARDED_BY(mu_){
      absl::InfinitePast(), {}};
};

}  // namespace gridcase::registry_client

#endif  // GRIDCASE_COMMON_REGISTRY_CLIENT_REGISTRY_CLIENT_H_
