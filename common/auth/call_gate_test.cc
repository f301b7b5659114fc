#include "common/auth/call_gate.h"

#include <string>

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

class CallGateTest : public ::testing::Test {
 protected:
  absl::Status Check(const std::string& path, const std::string& actor = "") {
    Metadata md;
    if (!path.empty()) md.emplace(":path", grpc::string_ref(path));
    if (!actor.empty()) {
      md.emplace(grpc::string_ref(kActorHeader.data(), kActorHeader.size()),
                 grpc::string_ref(actor));
    }
    return gate_.Check(md);
  }

  DevHeaderAuthenticator authenticator_;
  CallGate gate_{&authenticator_};
};

TEST_F(CallGateTest, HealthAndReflectionAreOpenToEveryCaller) {
  EXPECT_THAT(Check("/grpc.health.v1.Health/Check"), IsOk());
  EXPECT_THAT(
      Check("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
      IsOk());
}

TEST_F(CallGateTest, GridcaseRpcsNeedAnIdentityAndARoleTheTableAllows) {
  EXPECT_THAT(Check("/gridcase.v1.RegistryService/ImportGrids"),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_THAT(Check("/gridcase.v1.RegistryService/ImportGrids",
                    "subject=wx-1; roles=citizen"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("ImportGrids needs role ADMIN")));
  EXPECT_THAT(Check("/gridcase.v1.RegistryService/UploadGrids",
                    "subject=m-1; roles=admin"),
              IsOk());
  EXPECT_THAT(Check("/gridcase.v1.RegistryService/LocateGrid",
                    "subject=wx-1; roles=citizen"),
              IsOk());
  EXPECT_THAT(Check("/gridcase.v1.RegistryService/NoSuchRpc",
                    "subject=m-1; roles=admin"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("has no row in the authorization table")));
}

TEST_F(CallGateTest, ACallWithoutAPathIsRefused) {
  EXPECT_THAT(Check(""),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr(":path")));
}

TEST_F(CallGateTest, ProcessAnswersWithTheGrpcStatus) {
  grpc::AuthMetadataProcessor::InputMetadata md;
  md.emplace(":path", "/gridcase.v1.IntakeService/GetCase");
  grpc::AuthMetadataProcessor::OutputMetadata consumed, response;
  grpc::Status s = gate_.Process(md, nullptr, &consumed, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(gate_.IsBlocking());
}

}  // namespace
}  // namespace gridcase::auth
