// FakeRegistryClient: a registry in memory for unit tests (the test-only
// library gridcase::registry_client_fakes).
#ifndef GRIDCASE_COMMON_REGISTRY_CLIENT_FAKE_REGISTRY_CLIENT_H_
#define GRIDCASE_COMMON_REGISTRY_CLIENT_FAKE_REGISTRY_CLIENT_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/registry_client/registry_client.h"

namespace gridcase::registry_client {

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
  // Rules: (category, grid prefix) → response; the longest prefix wins.
  void AddResponsibility(std::string category_code, std::string grid_prefix,
                         v1::ResolveResponsibilityResponse response) {
    rules_[{std::move(category_code), std::move(grid_prefix)}] =
        std::move(response);
  }
  void AddDepartment(v1::Department d) { departments_[d.id()] = std::move(d); }
  void AddMember(v1::Member m) { members_[m.id()] = std::move(m); }
  // Replaces the default calendar (08:00-12:00, 14:00-18:00, no holidays).
  void SetCalendar(v1::WorkingCalendar c) { calendar_ = std::move(c); }

  absl::StatusOr<v1::LocateGridResponse> Locate(double latitude,
                                                double longitude) override;
  absl::StatusOr<v1::Category> GetCategory(const std::string& code) override;
  absl::StatusOr<v1::WorkingCalendar> GetCalendar() override;
  // Knows the grid, community, town and city of every added box.
  absl::StatusOr<v1::Region> GetRegion(const std::string& code) override;
  absl::StatusOr<v1::ResolveResponsibilityResponse> Resolve(
      const std::string& category_code, const std::string& grid_code) override;
  absl::StatusOr<v1::Department> GetDepartment(const std::string& id) override;
  absl::StatusOr<v1::Member> GetMember(const std::string& id) override;

 private:
  std::vector<Box> grids_;
  std::map<std::pair<std::string, std::string>,
           v1::ResolveResponsibilityResponse>
      rules_;
  std::map<std::string, v1::Department> departments_;
  std::map<std::string, v1::Member> members_;
  std::optional<v1::WorkingCalendar> calendar_;
  std::map<std::string, v1::Category> categories_;
  absl::Status failure_;
};

}  // namespace gridcase::registry_client

#endif  // GRIDCASE_COMMON_REGISTRY_CLIENT_FAKE_REGISTRY_CLIENT_H_
