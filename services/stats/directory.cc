#include "services/stats/directory.h"

#include "absl/strings/str_cat.h"
#include "common/registry_client/registry_client.h"
#include "common/status/find.h"
#include "common/status/status_macros.h"
#include "services/stats/dimensions.h"

namespace gridcase::stats {
namespace {

size_t RegionCodeLength(absl::string_view kind) {
  if (kind == kCity) return 6;
  if (kind == kTown) return 9;
  if (kind == kCommunity) return 12;
  if (kind == kGrid) return 15;
  return 0;
}

std::vector<Entity> ToEntities(const std::map<std::string, std::string>& m) {
  std::vector<Entity> out;
  for (const auto& [key, name] : m) out.push_back({key, name});
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Entity>> DirectorySnapshot::Entities(
    absl::string_view kind) const {
  if (size_t len = RegionCodeLength(kind); len > 0) {
    std::vector<Entity> out;
    for (const auto& [code, name] : regions) {
      if (code.size() == len) out.push_back({code, name});
    }
    return out;
  }
  if (kind == kDepartment) return ToEntities(departments);
  if (kind == kReporter) {
    std::vector<Entity> out = ToEntities(grid_managers);
    for (Entity& e : out) {
      auto it = manager_grids.find(e.key);
      if (it != manager_grids.end()) e.grids = it->second;
    }
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("no entity list for dimension ", kind));
}

absl::StatusOr<std::string> DirectorySnapshot::NameOf(
    absl::string_view kind, const std::string& value) const {
  if (kind == kAll) return std::string("全部");
  if (RegionCodeLength(kind) > 0)
    return FindOrNotFound(regions, value, "region");
  if (kind == kDepartment)
    return FindOrNotFound(departments, value, "department");
  if (kind == kCategory) return FindOrNotFound(categories, value, "category");
  if (kind == kMajor)
    return FindOrNotFound(majors, value, "category major class");
  if (kind == kReporter || kind == kWorker) {
    auto it = grid_managers.find(value);
    return it == grid_managers.end() ? value : it->second;
  }
  return value;
}

GrpcDirectory::GrpcDirectory(
    std::unique_ptr<v1::RegistryService::StubInterface> stub,
    absl::Duration deadline, absl::Duration cache_ttl, const Clock* clock,
    const auth::OutboundIdentity* identity)
    : stub_(std::move(stub)),
      deadline_(deadline),
      cache_ttl_(cache_ttl),
      clock_(clock),
      identity_(identity) {}

absl::StatusOr<std::vector<Entity>> GrpcDirectory::Entities(
    absl::string_view kind) {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  return snapshot->Entities(kind);
}

absl::StatusOr<std::string> GrpcDirectory::NameOf(absl::string_view kind,
                                                  const std::string& value) {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  return snapshot->NameOf(kind, value);
}

absl::StatusOr<std::shared_ptr<const DirectorySnapshot>>
GrpcDirectory::Snapshot() {
  absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&mu_);
    if (snapshot_ != nullptr && now - loaded_at_ < cache_ttl_) return snapshot_;
  }
  absl::StatusOr<DirectorySnapshot> loaded = Load();
  absl::MutexLock lock(&mu_);
  if (!loaded.ok()) {
    // Serve the last snapshot while the registry is away.
    if (snapshot_ != nullptr) return snapshot_;
    return loaded.status();
  }
  snapshot_ = std::make_shared<const DirectorySnapshot>(*std::move(loaded));
  loaded_at_ = now;
  return snapshot_;
}

template <typename Req, typename Resp, typename Take>
absl::Status GrpcDirectory::AllPages(
    grpc::Status (v1::RegistryService::StubInterface::*rpc)(
        grpc::ClientContext*, const Req&, Resp*),
    Req request, Take take) {
  do {
    Resp page;
    ASSIGN_OR_RETURN(auto context,
                     registry_client::RegistryContext(*identity_, deadline_));
    RETURN_IF_ERROR(registry_client::FromRegistry(
        (stub_.get()->*rpc)(context.get(), request, &page)));
    take(page);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

absl::StatusOr<DirectorySnapshot> GrpcDirectory::Load() {
  using Stub = v1::RegistryService::StubInterface;
  DirectorySnapshot out;
  v1::ListRegionsRequest regions;
  regions.set_page_size(1000);
  RETURN_IF_ERROR(AllPages(&Stub::ListRegions, regions, [&out](const auto& r) {
    for (const v1::Region& region : r.regions()) {
      out.regions[region.code()] = region.name();
    }
  }));
  v1::ListDepartmentsRequest departments;
  departments.set_page_size(1000);
  RETURN_IF_ERROR(
      AllPages(&Stub::ListDepartments, departments, [&out](const auto& r) {
        for (const v1::Department& d : r.departments()) {
          out.departments[d.id()] = d.name();
        }
      }));
  v1::ListCategoriesRequest categories;
  categories.set_page_size(1000);
  categories.set_include_disabled(true);
  RETURN_IF_ERROR(
      AllPages(&Stub::ListCategories, categories, [&out](const auto& r) {
        for (const v1::Category& c : r.categories()) {
          out.categories[c.code()] = c.name();
          out.majors[c.major_code()] = c.major_name();
        }
      }));
  v1::ListMembersRequest members;
  members.set_page_size(500);
  members.set_role(v1::ROLE_GRID_MANAGER);
  RETURN_IF_ERROR(AllPages(&Stub::ListMembers, members, [&out](const auto& r) {
    for (const v1::Member& m : r.members()) {
      out.grid_managers[m.id()] = m.name();
      out.manager_grids[m.id()].assign(m.grid_codes().begin(),
                                       m.grid_codes().end());
    }
  }));
  return out;
}

}  // namespace gridcase::stats
