// Webhook signatures. Every request carries
//   X-Gridcase-Timestamp: <unix seconds>
//   X-Gridcase-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
// A receiver recomputes the HMAC over the raw body with the shared secret,
// compares in constant time and refuses timestamps older than a few minutes
// (replays); docs/notifications.md has the recipe.
#ifndef GRIDCASE_SERVICES_NOTIFY_SIGNER_H_
#define GRIDCASE_SERVICES_NOTIFY_SIGNER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::notify {

inline constexpr char kTimestampHeader[] = "X-Gridcase-Timestamp";
inline constexpr char kSignatureHeader[] = "X-Gridcase-Signature";
inline constexpr char kDeliveryHeader[] = "X-Gridcase-Delivery";

// "v1=<64 lowercase hex digits>".
std::string SignatureV1(absl::string_view secret, int64_t unix_seconds,
                        absl::string_view body);

// True if `signature` is SignatureV1(secret, unix_seconds, body), compared
// in constant time.
bool VerifySignatureV1(absl::string_view secret, int64_t unix_seconds,
                       absl::string_view body, absl::string_view signature);

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_SIGNER_H_
