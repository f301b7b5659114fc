// JwksFile: the key set in a JWKS file, reloaded when the file changes so
// keys can be rotated without a restart. At most once per reload interval
// (1 s by default, on the injected Clock) a lookup stats the file; if its
// device, inode, size or mtime changed, the file is read and parsed again.
// A changed file that does not parse keeps the previous keys, and the error
// is kept for the caller to log (reload_error()).
#ifndef GRIDCASE_COMMON_AUTH_JWKS_FILE_H_
#define GRIDCASE_COMMON_AUTH_JWKS_FILE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/jwks.h"
#include "common/auth/key_files.h"
#include "common/clock/clock.h"

namespace gridcase::auth {

class JwksFile final {
 public:
  // Reads and parses `path` now; fails if either fails. `clock` must
  // outlive the JwksFile.
  static absl::StatusOr<std::unique_ptr<JwksFile>> Load(
      std::string path, const Clock* clock,
      absl::Duration reload_interval = absl::Seconds(1));

  // The key named `kid`, or NOT_FOUND. Reloads first if the interval has
  // passed and the file changed. Thread-safe.
  absl::StatusOr<VerificationKey> Find(absl::string_view kid) const;

  // The error of the latest reload if it failed (the file could not be
  // read or parsed, so the previous keys are still in use); OK once a
  // reload succeeds.
  absl::Status reload_error() const;

  const std::string& path() const { return path_; }

 private:
  JwksFile(std::string path, const Clock* clock, absl::Duration interval,
           KeySet keys, FileIdentity identity, absl::Time now);

  void MaybeReload() const ABSL_LOCKS_EXCLUDED(mu_);

  const std::string path_;
  const Clock* const clock_;
  const absl::Duration reload_interval_;

  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const KeySet> keys_ ABSL_GUARDED_BY(mu_);
  // The file last read (successfully or not), so an unchanged bad file is
  // not parsed again every interval.
  mutable FileIdentity identity_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time last_check_ ABSL_GUARDED_BY(mu_);
  mutable absl::Status reload_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_JWKS_FILE_H_
