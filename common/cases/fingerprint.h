// RequestFingerprint: a stable 64-bit hash (FNV-1a, hex) of a request
// message's deterministic serialization. Stored with an idempotency key so
// that a retry (same fingerprint) is told apart from a different request
// reusing the key, on any replica.
#ifndef GRIDCASE_COMMON_CASES_FINGERPRINT_H_
#define GRIDCASE_COMMON_CASES_FINGERPRINT_H_

#include <string>

#include "google/protobuf/message.h"

namespace gridcase::cases {

std::string RequestFingerprint(const google::protobuf::Message& request);

}  // namespace gridcase::cases

#endif  // GRIDCASE_COMMON_CASES_FINGERPRINT_H_
