#include "common/auth/client_identity.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/authenticator.h"
#include "common/auth/channels.h"

namespace gridcase::auth {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

TokenClaims ClaimsOf(const v1::Actor& as) {
  TokenClaims c;
  c.sub = as.subject();
  for (int r : as.roles()) c.roles.push_back(static_cast<v1::Role>(r));
  c.grids.assign(as.grid_codes().begin(), as.grid_codes().end());
  c.department = as.department_id();
  c.name = as.display_name();
  return c;
}

}  // namespace

std::unique_ptr<ClientIdentity> ClientIdentity::Token(std::string token) {
  std::unique_ptr<ClientIdentity> id(new ClientIdentity(Mode::kToken));
  id->token_ = std::move(token);
  return id;
}

std::unique_ptr<ClientIdentity> ClientIdentity::Minting(SigningKey key,
                                                        std::string issuer,
                                                        std::string audience,
                                                        absl::Duration ttl) {
  std::unique_ptr<ClientIdentity> id(new ClientIdentity(Mode::kMinting));
  id->key_ = std::move(key);
  id->issuer_ = std::move(issuer);
  id->audience_ = std::move(audience);
  id->ttl_ = ttl;
  return id;
}

std::unique_ptr<ClientIdentity> ClientIdentity::Header() {
  return std::unique_ptr<ClientIdentity>(new ClientIdentity(Mode::kHeader));
}

absl::StatusOr<std::unique_ptr<ClientIdentity>> ClientIdentity::FromEnvironment(
    absl::Duration ttl) {
  if (std::string token = Env("GRIDCASE_TOKEN"); !token.empty()) {
    return Token(std::move(token));
  }
  std::string key_file = Env("GRIDCASE_SIGNING_KEY");
  if (key_file.empty()) return Header();
  absl::StatusOr<SigningKey> key =
      LoadSigningKey(key_file, Env("GRIDCASE_SIGNING_KID"));
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("GRIDCASE_SIGNING_KEY: ", key.status().message()));
  }
  std::string issuer = Env("GRIDCASE_JWT_ISSUER");
  if (issuer.empty()) {
    return absl::InvalidArgumentError(
        "GRIDCASE_JWT_ISSUER: is required with GRIDCASE_SIGNING_KEY");
  }
  std::string audience = Env("GRIDCASE_JWT_AUDIENCE");
  return Minting(*std::move(key), std::move(issuer),
                 audience.empty() ? "gridcase" : audience, ttl);
}

std::string ClientIdentity::mode() const {
  switch (mode_) {
    case Mode::kToken:
      return "token";
    case Mode::kMinting:
      return "minting";
    case Mode::kHeader:
      return "header";
  }
  return "header";
}

absl::StatusOr<std::string> ClientIdentity::Mint(const TokenClaims& claims) {
  std::string cache_key =
      absl::StrCat(claims.sub, "\x1f", claims.channel, "\x1f",
                   claims.department, "\x1f", claims.name);
  for (v1::Role r : claims.roles) absl::StrAppend(&cache_key, "\x1f", r);
  for (const std::string& g : claims.grids) {
    absl::StrAppend(&cache_key, "\x1f", g);
  }
  absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  auto it = cache_.find(cache_key);
  if (it != cache_.end() && now < it->second.renew_at) return it->second.token;
  TokenClaims full = claims;
  full.iss = issuer_;
  full.aud = {audience_};
  full.iat = now;
  full.exp = now + ttl_;
  absl::StatusOr<std::string> token = MintToken(full, key_);
  if (!token.ok()) return token.status();
  cache_[cache_key] = {*token, now + ttl_ / 2};
  return *token;
}

absl::StatusOr<std::string> ClientIdentity::TokenFor(const v1::Actor& as) {
  if (mode_ == Mode::kToken) return token_;
  if (mode_ == Mode::kHeader) {
    return absl::FailedPreconditionError(
        "no signing key: set GRIDCASE_SIGNING_KEY and GRIDCASE_JWT_ISSUER "
        "(source var/run/env)");
  }
  if (as.channel() != v1::SOURCE_UNSPECIFIED) {
    const Channel* channel = FindChannelBySource(as.channel());
    if (channel == nullptr) {
      return absl::InvalidArgumentError("actor: channel has no backend");
    }
    TokenClaims backend;
    backend.sub =
        as.via().empty() ? absl::StrCat("svc:", channel->name) : as.via();
    backend.channel = std::string(channel->name);
    return Mint(backend);
  }
  return Mint(ClaimsOf(as));
}

absl::Status ClientIdentity::Attach(grpc::ClientContext* context,
                                    const v1::Actor& as) {
  if (mode_ == Mode::kHeader) {
    context->AddMetadata(std::string(kActorHeader), FormatActorHeader(as));
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> token = TokenFor(as);
  if (!token.ok()) return token.status();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", *token));
  if (mode_ == Mode::kMinting && as.channel() != v1::SOURCE_UNSPECIFIED) {
    context->AddMetadata(std::string(kOnBehalfOfHeader), as.subject());
  }
  return absl::OkStatus();
}

}  // namespace gridcase::auth
