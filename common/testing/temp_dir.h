// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its
// contents when the object goes away. Paths stay short enough for unix sockets.
#ifndef GRIDCASE_COMMON_TESTING_TEMP_DIR_H_
#define GRIDCASE_COMMON_TESTING_TEMP_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace gridcase::testing {

class TempDir final {
 public:
  static absl::StatusOr<TempDir> Create(const std::string& prefix = "gridcase");
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace gridcase::testing

#endif  // GRIDCASE_COMMON_TESTING_TEMP_DIR_H_
