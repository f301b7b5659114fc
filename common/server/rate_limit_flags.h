// The rate limits every service shares, from flags (--rate_limit_caller,
// --rate_limit_staff, --rate_limit_channel; common/limits/rate.h has the
// syntax): Bootstrap::FromFlags hands services an Authenticator that
// charges each call to them (auth::RateLimitedAuthenticator), with the
// buckets in the service's Redis, shared by its replicas.
#ifndef GRIDCASE_COMMON_SERVER_RATE_LIMIT_FLAGS_H_
#define GRIDCASE_COMMON_SERVER_RATE_LIMIT_FLAGS_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "common/auth/authenticator.h"
#include "common/redis/redis_client.h"
#include "prometheus/registry.h"

namespace gridcase::server {

// `authenticator`, rate-limited as the flags say (and logged), or as it is
// when every limit is off.
std::unique_ptr<auth::Authenticator> RateLimitedFromFlags(
    std::unique_ptr<auth::Authenticator> authenticator,
    redis::RedisClient* redis, prometheus::Registry& metrics,
    absl::string_view service_name);

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_RATE_LIMIT_FLAGS_H_
