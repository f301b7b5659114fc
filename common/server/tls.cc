#include "common/server/tls.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gridcase::server {
namespace {

absl::StatusOr<std::string> ReadPem(const char* flag, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": cannot read '", path, "'"));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (!absl::StrContains(text.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": '", path, "' is not a PEM file"));
  }
  return text.str();
}

absl::Status Pair(const char* a, const std::string& va, const char* b,
                  const std::string& vb) {
  if (va.empty() != vb.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", va.empty() ? a : b, ": is required with --", va.empty() ? b : a));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const TlsOptions& o) {
  if (absl::Status s =
          Pair("tls_cert_file", o.cert_file, "tls_key_file", o.key_file);
      !s.ok()) {
    return s;
  }
  if (!o.server_enabled()) {
    if (!o.client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca_file: needs --tls_cert_file and --tls_key_file");
    }
    return std::shared_ptr<grpc::ServerCredentials>();  // plaintext
  }
  grpc::SslServerCredentialsOptions ssl(
      o.client_ca_file.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  absl::StatusOr<std::string> cert = ReadPem("tls_cert_file", o.cert_file);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem("tls_key_file", o.key_file);
  if (!key.ok()) return key.status();
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!o.client_ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPem("tls_client_ca_file", o.client_ca_file);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
  }
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(
    const TlsOptions& o) {
  if (absl::Status s = Pair("tls_client_cert_file", o.client_cert_file,
                            "tls_client_key_file", o.client_key_file);
      !s.ok()) {
    return s;
  }
  if (!o.client_enabled()) {
    if (!o.client_cert_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_cert_file: needs --tls_ca_file");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> ca = ReadPem("tls_ca_file", o.ca_file);
  if (!ca.ok()) return ca.status();
  ssl.pem_root_certs = *ca;
  if (!o.client_cert_file.empty()) {
    absl::StatusOr<std::string> cert =
        ReadPem("tls_client_cert_file", o.client_cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key =
        ReadPem("tls_client_key_file", o.client_key_file);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace gridcase::server
