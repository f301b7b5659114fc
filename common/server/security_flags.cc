#include "common/server/security_flags.h"

#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/jwt_authenticator.h"
#include "common/clock/clock.h"
#include "common/log/log.h"
#include "common/server/tls.h"

ABSL_FLAG(std::string, auth_mode, "jwt",
          "How callers are identified. jwt: a signed JWT in 'authorization: "
          "Bearer' (see --jwt_*). insecure-dev: the x-gridcase-actor header "
          "is trusted as the caller writes it; for debugging only, never "
          "where anyone else can connect.");
ABSL_FLAG(std::string, jwt_issuer, "",
          "jwt mode: the iss every token must carry, e.g. "
          "https://sso.example.gov.cn. Required in jwt mode.");
ABSL_FLAG(std::string, jwt_audience, "gridcase",
          "jwt mode: a value every token's aud must contain.");
ABSL_FLAG(std::string, jwt_jwks_file, "",
          "jwt mode: JWKS file of the RS256/ES256 public keys, chosen by "
          "kid; re-read when it changes, so keys rotate without a restart.");
ABSL_FLAG(std::string, jwt_hs256_secret_file, "",
          "jwt mode: file holding an HS256 shared secret (at least 32 bytes), "
          "for tests and small sites. At least one of --jwt_jwks_file and "
          "this is required in jwt mode.");
ABSL_FLAG(absl::Duration, jwt_leeway, absl::Seconds(60),
          "jwt mode: clock skew allowed on exp and nbf.");
ABSL_FLAG(std::string, service_token_file, "",
          "jwt mode: file holding this service's own token (roles: system), "
          "sent when it calls another gridcase service; re-read when it "
          "changes. Required in jwt mode for intake, dispatch and stats.");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain of the gRPC port; with --tls_key_file it "
          "turns TLS on. Empty: plaintext.");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file.");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA bundle; when set, callers must present a client "
          "certificate signed by it (mutual TLS).");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA bundle trusted for calls to other gridcase services; when "
          "set those calls use TLS.");
ABSL_FLAG(std::string, tls_client_cert_file, "",
          "PEM client certificate presented on calls to other gridcase "
          "services (for servers with --tls_client_ca_file).");
ABSL_FLAG(std::string, tls_client_key_file, "",
          "PEM private key of --tls_client_cert_file.");

namespace gridcase::server {
namespace {

TlsOptions TlsFromFlags() {
  return {.cert_file = absl::GetFlag(FLAGS_tls_cert_file),
          .key_file = absl::GetFlag(FLAGS_tls_key_file),
          .client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file),
          .ca_file = absl::GetFlag(FLAGS_tls_ca_file),
          .client_cert_file = absl::GetFlag(FLAGS_tls_client_cert_file),
          .client_key_file = absl::GetFlag(FLAGS_tls_client_key_file)};
}

// The authenticator and this service's own identity for --auth_mode.
absl::Status BuildIdentity(absl::string_view service_name,
                           std::unique_ptr<auth::Authenticator>* authenticator,
                           std::unique_ptr<auth::OutboundIdentity>* outbound) {
  std::string mode = absl::GetFlag(FLAGS_auth_mode);
  if (mode == "insecure-dev") {
    *authenticator = std::make_unique<auth::DevHeaderAuthenticator>();
    *outbound = std::make_unique<auth::DevHeaderIdentity>(
        absl::StrCat("system:", service_name));
    return absl::OkStatus();
  }
  if (mode != "jwt") {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth_mode: unknown auth mode '", mode,
                     "' (known: jwt, insecure-dev)"));
  }
  auth::JwtOptions jwt;
  jwt.issuer = absl::GetFlag(FLAGS_jwt_issuer);
  jwt.audience = absl::GetFlag(FLAGS_jwt_audience);
  jwt.leeway = absl::GetFlag(FLAGS_jwt_leeway);
  jwt.jwks_file = absl::GetFlag(FLAGS_jwt_jwks_file);
  jwt.hs256_secret_file = absl::GetFlag(FLAGS_jwt_hs256_secret_file);
  if (jwt.issuer.empty()) {
    return absl::InvalidArgumentError(
        "--jwt_issuer: is required with --auth_mode=jwt (the iss of the "
        "identity provider's tokens)");
  }
  if (jwt.jwks_file.empty() && jwt.hs256_secret_file.empty()) {
    return absl::InvalidArgumentError(
        "--jwt_jwks_file: it or --jwt_hs256_secret_file is required with "
        "--auth_mode=jwt");
  }
  absl::StatusOr<std::unique_ptr<auth::JwtAuthenticator>> made =
      auth::JwtAuthenticator::Create(jwt, RealClock::Get());
  if (!made.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth_mode=jwt: ", made.status().message()));
  }
  *authenticator = *std::move(made);
  std::string token_file = absl::GetFlag(FLAGS_service_token_file);
  if (!token_file.empty()) {
    absl::StatusOr<std::unique_ptr<auth::TokenFileIdentity>> identity =
        auth::TokenFileIdentity::Create(token_file);
    if (!identity.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--service_token_file: ", identity.status().message()));
    }
    *outbound = *std::move(identity);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Security> SecurityFromFlags(absl::string_view service_name) {
  Security out;
  absl::Status identity =
      BuildIdentity(service_name, &out.authenticator, &out.outbound);
  if (!identity.ok()) return identity;
  out.insecure_dev = absl::GetFlag(FLAGS_auth_mode) == "insecure-dev";
  TlsOptions tls = TlsFromFlags();
  out.tls = tls.server_enabled();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> server =
      ServerCredentials(tls);
  if (!server.ok()) return server.status();
  out.server_credentials = *std::move(server);
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> channel =
      ChannelCredentials(tls);
  if (!channel.ok()) return channel.status();
  out.channel_credentials = *std::move(channel);
  return out;
}

void LogSecurity(const Security& security) {
  if (security.insecure_dev) {
    log::Warn(
        "INSECURE: --auth_mode=insecure-dev trusts the x-gridcase-actor "
        "header as callers write it; anyone who can connect can act as "
        "anyone. For debugging only.",
        {{"auth_mode", "insecure-dev"}});
  }
  if (!security.tls) {
    log::Info("gRPC port is plaintext (no --tls_cert_file)");
  }
}

}  // namespace gridcase::server
