// VerifiedTokenCache: the tokens JwtVerifier has already verified, so that a
// caller presenting the same bearer token again (every call of a channel
// backend, a staff app or a service within the token's hour) is not checked
// with public-key cryptography again. OpenSSL 3 decodes the PEM key and
// verifies an ES256 or RS256 signature in roughly 100-300 µs; a hit is a
// hash lookup.
//
// An entry holds what the full check proved: the Actor, the key that
// verified the signature (algorithm, kid and key material) and the time
// window in which exp, nbf and iat (with leeway) accept the token. A hit
// requires the exact token text, `now` inside that window, and the key still
// being the one the verifier would select (a rotated or removed key misses).
// Refused tokens are never cached, so a miss always gets the full check and
// its precise error. When full, expired entries are dropped; if none are,
// the whole cache is cleared (simple, and bounded: at most `capacity`
// tokens of at most kMaxTokenBytes).
#ifndef GRIDCASE_COMMON_AUTH_VERIFIED_TOKEN_CACHE_H_
#define GRIDCASE_COMMON_AUTH_VERIFIED_TOKEN_CACHE_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

struct VerifiedToken {
  v1::Actor actor;
  // The key that verified the signature.
  std::string alg;
  std::optional<std::string> kid;
  std::string key_material;
  // The token is accepted for valid_from <= now < valid_until.
  absl::Time valid_from = absl::InfinitePast();
  absl::Time valid_until = absl::InfinitePast();
};

class VerifiedTokenCache final {
 public:
  // Whether the key an entry was verified with is still the one in use.
  using KeyIsCurrent = std::function<bool(const VerifiedToken&)>;

  // capacity 0 disables the cache.
  explicit VerifiedTokenCache(size_t capacity) : capacity_(capacity) {}

  // The cached Actor for `token` if it was verified, `now` is inside its
  // window and `key_is_current` accepts its key; otherwise nullopt (and an
  // entry that can never hit again is dropped).
  std::optional<v1::Actor> Find(absl::string_view token, absl::Time now,
                                const KeyIsCurrent& key_is_current)
      ABSL_LOCKS_EXCLUDED(mu_);

  void Insert(absl::string_view token, VerifiedToken verified, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mu_);

  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, VerifiedToken> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_VERIFIED_TOKEN_CACHE_H_
