#include "common/auth/outbound.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"

namespace gridcase::auth {
namespace {

absl::Status Unreadable(const std::string& path, absl::string_view why) {
  return absl::UnavailableError(
      absl::StrCat("service token file ", path, ": ", why));
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
  absl::StatusOr<FileIdentity> now = StatKeyFile(path_);
  if (!now.ok()) return Unreadable(path_, "cannot be read");
  absl::MutexLock lock(&mu_);
  if (!token_.empty() && *now == seen_) return token_;
  absl::StatusOr<KeyFile> file = ReadKeyFile(path_);
  if (!file.ok()) return Unreadable(path_, "cannot be read");
  std::string token(absl::StripAsciiWhitespace(file->bytes));
  if (token.empty()) return Unreadable(path_, "is empty");
  token_ = std::move(token);
  seen_ = file->identity;
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
