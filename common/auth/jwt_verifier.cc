#include "common/auth/jwt_verifier.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/auth/actor_rules.h"
#include "common/auth/base64url.h"
#include "common/auth/channels.h"
#include "common/auth/jws.h"
#include "common/auth/key_files.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {
namespace {

using Json = nlohmann::json;

// NumericDates beyond 9999-12-31 are refused as malformed.
constexpr double kMaxNumericDate = 253402300799.0;

absl::Status Refuse(absl::string_view message) {
  return absl::UnauthenticatedError(absl::StrCat("token: ", message));
}

absl::Status Malformed(absl::string_view message) {
  return Refuse(absl::StrCat("malformed: ", message));
}

absl::Status OptionError(absl::string_view option, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("jwt options: ", option, ": ", message));
}

// A value read from the token (an alg, a kid, an issuer, a role) as a
// message may show it: quoted, at most 64 bytes, control bytes escaped.
std::string Quoted(absl::string_view value) {
  constexpr size_t kMaxShown = 64;
  std::string out =
      absl::StrCat("'", absl::CHexEscape(value.substr(0, kMaxShown)));
  if (value.size() > kMaxShown) out += "...";
  out += "'";
  return out;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

struct Token {
  Json header;
  Json payload;
  absl::string_view signing_input;  // "<header>.<payload>"
  std::string signature;            // raw bytes
};

absl::StatusOr<Json> DecodeJsonPart(absl::string_view part,
                                    absl::string_view name) {
  std::optional<std::string> bytes = Base64UrlDecode(part);
  if (!bytes.has_value()) {
    return Malformed(absl::StrCat("the ", name, " is not base64url"));
  }
  Json json = Json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Malformed(absl::StrCat("the ", name, " is not a JSON object"));
  }
  return json;
}

absl::StatusOr<Token> ParseToken(absl::string_view text) {
  if (text.size() > kMaxTokenBytes) {
    return Malformed(absl::StrCat("longer than ", kMaxTokenBytes, " bytes"));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return Malformed(
        "a JWT is three base64url parts (header.payload.signature)");
  }
  Token token;
  absl::StatusOr<Json> header = DecodeJsonPart(parts[0], "header");
  if (!header.ok()) return header.status();
  absl::StatusOr<Json> payload = DecodeJsonPart(parts[1], "payload");
  if (!payload.ok()) return payload.status();
  std::optional<std::string> signature = Base64UrlDecode(parts[2]);
  if (!signature.has_value()) {
    return Malformed("the signature is not base64url");
  }
  token.header = *std::move(header);
  token.payload = *std::move(payload);
  token.signing_input = text.substr(0, parts[0].size() + 1 + parts[1].size());
  token.signature = *std::move(signature);
  return token;
}

// The string member `name` of `object`: nullopt if absent.
absl::StatusOr<std::optional<std::string>> OptionalString(
    const Json& object, const char* name, absl::string_view where) {
  auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  if (!it->is_string()) {
    return Malformed(absl::StrCat(where, " ", name, " is not a string"));
  }
  return it->get<std::string>();
}

absl::StatusOr<std::vector<std::string>> StringArray(const Json& object,
                                                     const char* name,
                                                     absl::string_view what) {
  std::vector<std::string> out;
  auto it = object.find(name);
  if (it == object.end()) return out;
  if (!it->is_array()) {
    return Malformed(absl::StrCat(name, " is not an array of ", what));
  }
  for (const Json& item : *it) {
    if (!item.is_string()) {
      return Malformed(absl::StrCat(name, " is not an array of ", what));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

absl::StatusOr<std::optional<absl::Time>> NumericDate(const Json& payload,
                                                      const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::nullopt;
  double seconds = it->is_number() ? it->get<double>() : NAN;
  if (!std::isfinite(seconds) || std::fabs(seconds) > kMaxNumericDate) {
    return Malformed(absl::StrCat(
        name, " is not a NumericDate (seconds since 1970-01-01T00:00:00Z)"));
  }
  return absl::UnixEpoch() + absl::Seconds(seconds);
}

// ValidateActorFields names Actor fields as the x-gridcase-actor header
// does; in a token the subject is the `sub` claim.
absl::Status ClaimRuleBroken(const absl::Status& status) {
  absl::string_view message = status.message();
  if (absl::ConsumePrefix(&message, "subject: ")) {
    return Refuse(absl::StrCat("sub: ", message));
  }
  return Refuse(message);
}

absl::StatusOr<v1::Actor> ActorFromClaims(const Json& claims) {
  v1::Actor actor;
  absl::StatusOr<std::optional<std::string>> sub =
      OptionalString(claims, "sub", "claim");
  if (!sub.ok()) return sub.status();
  if (!sub->has_value() || (*sub)->empty()) {
    return Refuse("sub: is required (the token names no subject)");
  }
  actor.set_subject(**sub);

  absl::StatusOr<std::vector<std::string>> roles =
      StringArray(claims, "roles", "role names");
  if (!roles.ok()) return roles.status();
  for (const std::string& name : *roles) {
    absl::StatusOr<v1::Role> role = ParseRoleName(name);
    if (!role.ok()) {
      // ParseRoleName quotes the name as given; show it the token's way.
      return Refuse(absl::StrCat("roles: unknown role ", Quoted(name)));
    }
    actor.add_roles(*role);
  }
  absl::StatusOr<std::vector<std::string>> grids =
      StringArray(claims, "grids", "15-digit grid codes");
  if (!grids.ok()) return grids.status();
  for (std::string& grid : *grids) actor.add_grid_codes(std::move(grid));

  absl::StatusOr<std::optional<std::string>> department =
      OptionalString(claims, "department", "claim");
  if (!department.ok()) return department.status();
  if (department->has_value()) actor.set_department_id(**department);
  absl::StatusOr<std::optional<std::string>> name =
      OptionalString(claims, "name", "claim");
  if (!name.ok()) return name.status();
  if (name->has_value()) actor.set_display_name(**name);

  absl::StatusOr<std::optional<std::string>> channel_name =
      OptionalString(claims, "channel", "claim");
  if (!channel_name.ok()) return channel_name.status();
  if (channel_name->has_value()) {
    const Channel* channel = FindChannelByName(**channel_name);
    if (channel == nullptr) {
      return Refuse(absl::StrCat(
          "channel: ", Quoted(**channel_name),
          " is not a channel backend (known: ", KnownChannelNames(), ")"));
    }
    if (claims.contains("roles")) {
      return Refuse("roles: a channel backend token carries no roles");
    }
    actor.set_channel(channel->source);
  } else if (actor.roles().empty()) {
    return Refuse("roles: at least one role is required");
  }
  if (absl::Status valid = ValidateActorFields(actor); !valid.ok()) {
    return ClaimRuleBroken(valid);
  }
  return actor;
}

// The key for a token of `alg` naming `kid`: RS256/ES256 by kid from the
// key set, HS256 only the configured secret; either way the key's algorithm
// must be the token's (an HS256 token naming an RSA key is algorithm
// confusion).
absl::StatusOr<VerificationKey> SelectKey(
    JwsAlg alg, const std::optional<std::string>& kid, const JwksFile* jwks,
    const std::optional<std::string>& hs256_secret) {
  std::optional<VerificationKey> key;
  if (kid.has_value() && jwks != nullptr) {
    absl::StatusOr<VerificationKey> found = jwks->Find(*kid);
    if (found.ok()) key = *std::move(found);
  }
  if (key.has_value() && key->alg != JwsAlgName(alg)) {
    return Refuse(absl::StrCat("alg ", JwsAlgName(alg), " does not match key ",
                               Quoted(key->kid), " (", key->alg, ")"));
  }
  if (alg == JwsAlg::kHs256) {
    if (!hs256_secret.has_value()) {
      return Refuse("alg HS256 is not accepted: no HS256 secret is configured");
    }
    return VerificationKey{"", "HS256", *hs256_secret};
  }
  if (key.has_value()) return *std::move(key);
  if (jwks == nullptr) {
    return Refuse(absl::StrCat("alg ", JwsAlgName(alg),
                               " is not accepted: no jwks_file is configured"));
  }
  if (!kid.has_value()) {
    return Refuse(absl::StrCat("the header has no kid; ", JwsAlgName(alg),
                               " tokens must name their key"));
  }
  return Refuse(absl::StrCat("unknown key id ", Quoted(*kid)));
}

// iss, aud, exp, nbf and iat, with `now` from the injected Clock (cpp-jwt's
// own checks read the system clock, so they are not used).
// On success, the window in which exp, nbf and iat accept the token.
struct ValidWindow {
  absl::Time from = absl::InfinitePast();
  absl::Time until = absl::InfiniteFuture();
};

absl::StatusOr<ValidWindow> CheckRegisteredClaims(const Json& claims,
                                                  const JwtOptions& options,
                                                  absl::Time now) {
  absl::StatusOr<std::optional<std::string>> iss =
      OptionalString(claims, "iss", "claim");
  if (!iss.ok()) return iss.status();
  if (!iss->has_value()) {
    return Refuse(
        absl::StrCat("iss is missing; expected ", Quoted(options.issuer)));
  }
  if (**iss != options.issuer) {
    return Refuse(absl::StrCat("iss ", Quoted(**iss),
                               " is not the expected issuer ",
                               Quoted(options.issuer)));
  }
  std::vector<std::string> audiences;
  if (auto aud = claims.find("aud"); aud == claims.end()) {
    return Refuse(
        absl::StrCat("aud is missing; expected ", Quoted(options.audience)));
  } else if (aud->is_string()) {
    audiences.push_back(aud->get<std::string>());
  } else {
    absl::StatusOr<std::vector<std::string>> list =
        StringArray(claims, "aud", "strings");
    if (!list.ok()) return list.status();
    audiences = *std::move(list);
  }
  if (std::find(audiences.begin(), audiences.end(), options.audience) ==
      audiences.end()) {
    return Refuse(
        absl::StrCat("aud does not include ", Quoted(options.audience)));
  }

  std::string window = absl::StrCat("(now ", Rfc3339(now), ", leeway ",
                                    absl::ToInt64Seconds(options.leeway), "s)");
  absl::StatusOr<std::optional<absl::Time>> exp = NumericDate(claims, "exp");
  if (!exp.ok()) return exp.status();
  if (!exp->has_value()) {
    return Refuse("exp is missing (every token must expire)");
  }
  if (now >= **exp + options.leeway) {
    return Refuse(absl::StrCat("expired at ", Rfc3339(**exp), " ", window));
  }
  absl::StatusOr<std::optional<absl::Time>> nbf = NumericDate(claims, "nbf");
  if (!nbf.ok()) return nbf.status();
  if (nbf->has_value() && now + options.leeway < **nbf) {
    return Refuse(
        absl::StrCat("not valid before ", Rfc3339(**nbf), " ", window));
  }
  absl::StatusOr<std::optional<absl::Time>> iat = NumericDate(claims, "iat");
  if (!iat.ok()) return iat.status();
  if (iat->has_value() && now + options.leeway < **iat) {
    return Refuse(
        absl::StrCat("issued in the future at ", Rfc3339(**iat), " ", window));
  }

  ValidWindow valid{.until = **exp + options.leeway};
  if (nbf->has_value()) valid.from = **nbf - options.leeway;
  if (iat->has_value())
    valid.from = std::max(valid.from, **iat - options.leeway);
  return valid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(
    JwtOptions options, const Clock* clock) {
  if (clock == nullptr) clock = RealClock::Get();
  if (options.issuer.empty()) {
    return OptionError("issuer", "is required (the iss every token carries)");
  }
  if (options.audience.empty()) {
    return OptionError("audience",
                       "is required (the aud every token must include)");
  }
  if (options.leeway < absl::ZeroDuration() ||
      options.leeway > absl::Minutes(10)) {
    return OptionError("leeway", "must be between 0s and 10m");
  }
  if (options.jwks_file.empty() && options.hs256_secret_file.empty()) {
    return OptionError("jwks_file, hs256_secret_file",
                       "at least one is required (RS256/ES256 public keys "
                       "or an HS256 secret)");
  }
  std::unique_ptr<JwksFile> jwks;
  if (!options.jwks_file.empty()) {
    absl::StatusOr<std::unique_ptr<JwksFile>> loaded =
        JwksFile::Load(options.jwks_file, clock, options.jwks_reload_interval);
    if (!loaded.ok()) {
      return OptionError("jwks_file", loaded.status().message());
    }
    jwks = *std::move(loaded);
  }
  std::optional<std::string> secret;
  if (!options.hs256_secret_file.empty()) {
    absl::StatusOr<KeyFile> file = ReadKeyFile(options.hs256_secret_file);
    if (!file.ok()) {
      return OptionError("hs256_secret_file", file.status().message());
    }
    if (absl::Status ok = CheckHs256Secret(file->bytes); !ok.ok()) {
      return OptionError(
          "hs256_secret_file",
          absl::StrCat(options.hs256_secret_file, ": ", ok.message()));
    }
    secret = std::move(file->bytes);
  }
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(
      std::move(options), clock, std::move(jwks), std::move(secret)));
}

JwtVerifier::JwtVerifier(JwtOptions options, const Clock* clock,
                         std::unique_ptr<JwksFile> jwks,
                         std::optional<std::string> hs256_secret)
    : options_(std::move(options)),
      clock_(clock),
      jwks_(std::move(jwks)),
      hs256_secret_(std::move(hs256_secret)),
      verified_(options_.verified_cache_entries) {}

absl::Status JwtVerifier::jwks_reload_error() const {
  return jwks_ == nullptr ? absl::OkStatus() : jwks_->reload_error();
}

bool JwtVerifier::KeyIsCurrent(const VerifiedToken& verified) const {
  if (verified.alg == JwsAlgName(JwsAlg::kHs256)) {
    return hs256_secret_.has_value() && *hs256_secret_ == verified.key_material;
  }
  if (!verified.kid.has_value() || jwks_ == nullptr) return false;
  absl::StatusOr<VerificationKey> key = jwks_->Find(*verified.kid);
  return key.ok() && key->alg == verified.alg &&
         key->pem_or_secret == verified.key_material;
}

absl::StatusOr<v1::Actor> JwtVerifier::Verify(absl::string_view text) const {
  const absl::Time now = clock_->Now();
  if (std::optional<v1::Actor> known = verified_.Find(
          text, now,
          [this](const VerifiedToken& v) { return KeyIsCurrent(v); })) {
    return *std::move(known);
  }
  absl::StatusOr<Token> token = ParseToken(text);
  if (!token.ok()) return token.status();

  // The algorithm: one of three, never "none".
  absl::StatusOr<std::optional<std::string>> alg_name =
      OptionalString(token->header, "alg", "header");
  if (!alg_name.ok()) return alg_name.status();
  if (!alg_name->has_value()) return Malformed("the header has no alg");
  if (absl::EqualsIgnoreCase(**alg_name, "none")) {
    return Refuse("alg 'none' is not accepted");
  }
  std::optional<JwsAlg> alg = ParseJwsAlg(**alg_name);
  if (!alg.has_value()) {
    return Refuse(absl::StrCat("alg ", Quoted(**alg_name),
                               " is not accepted (accepted: RS256, ES256, "
                               "HS256)"));
  }
  if (token->header.contains("crit")) {
    return Refuse("header crit names extensions gridcase does not support");
  }

  absl::StatusOr<std::optional<std::string>> kid =
      OptionalString(token->header, "kid", "header");
  if (!kid.ok()) return kid.status();
  absl::StatusOr<VerificationKey> key =
      SelectKey(*alg, *kid, jwks_.get(), hs256_secret_);
  if (!key.ok()) return key.status();

  if (!JwsVerify(*alg, key->pem_or_secret, token->signing_input,
                 token->signature)) {
    return Refuse("signature does not verify");
  }
  absl::StatusOr<ValidWindow> valid =
      CheckRegisteredClaims(token->payload, options_, now);
  if (!valid.ok()) return valid.status();
  absl::StatusOr<v1::Actor> actor = ActorFromClaims(token->payload);
  if (!actor.ok()) return actor.status();
  verified_.Insert(text,
                   {.actor = *actor,
                    .alg = std::string(JwsAlgName(*alg)),
                    .kid = *kid,
                    .key_material = std::move(key->pem_or_secret),
                    .valid_from = valid->from,
                    .valid_until = valid->until},
                   now);
  return actor;
}

}  // namespace gridcase::auth
