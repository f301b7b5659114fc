#include "common/registry_client/fake_registry_client.h"

#include "absl/strings/str_cat.h"
#include "common/calendar/calendar_proto.h"

namespace gridcase::registry_client {

absl::StatusOr<v1::ResolveResponsibilityResponse> FakeRegistryClient::Resolve(
    const std::string& category_code, const std::string& grid_code) {
  if (!failure_.ok()) return failure_;
  const v1::ResolveResponsibilityResponse* best = nullptr;
  size_t best_len = 0;
  for (const auto& [key, response] : rules_) {
    if (key.first == category_code &&
        grid_code.compare(0, key.second.size(), key.second) == 0 &&
        (best == nullptr || key.second.size() > best_len)) {
      best = &response;
      best_len = key.second.size();
    }
  }
  if (best == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("no responsibility rule for category ", category_code,
                     " in grid ", grid_code));
  }
  return *best;
}

absl::StatusOr<v1::Department> FakeRegistryClient::GetDepartment(
    const std::string& id) {
  if (!failure_.ok()) return failure_;
  auto it = departments_.find(id);
  if (it == departments_.end()) {
    return absl::NotFoundError(absl::StrCat("department '", id, "' not found"));
  }
  return it->second;
}

absl::StatusOr<v1::Member> FakeRegistryClient::GetMember(
    const std::string& id) {
  if (!failure_.ok()) return failure_;
  auto it = members_.find(id);
  if (it == members_.end()) {
    return absl::NotFoundError(absl::StrCat("member '", id, "' not found"));
  }
  return it->second;
}

absl::StatusOr<v1::Region> FakeRegistryClient::GetRegion(
    const std::string& code) {
  if (!failure_.ok()) return failure_;
  for (const Box& b : grids_) {
    for (const v1::Region* r : {&b.located.grid(), &b.located.community(),
                                &b.located.town(), &b.located.city()}) {
      if (r->code() == code) return *r;
    }
  }
  return absl::NotFoundError(absl::StrCat("region ", code, " not found"));
}

absl::StatusOr<v1::LocateGridResponse> FakeRegistryClient::Locate(
    double latitude, double longitude) {
  if (!failure_.ok()) return failure_;
  for (const Box& b : grids_) {
    if (latitude >= b.south && latitude <= b.north && longitude >= b.west &&
        longitude <= b.east) {
      return b.located;
    }
  }
  return absl::NotFoundError("outside every grid");
}

absl::StatusOr<v1::Category> FakeRegistryClient::GetCategory(
    const std::string& code) {
  if (!failure_.ok()) return failure_;
  auto it = categories_.find(code);
  if (it == categories_.end()) {
    return absl::NotFoundError(absl::StrCat("category '", code, "' not found"));
  }
  return it->second;
}

absl::StatusOr<v1::WorkingCalendar> FakeRegistryClient::GetCalendar() {
  if (!failure_.ok()) return failure_;
  if (calendar_.has_value()) return *calendar_;
  return calendar::DefaultCalendarProto();
}

}  // namespace gridcase::registry_client
