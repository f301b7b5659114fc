// Fuzz target: the JWT verifier facing any bytes as a bearer token. It must
// never crash, never accept a token it did not see signed, and never quote
// the token back in a refusal.
#include <google/protobuf/stubs/logging.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/base64url.h"
#include "common/auth/jwt_verifier.h"
#include "common/clock/clock.h"
#include "common/clock/fake_clock.h"

namespace {

constexpr char kSecret[] = "fuzz-secret-0123456789-0123456789-abcdef";

const gridcase::auth::JwtVerifier& Verifier() {
  static const gridcase::auth::JwtVerifier* verifier = [] {
    google::protobuf::SetLogHandler(nullptr);
    std::string path = "/tmp/gridcase-jwt-fuzz.secret";
    std::ofstream(path, std::ios::trunc) << kSecret;
    static gridcase::FakeClock clock(absl::FromUnixSeconds(1796000000));
    gridcase::auth::JwtOptions options;
    options.issuer = "https://fuzz.test";
    options.audience = "gridcase";
    options.hs256_secret_file = path;
    auto made = gridcase::auth::JwtVerifier::Create(options, &clock);
    if (!made.ok()) std::abort();
    return made->release();
  }();
  return *verifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gridcase::auth::JwtVerifier& verifier = Verifier();
  std::string token(reinterpret_cast<const char*>(data), size);
  auto actor = verifier.Verify(token);
  if (actor.ok()) {
    // Accepted: its signature must be our key's HMAC of what it signs.
    size_t dot = token.rfind('.');
    if (dot == std::string::npos) std::abort();
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_size = 0;
    HMAC(EVP_sha256(), kSecret, sizeof(kSecret) - 1,
         reinterpret_cast<const unsigned char*>(token.data()), dot, mac,
         &mac_size);
    std::string expected = gridcase::auth::Base64UrlEncode(
        absl::string_view(reinterpret_cast<const char*>(mac), mac_size));
    if (token.substr(dot + 1) != expected) std::abort();
    return 0;
  }
  if (actor.status().code() != absl::StatusCode::kUnauthenticated) {
    std::abort();  // every refusal is UNAUTHENTICATED
  }
  // A refusal quotes at most short claim values, never the token itself.
  if (size >= 24 && absl::StrContains(actor.status().message(), token)) {
    std::abort();
  }
  return 0;
}
