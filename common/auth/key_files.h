// The files keys and secrets live in: reading one whole (small) file
// together with its identity (device, inode, size, mtime), so a reloader
// notices when it is replaced or rewritten; and the rules for HS256 secrets.
#ifndef GRIDCASE_COMMON_AUTH_KEY_FILES_H_
#define GRIDCASE_COMMON_AUTH_KEY_FILES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::auth {

// Files larger than this are refused: a key set is a few kilobytes.
inline constexpr int64_t kMaxKeyFileBytes = 1 << 20;

// Shorter HS256 secrets are refused (RFC 7518 section 3.2: at least the
// hash size).
inline constexpr size_t kMinHs256SecretBytes = 32;

struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  friend bool operator==(const FileIdentity& a, const FileIdentity& b) {
    return a.device == b.device && a.inode == b.inode && a.size == b.size &&
           a.mtime_ns == b.mtime_ns;
  }
  friend bool operator!=(const FileIdentity& a, const FileIdentity& b) {
    return !(a == b);
  }
};

// The identity of the file at `path` now.
absl::StatusOr<FileIdentity> StatKeyFile(const std::string& path);

struct KeyFile {
  std::string bytes;
  FileIdentity identity;  // of the file these bytes were read from
};

// Reads the whole file. Errors name the path and the reason.
absl::StatusOr<KeyFile> ReadKeyFile(const std::string& path);

// OK for a usable HS256 secret: at least kMinHs256SecretBytes, and not a
// PEM key (a public key used as an HMAC secret is the classic algorithm
// confusion attack). INVALID_ARGUMENT naming the rule otherwise.
absl::Status CheckHs256Secret(absl::string_view secret);

// True if `bytes` look like a PEM document ("-----BEGIN ").
bool LooksLikePem(absl::string_view bytes);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_KEY_FILES_H_
