#include "common/auth/key_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gridcase::auth {
namespace {

absl::Status FileError(const std::string& path, absl::string_view what,
                       int error) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": cannot ", what, ": ",
                   std::error_code(error, std::generic_category()).message()));
}

FileIdentity IdentityOf(const struct stat& st) {
  FileIdentity id;
  id.device = static_cast<uint64_t>(st.st_dev);
  id.inode = static_cast<uint64_t>(st.st_ino);
  id.size = static_cast<int64_t>(st.st_size);
  id.mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return id;
}

}  // namespace

absl::StatusOr<FileIdentity> StatKeyFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FileError(path, "stat", errno);
  return IdentityOf(st);
}

absl::StatusOr<KeyFile> ReadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError(path, "open", errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return FileError(path, "stat", errno);
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": is not a regular file"));
  }
  if (st.st_size > kMaxKeyFileBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": is larger than ", kMaxKeyFileBytes, " bytes"));
  }
  KeyFile file;
  file.identity = IdentityOf(st);
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError(path, "read", errno);
    if (n == 0) break;
    file.bytes.append(buffer, static_cast<size_t>(n));
    if (static_cast<int64_t>(file.bytes.size()) > kMaxKeyFileBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": is larger than ", kMaxKeyFileBytes, " bytes"));
    }
  }
  return file;
}

bool LooksLikePem(absl::string_view bytes) {
  return absl::StrContains(bytes, "-----BEGIN ");
}

absl::Status CheckHs256Secret(absl::string_view secret) {
  if (secret.size() < kMinHs256SecretBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("an HS256 secret needs at least ", kMinHs256SecretBytes,
                     " bytes; this one has ", secret.size()));
  }
  if (LooksLikePem(secret)) {
    return absl::InvalidArgumentError(
        "an HS256 secret must be random bytes, not a PEM key");
  }
  return absl::OkStatus();
}

}  // namespace gridcase::auth
