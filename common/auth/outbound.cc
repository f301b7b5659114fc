#include "common/auth/outbound.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"

namespace gridcase::auth {
namespace {

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev &&
         a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

absl::StatusOr<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::UnavailableError(
        absl::StrCat("service token file ", path, ": cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(text.str()));
  if (token.empty()) {
    return absl::UnavailableError(
        absl::StrCat("service token file ", path, ": is empty"));
  }
  return token;
}

}  // namespace

DevHeaderIdentity::DevHeaderIdentity(std::string subject)
    : header_(absl::StrCat("subject=", subject, "; roles=system")) {}

absl::Status OutboundIdentity::Attach(grpc::ClientContext* context) const {
  absl::StatusOr<std::pair<std::string, std::string>> header = Header();
  if (!header.ok()) return header.status();
  context->AddMetadata(header->first, header->second);
  return absl::OkStatus();
}

absl::StatusOr<std::pair<std::string, std::string>> DevHeaderIdentity::Header()
    const {
  return std::make_pair(std::string(kActorHeader), header_);
}

absl::StatusOr<std::unique_ptr<TokenFileIdentity>> TokenFileIdentity::Create(
    std::string path) {
  std::unique_ptr<TokenFileIdentity> identity(
      new TokenFileIdentity(std::move(path)));
  if (absl::StatusOr<std::string> token = identity->Token(); !token.ok()) {
    return absl::InvalidArgumentError(token.status().message());
  }
  return identity;
}

absl::StatusOr<std::string> TokenFileIdentity::Token() const {
  struct stat now = {};
  if (stat(path_.c_str(), &now) != 0) {
    return absl::UnavailableError(
        absl::StrCat("service token file ", path_, ": cannot be read"));
  }
  absl::MutexLock lock(&mu_);
  if (!token_.empty() && SameFile(now, seen_)) return token_;
  absl::StatusOr<std::string> token = ReadToken(path_);
  if (!token.ok()) return token.status();
  token_ = *std::move(token);
  seen_ = now;
  return token_;
}

absl::StatusOr<std::pair<std::string, std::string>> TokenFileIdentity::Header()
    const {
  absl::StatusOr<std::string> token = Token();
  if (!token.ok()) return token.status();
  return std::make_pair(std::string("authorization"),
                        absl::StrCat("Bearer ", *token));
}

}  // namespace gridcase::auth
