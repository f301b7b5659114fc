#include "common/auth/jwks_file.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace gridcase::auth {
namespace {

absl::StatusOr<KeySet> ParseJwksFile(const KeyFile& file,
                                     const std::string& path) {
  absl::StatusOr<KeySet> keys = ParseJwks(file.bytes);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", keys.status().message()));
  }
  return keys;
}

}  // namespace

absl::StatusOr<std::unique_ptr<JwksFile>> JwksFile::Load(
    std::string path, const Clock* clock, absl::Duration reload_interval) {
  absl::StatusOr<KeyFile> file = ReadKeyFile(path);
  if (!file.ok()) return file.status();
  absl::StatusOr<KeySet> keys = ParseJwksFile(*file, path);
  if (!keys.ok()) return keys.status();
  return std::unique_ptr<JwksFile>(
      new JwksFile(std::move(path), clock, reload_interval, *std::move(keys),
                   file->identity, clock->Now()));
}

JwksFile::JwksFile(std::string path, const Clock* clock,
                   absl::Duration interval, KeySet keys, FileIdentity identity,
                   absl::Time now)
    : path_(std::move(path)),
      clock_(clock),
      reload_interval_(interval),
      keys_(std::make_shared<const KeySet>(std::move(keys))),
      identity_(identity),
      last_check_(now) {}

void JwksFile::MaybeReload() const {
  FileIdentity known;
  {
    absl::MutexLock lock(&mu_);
    absl::Time now = clock_->Now();
    if (now - last_check_ < reload_interval_) return;
    // Claim this check: other threads keep using the current keys
    // meanwhile instead of all statting and parsing the file.
    last_check_ = now;
    known = identity_;
  }
  absl::StatusOr<FileIdentity> current = StatKeyFile(path_);
  if (current.ok() && *current == known) return;
  absl::StatusOr<KeyFile> file = ReadKeyFile(path_);
  absl::StatusOr<KeySet> keys =
      file.ok() ? ParseJwksFile(*file, path_) : file.status();
  absl::MutexLock lock(&mu_);
  if (!keys.ok()) {
    // A file that is missing or unreadable may be mid-replacement: look
    // again next interval. A file that was read but does not parse is not
    // parsed again until it changes.
    if (file.ok()) identity_ = file->identity;
    reload_error_ = absl::Status(
        keys.status().code(),
        absl::StrCat("jwks_file: reload failed, still using the previous "
                     "keys: ",
                     keys.status().message()));
    return;
  }
  identity_ = file->identity;
  keys_ = std::make_shared<const KeySet>(*std::move(keys));
  reload_error_ = absl::OkStatus();
}

absl::StatusOr<VerificationKey> JwksFile::Find(absl::string_view kid) const {
  MaybeReload();
  std::shared_ptr<const KeySet> keys;
  {
    absl::MutexLock lock(&mu_);
    keys = keys_;
  }
  const VerificationKey* key = keys->Find(kid);
  if (key == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no key with kid '", kid, "' in ", path_));
  }
  return *key;
}

absl::Status JwksFile::reload_error() const {
  absl::MutexLock lock(&mu_);
  return reload_error_;
}

}  // namespace gridcase::auth
