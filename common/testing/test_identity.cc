#include "common/testing/test_identity.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"
#include "common/auth/client_identity.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"

namespace gridcase::testing {
namespace {

struct TestKeys {
  TempDir dir;
  std::string secret_file;
  std::string token_file;
  std::unique_ptr<auth::ClientIdentity> identity;
};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Made once per test process; its directory is removed at exit.
TestKeys& Keys() {
  static TestKeys* keys = [] {
    absl::StatusOr<TempDir> dir = TempDir::Create("gridcase-keys");
    if (!dir.ok()) {
      ADD_FAILURE() << dir.status();
      std::abort();
    }
    auto* k = new TestKeys{*std::move(dir), "", "", nullptr};
    std::random_device rng;
    std::string secret;
    for (int i = 0; i < 48; ++i) {
      secret.push_back("abcdefghijklmnopqrstuvwxyz0123456789"[rng() % 36]);
    }
    k->secret_file = k->dir.File("hs256.secret");
    WriteFile(k->secret_file, secret);
    absl::StatusOr<auth::SigningKey> key = auth::Hs256SigningKey(secret);
    if (!key.ok()) {
      ADD_FAILURE() << key.status();
      std::abort();
    }
    k->identity = auth::ClientIdentity::Minting(*std::move(key), kTestIssuer,
                                                kTestAudience, absl::Hours(4));
    v1::Actor services;
    services.set_subject("system:test-services");
    services.add_roles(v1::ROLE_SYSTEM);
    absl::StatusOr<std::string> token = k->identity->TokenFor(services);
    if (!token.ok()) {
      ADD_FAILURE() << token.status();
      std::abort();
    }
    k->token_file = k->dir.File("service.token");
    WriteFile(k->token_file, *token);
    // The keys live as long as the process; their directory goes with it.
    std::atexit([] {
      std::error_code ignored;  // best effort: a leftover is harmless
      std::filesystem::remove_all(Keys().dir.path(), ignored);
    });
    return k;
  }();
  return *keys;
}

}  // namespace

const std::vector<std::string>& JwtServiceArgs() {
  static const auto* args = new std::vector<std::string>{
      "--auth_mode=jwt", absl::StrCat("--jwt_issuer=", kTestIssuer),
      absl::StrCat("--jwt_audience=", kTestAudience),
      absl::StrCat("--jwt_hs256_secret_file=", Keys().secret_file),
      absl::StrCat("--service_token_file=", Keys().token_file)};
  return *args;
}

const std::string& TestSecretFile() { return Keys().secret_file; }

std::vector<std::string> MintingEnv() {
  return {absl::StrCat("GRIDCASE_SIGNING_KEY=", Keys().secret_file),
          absl::StrCat("GRIDCASE_JWT_ISSUER=", kTestIssuer),
          absl::StrCat("GRIDCASE_JWT_AUDIENCE=", kTestAudience)};
}

std::string TokenFor(const v1::Actor& actor) {
  absl::StatusOr<std::string> token = Keys().identity->TokenFor(actor);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

std::string TokenFor(absl::string_view actor_header) {
  absl::StatusOr<v1::Actor> actor = auth::ParseActorHeader(actor_header);
  EXPECT_TRUE(actor.ok()) << actor.status();
  return actor.ok() ? TokenFor(*actor) : "";
}

void Identify(grpc::ClientContext* context, const v1::Actor& actor) {
  absl::Status s = Keys().identity->Attach(context, actor);
  EXPECT_TRUE(s.ok()) << s;
}

void Identify(grpc::ClientContext* context, absl::string_view actor_header) {
  absl::StatusOr<v1::Actor> actor = auth::ParseActorHeader(actor_header);
  ASSERT_TRUE(actor.ok()) << actor.status();
  Identify(context, *actor);
}

}  // namespace gridcase::testing
