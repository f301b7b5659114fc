// FakeDirectory: a Directory over a snapshot the test fills in (test-only:
// the library gridcase::stats_fakes).
#ifndef GRIDCASE_SERVICES_STATS_FAKE_DIRECTORY_H_
#define GRIDCASE_SERVICES_STATS_FAKE_DIRECTORY_H_

#include <string>
#include <vector>

#include "services/stats/directory.h"

namespace gridcase::stats {

class FakeDirectory final : public Directory {
 public:
  DirectorySnapshot& snapshot() { return snapshot_; }
  absl::StatusOr<std::vector<Entity>> Entities(
      absl::string_view kind) override {
    return snapshot_.Entities(kind);
  }
  absl::StatusOr<std::string> NameOf(absl::string_view kind,
                                     const std::string& value) override {
    return snapshot_.NameOf(kind, value);
  }

 private:
  DirectorySnapshot snapshot_;
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_FAKE_DIRECTORY_H_
