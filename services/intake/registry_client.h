// RegistryClient: what intake asks the registry — where a point is, what a
// category allows, and the working calendar. GrpcRegistryClient calls
// gridcase.v1.RegistryService with a deadline on every call (so a registry
// outage is a quick UNAVAILABLE, never a hang) and caches categories and the
// calendar for a short time; FakeRegistryClient serves unit tests.
#ifndef GRIDCASE_SERVICES_INTAKE_REGISTRY_CLIENT_H_
#define GRIDCASE_SERVICES_INTAKE_REGISTRY_CLIENT_H_

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "gridcase/v1/registry.grpc.pb.h"

namespace gridcase::intake {

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
  // NOT_FOUND for an unknown region code.
  virtual absl::StatusOr<v1::Region> GetRegion(const std::string& code) = 0;
};

class GrpcRegistryClient final : public RegistryClient {
 public:
  GrpcRegistryClient(std::unique_ptr<v1::RegistryService::StubInterface> stub,
                     absl::Duration deadline, absl::Duration cache_ttl,
                     const Clock* clock);

  absl::StatusOr<v1::LocateGridResponse> Locate(double latitude,
                                                double longitude) override;
  absl::StatusOr<v1::Category> GetCategory(const std::string& code) override;
  absl::StatusOr<v1::WorkingCalendar> GetCalendar() override;
  absl::StatusOr<v1::Region> GetRegion(const std::string& code) override;

 private:
  template <typename Req, typename Resp>
  absl::Status Call(grpc::Status (v1::RegistryService::StubInterface::*rpc)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const Req& request, Resp* response);

  std::unique_ptr<v1::RegistryService::StubInterface> stub_;
  const absl::Duration deadline_;
  const absl::Duration cache_ttl_;
  const Clock* clock_;
  absl::Mutex mu_;
  std::map<std::string, std::pair<absl::Time, v1::Category>> categories_
      ABSL_GUARDED_BY(mu_);
  std::pair<absl::Time, v1::WorkingCalendar> calendar_ ABSL_GUARDED_BY(mu_){
      absl::InfinitePast(), {}};
};

// A registry in memory: grids are axis-aligned boxes.
class FakeRegistryClient final : public RegistryClient {
 public:
  struct Box {
    v1::LocateGridResponse located;
    double south, west, north, east;
  };
  void AddGrid(Box box) { grids_.push_back(std::move(box)); }
  void AddCategory(v1::Category category) {
    categories_[category.code()] = std::move(category);
  }
  void SetFailure(absl::Status status) { failure_ = std::move(status); }

  absl::StatusOr<v1::LocateGridResponse> Locate(double latitude,
                                                double longitude) override;
  absl::StatusOr<v1::Category> GetCategory(const std::string& code) override;
  absl::StatusOr<v1::WorkingCalendar> GetCalendar() override;
  // Knows the grid, community, town and city of every added box.
  absl::StatusOr<v1::Region> GetRegion(const std::string& code) override;

 private:
  std::vector<Box> grids_;
  std::map<std::string, v1::Category> categories_;
  absl::Status failure_;
};

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_REGISTRY_CLIENT_H_
