// Directory: who can appear in a ranking and what everything is called — the
// registry's regions, departments, categories and grid managers, as stats
// needs them. GrpcDirectory reads them from gridcase-registry and caches the
// lists for a while; FakeDirectory serves tests.
#ifndef GRIDCASE_SERVICES_STATS_DIRECTORY_H_
#define GRIDCASE_SERVICES_STATS_DIRECTORY_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/outbound.h"
#include "common/clock/clock.h"
#include "gridcase/v1/registry.grpc.pb.h"

namespace gridcase::stats {

struct Entity {
  std::string key;
  std::string name;
  // Grid managers: the 15-digit codes of their grids (Member.grid_codes).
  std::vector<std::string> grids;
};

class Directory {
 public:
  virtual ~Directory() = default;
  // The active entities of a dimension kind ("tn", "cm", "gd", "dp", "rp"
  // = grid managers), key ascending.
  virtual absl::StatusOr<std::vector<Entity>> Entities(
      absl::string_view kind) = 0;
  // Display name of a value of `kind`. NOT_FOUND for an unknown region,
  // department or category; sources and reporters are named by their value.
  virtual absl::StatusOr<std::string> NameOf(absl::string_view kind,
                                             const std::string& value) = 0;
};

// The registry's lists, as one snapshot.
struct DirectorySnapshot {
  std::map<std::string, std::string> regions;      // code → name, all levels
  std::map<std::string, std::string> departments;  // active ones
  std::map<std::string, std::string> categories;   // full code → name
  std::map<std::string, std::string> majors;       // major code → name
  std::map<std::string, std::string> grid_managers;  // active ones
  std::map<std::string, std::vector<std::string>> manager_grids;

  absl::StatusOr<std::vector<Entity>> Entities(absl::string_view kind) const;
  absl::StatusOr<std::string> NameOf(absl::string_view kind,
                                     const std::string& value) const;
};

class GrpcDirectory final : public Directory {
 public:
  GrpcDirectory(std::unique_ptr<v1::RegistryService::StubInterface> stub,
                absl::Duration deadline, absl::Duration cache_ttl,
                const Clock* clock, const auth::OutboundIdentity* identity);

  absl::StatusOr<std::vector<Entity>> Entities(absl::string_view kind) override;
  absl::StatusOr<std::string> NameOf(absl::string_view kind,
                                     const std::string& value) override;

 private:
  absl::StatusOr<std::shared_ptr<const DirectorySnapshot>> Snapshot();
  absl::StatusOr<DirectorySnapshot> Load();
  // Calls a registry List RPC page by page, handing each page to `take`.
  template <typename Req, typename Resp, typename Take>
  absl::Status AllPages(grpc::Status (v1::RegistryService::StubInterface::*rpc)(
                            grpc::ClientContext*, const Req&, Resp*),
                        Req request, Take take);

  std::unique_ptr<v1::RegistryService::StubInterface> stub_;
  const absl::Duration deadline_;
  const absl::Duration cache_ttl_;
  const Clock* clock_;
  const auth::OutboundIdentity* identity_;
  absl::Mutex mu_;
  std::shared_ptr<const DirectorySnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  absl::Time loaded_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_DIRECTORY_H_
