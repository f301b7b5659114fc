#include "common/auth/jwt_issuer.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/actor_rules.h"
#include "common/auth/base64url.h"
#include "common/auth/jws.h"
#include "common/auth/key_files.h"
#include "common/auth/pem_keys.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {
namespace {

using Json = nlohmann::json;

absl::Status CheckKid(absl::string_view kid) {
  bool printable = std::all_of(kid.begin(), kid.end(),
                               [](char c) { return c > ' ' && c < 0x7f; });
  if (kid.size() > 128 || !printable) {
    return absl::InvalidArgumentError(
        "kid: must be at most 128 printable ASCII characters");
  }
  return absl::OkStatus();
}

// JSON text of `json`; nlohmann throws on invalid UTF-8.
absl::StatusOr<std::string> Dump(const Json& json) {
  try {
    return json.dump();
  } catch (const std::exception&) {
    return absl::InvalidArgumentError("claims: strings must be valid UTF-8");
  }
}

}  // namespace

absl::StatusOr<SigningKey> Hs256SigningKey(absl::string_view secret,
                                           absl::string_view kid) {
  if (absl::Status ok = CheckHs256Secret(secret); !ok.ok()) return ok;
  if (absl::Status ok = CheckKid(kid); !ok.ok()) return ok;
  return SigningKey{"HS256", std::string(kid), std::string(secret)};
}

absl::StatusOr<SigningKey> PrivateKeySigningKey(absl::string_view private_pem,
                                                absl::string_view kid) {
  if (kid.empty()) {
    return absl::InvalidArgumentError(
        "kid: is required for an RS256 or ES256 key");
  }
  if (absl::Status ok = CheckKid(kid); !ok.ok()) return ok;
  absl::StatusOr<PublicKeyNumbers> numbers =
      PrivateKeyPublicNumbers(private_pem);
  if (!numbers.ok()) return numbers.status();
  return SigningKey{numbers->alg, std::string(kid), std::string(private_pem)};
}

absl::StatusOr<SigningKey> LoadSigningKey(const std::string& path,
                                          absl::string_view kid) {
  absl::StatusOr<KeyFile> file = ReadKeyFile(path);
  if (!file.ok()) return file.status();
  absl::StatusOr<SigningKey> key = LooksLikePem(file->bytes)
                                       ? PrivateKeySigningKey(file->bytes, kid)
                                       : Hs256SigningKey(file->bytes, kid);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

absl::StatusOr<std::string> SignPayload(absl::string_view payload_json,
                                        const SigningKey& key) {
  std::optional<JwsAlg> alg = ParseJwsAlg(key.alg);
  if (!alg.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("alg: '", key.alg, "' is not one of RS256, ES256, HS256"));
  }
  Json header = {{"alg", key.alg}, {"typ", "JWT"}};
  if (!key.kid.empty()) header["kid"] = key.kid;
  absl::StatusOr<std::string> header_json = Dump(header);
  if (!header_json.ok()) return header_json.status();
  std::string signing_input = absl::StrCat(Base64UrlEncode(*header_json), ".",
                                           Base64UrlEncode(payload_json));
  absl::StatusOr<std::string> signature = JwsSign(*alg, key.key, signing_input);
  if (!signature.ok()) return signature.status();
  return absl::StrCat(signing_input, ".", Base64UrlEncode(*signature));
}

absl::StatusOr<std::string> MintToken(const TokenClaims& claims,
                                      const SigningKey& key) {
  if (!claims.exp.has_value()) {
    return absl::InvalidArgumentError("exp: is required");
  }
  Json payload = Json::object();
  if (!claims.iss.empty()) payload["iss"] = claims.iss;
  if (claims.aud.size() == 1) {
    payload["aud"] = claims.aud.front();
  } else if (!claims.aud.empty()) {
    payload["aud"] = claims.aud;
  }
  if (!claims.sub.empty()) payload["sub"] = claims.sub;
  if (!claims.roles.empty()) {
    Json roles = Json::array();
    for (v1::Role role : claims.roles) roles.push_back(RoleName(role));
    payload["roles"] = std::move(roles);
  }
  if (!claims.grids.empty()) payload["grids"] = claims.grids;
  if (!claims.department.empty()) payload["department"] = claims.department;
  if (!claims.name.empty()) payload["name"] = claims.name;
  if (!claims.channel.empty()) payload["channel"] = claims.channel;
  if (claims.iat.has_value()) payload["iat"] = absl::ToUnixSeconds(*claims.iat);
  if (claims.nbf.has_value()) payload["nbf"] = absl::ToUnixSeconds(*claims.nbf);
  payload["exp"] = absl::ToUnixSeconds(*claims.exp);
  absl::StatusOr<std::string> json = Dump(payload);
  if (!json.ok()) return json.status();
  return SignPayload(*json, key);
}

}  // namespace gridcase::auth
