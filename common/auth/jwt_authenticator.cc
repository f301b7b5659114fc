#include "common/auth/jwt_authenticator.h"

#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/channels.h"

namespace gridcase::auth {
namespace {

// The only value of `key` in `metadata`: nullopt if absent, an error if
// given more than once.
absl::StatusOr<std::optional<absl::string_view>> OnlyValue(
    const Metadata& metadata, absl::string_view key) {
  auto [begin, end] =
      metadata.equal_range(grpc::string_ref(key.data(), key.size()));
  if (begin == end) return std::nullopt;
  if (std::next(begin) != end) {
    return absl::UnauthenticatedError(
        absl::StrCat(key, ": given more than once"));
  }
  return absl::string_view(begin->second.data(), begin->second.size());
}

absl::StatusOr<absl::string_view> BearerToken(const Metadata& metadata) {
  absl::StatusOr<std::optional<absl::string_view>> value =
      OnlyValue(metadata, kAuthorizationHeader);
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return absl::UnauthenticatedError(absl::StrCat(
        kAuthorizationHeader, ": missing; send 'authorization: Bearer <JWT>'"));
  }
  // The scheme is case-insensitive (RFC 7235). The value is not quoted in
  // the message: whatever scheme it uses, it may be a credential.
  absl::string_view token = **value;
  constexpr absl::string_view kScheme = "bearer ";
  if (token.size() < kScheme.size() ||
      !absl::EqualsIgnoreCase(token.substr(0, kScheme.size()), kScheme) ||
      absl::StripAsciiWhitespace(token.substr(kScheme.size())).empty()) {
    return absl::UnauthenticatedError(absl::StrCat(
        kAuthorizationHeader,
        ": not a bearer token; send 'authorization: Bearer <JWT>'"));
  }
  return absl::StripAsciiWhitespace(token.substr(kScheme.size()));
}

}  // namespace

JwtAuthenticator::JwtAuthenticator(std::unique_ptr<JwtVerifier> verifier)
    : verifier_(std::move(verifier)) {}

absl::StatusOr<std::unique_ptr<JwtAuthenticator>> JwtAuthenticator::Create(
    JwtOptions options, const Clock* clock) {
  absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier =
      JwtVerifier::Create(std::move(options), clock);
  if (!verifier.ok()) return verifier.status();
  return std::make_unique<JwtAuthenticator>(*std::move(verifier));
}

absl::StatusOr<v1::Actor> JwtAuthenticator::Authenticate(
    const Metadata& metadata) const {
  absl::StatusOr<absl::string_view> token = BearerToken(metadata);
  if (!token.ok()) return token.status();
  absl::StatusOr<v1::Actor> actor = verifier_->Verify(*token);
  if (!actor.ok()) return actor.status();
  absl::StatusOr<std::optional<absl::string_view>> on_behalf_of =
      OnlyValue(metadata, kOnBehalfOfHeader);
  if (!on_behalf_of.ok()) return on_behalf_of.status();

  const Channel* channel = FindChannelBySource(actor->channel());
  if (channel == nullptr) {
    if (on_behalf_of->has_value()) {
      return absl::PermissionDeniedError(
          absl::StrCat(kOnBehalfOfHeader,
                       ": only channel backends may act on behalf of users"));
    }
    return actor;
  }
  if (!on_behalf_of->has_value()) {
    return absl::UnauthenticatedError(
        absl::StrCat(kOnBehalfOfHeader, ": missing; the ", channel->name,
                     " backend must name the end user it acts for (e.g. '",
                     channel->user_prefix, "...')"));
  }
  return EndUserActor(*channel, **on_behalf_of, actor->subject());
}

}  // namespace gridcase::auth
