#include "common/auth/jwks.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/base64url.h"
#include "common/auth/pem_keys.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {
namespace {

using Json = nlohmann::json;

// Members that only a private JWK has (RFC 7518 section 6).
constexpr const char* kPrivateMembers[] = {"d",  "p",  "q",   "dp",
                                           "dq", "qi", "oth", "k"};

class JwkReader {
 public:
  JwkReader(const Json& jwk, size_t index) : jwk_(jwk), index_(index) {}

  absl::StatusOr<VerificationKey> Read() {
    if (!jwk_.is_object()) return Error("is not a JSON object");
    auto kid = jwk_.find("kid");
    if (kid == jwk_.end() || !kid->is_string() ||
        kid->get<std::string>().empty()) {
      return Error("kid: is required (a non-empty string)");
    }
    key_.kid = kid->get<std::string>();
    absl::StatusOr<std::string> kty = String("kty");
    if (!kty.ok()) return kty.status();
    if (*kty == "oct") {
      return Error(
          "kty 'oct' is not accepted: symmetric keys never come from a JWKS "
          "file (configure hs256_secret_file for HS256)");
    }
    if (*kty != "RSA" && *kty != "EC") {
      return Error(
          absl::StrCat("kty '", *kty, "' is not accepted (accepted: RSA, EC)"));
    }
    for (const char* member : kPrivateMembers) {
      if (jwk_.contains(member)) {
        return Error(absl::StrCat(
            member,
            ": private key material; a JWKS file holds public keys only"));
      }
    }
    if (jwk_.contains("use")) {
      absl::StatusOr<std::string> use = String("use");
      if (!use.ok()) return use.status();
      if (*use != "sig") {
        return Error(absl::StrCat("use: '", *use, "' is not 'sig'"));
      }
    }
    key_.alg = *kty == "RSA" ? "RS256" : "ES256";
    if (jwk_.contains("alg")) {
      absl::StatusOr<std::string> alg = String("alg");
      if (!alg.ok()) return alg.status();
      if (*alg != key_.alg) {
        return Error(absl::StrCat("alg: '", *alg, "' is not accepted for kty ",
                                  *kty, " (accepted: ", key_.alg, ")"));
      }
    }
    absl::Status read = *kty == "RSA" ? ReadRsa() : ReadEc();
    if (!read.ok()) return read;
    return std::move(key_);
  }

 private:
  absl::Status ReadRsa() {
    absl::StatusOr<std::string> n = Number("n");
    if (!n.ok()) return n.status();
    absl::StatusOr<std::string> e = Number("e");
    if (!e.ok()) return e.status();
    absl::StatusOr<std::string> pem = RsaPublicKeyPem(*n, *e);
    if (!pem.ok()) return Error(pem.status().message());
    key_.pem_or_secret = *std::move(pem);
    return absl::OkStatus();
  }

  absl::Status ReadEc() {
    absl::StatusOr<std::string> crv = String("crv");
    if (!crv.ok()) return crv.status();
    if (*crv != "P-256") {
      return Error(
          absl::StrCat("crv: '", *crv, "' is not accepted (accepted: P-256)"));
    }
    absl::StatusOr<std::string> x = Number("x");
    if (!x.ok()) return x.status();
    absl::StatusOr<std::string> y = Number("y");
    if (!y.ok()) return y.status();
    absl::StatusOr<std::string> pem = EcP256PublicKeyPem(*x, *y);
    if (!pem.ok()) return Error(pem.status().message());
    key_.pem_or_secret = *std::move(pem);
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> String(const char* field) {
    auto it = jwk_.find(field);
    if (it == jwk_.end() || !it->is_string()) {
      return Error(absl::StrCat(field, ": is required (a string)"));
    }
    return it->get<std::string>();
  }

  // A base64url-encoded number (n, e, x, y) as bytes.
  absl::StatusOr<std::string> Number(const char* field) {
    absl::StatusOr<std::string> text = String(field);
    if (!text.ok()) return text.status();
    std::optional<std::string> bytes = Base64UrlDecode(*text);
    if (!bytes.has_value() || bytes->empty()) {
      return Error(absl::StrCat(field, ": is not unpadded base64url"));
    }
    return *std::move(bytes);
  }

  absl::Status Error(absl::string_view message) const {
    std::string where = absl::StrCat("jwks: keys[", index_, "]");
    if (!key_.kid.empty()) absl::StrAppend(&where, " (kid '", key_.kid, "')");
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
  }

  const Json& jwk_;
  const size_t index_;
  VerificationKey key_;
};

}  // namespace

absl::Status KeySet::Add(VerificationKey key) {
  std::string kid = key.kid;
  if (!keys_.emplace(kid, std::move(key)).second) {
    return absl::InvalidArgumentError(
        absl::StrCat("kid '", kid, "' is used by more than one key"));
  }
  return absl::OkStatus();
}

const VerificationKey* KeySet::Find(absl::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<std::string> KeySet::kids() const {
  std::vector<std::string> out;
  for (const auto& [kid, key] : keys_) out.push_back(kid);
  return out;
}

absl::StatusOr<KeySet> ParseJwks(absl::string_view json) {
  Json doc = Json::parse(json.begin(), json.end(), nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::InvalidArgumentError("jwks: not valid JSON");
  }
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return absl::InvalidArgumentError(
        "jwks: keys: is required (an array of JWKs: {\"keys\": [...]})");
  }
  KeySet set;
  const Json& keys = doc["keys"];
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StatusOr<VerificationKey> key = JwkReader(keys[i], i).Read();
    if (!key.ok()) return key.status();
    std::string kid = key->kid;
    if (absl::Status added = set.Add(*std::move(key)); !added.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("jwks: keys[", i, "] (kid '", kid,
                       "'): kid: is used by an earlier key"));
    }
  }
  return set;
}

absl::StatusOr<std::string> PublicJwkFromPrivateKeyPem(
    absl::string_view private_pem, absl::string_view kid) {
  if (kid.empty()) return absl::InvalidArgumentError("kid: is required");
  if (kid.size() > 128 || !std::all_of(kid.begin(), kid.end(), [](char c) {
        return c > ' ' && c < 0x7f;
      })) {
    return absl::InvalidArgumentError(
        "kid: must be at most 128 printable ASCII characters");
  }
  absl::StatusOr<PublicKeyNumbers> numbers =
      PrivateKeyPublicNumbers(private_pem);
  if (!numbers.ok()) return numbers.status();
  Json jwk;
  if (numbers->alg == "RS256") {
    jwk["kty"] = "RSA";
    jwk["n"] = Base64UrlEncode(numbers->n);
    jwk["e"] = Base64UrlEncode(numbers->e);
  } else {
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = Base64UrlEncode(numbers->x);
    jwk["y"] = Base64UrlEncode(numbers->y);
  }
  jwk["kid"] = std::string(kid);
  jwk["alg"] = numbers->alg;
  jwk["use"] = "sig";
  return jwk.dump();
}

}  // namespace gridcase::auth
