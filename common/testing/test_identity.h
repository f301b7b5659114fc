// Identities for tests that run gridcase services as processes in jwt mode
// (the default of ServiceProcess): one HS256 secret per test process, the
// flags that make a service trust it and carry a service token, and tokens
// for any actor a test acts as.
#ifndef GRIDCASE_COMMON_TESTING_TEST_IDENTITY_H_
#define GRIDCASE_COMMON_TESTING_TEST_IDENTITY_H_

#include <grpcpp/client_context.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::testing {

inline constexpr char kTestIssuer[] = "https://sso.gridcase.test";
inline constexpr char kTestAudience[] = "gridcase";

// --auth_mode=jwt, --jwt_issuer, --jwt_audience, --jwt_hs256_secret_file and
// --service_token_file (a SYSTEM token, subject "system:test-services").
const std::vector<std::string>& JwtServiceArgs();

// The secret file (for tools given GRIDCASE_SIGNING_KEY).
const std::string& TestSecretFile();

// GRIDCASE_SIGNING_KEY, GRIDCASE_JWT_ISSUER and GRIDCASE_JWT_AUDIENCE
// entries for a tool run as a subprocess (gridctl, gridcase-sim).
std::vector<std::string> MintingEnv();

// A token for `actor`, or for the actor written in the insecure-dev header
// syntax ("subject=m-1; roles=dispatcher"; a malformed header fails the
// test).
std::string TokenFor(const v1::Actor& actor);
std::string TokenFor(absl::string_view actor_header);

// Adds "authorization: Bearer <TokenFor(...)>" (and, for an end user of a
// channel, the backend's token and x-gridcase-on-behalf-of).
void Identify(grpc::ClientContext* context, const v1::Actor& actor);
void Identify(grpc::ClientContext* context, absl::string_view actor_header);

}  // namespace gridcase::testing

#endif  // GRIDCASE_COMMON_TESTING_TEST_IDENTITY_H_
