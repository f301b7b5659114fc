#include "common/auth/outbound.h"

#include <fstream>
#include <string>

#include "common/auth/jwt_testing.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::IsOkAndHolds;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Pair;

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

TEST(DevHeaderIdentity, SendsASystemActorHeader) {
  EXPECT_THAT(DevHeaderIdentity("system:intake").Header(),
              IsOkAndHolds(Pair("x-gridcase-actor",
                                "subject=system:intake; roles=system")));
}

TEST(TokenFileIdentity, SendsTheTokenAndRereadsTheFileWhenItChanges) {
  std::string path = testing::NewTempDir() + "/token";
  Write(path, "first.token.sig\n");
  ASSERT_OK_AND_ASSIGN(auto identity, TokenFileIdentity::Create(path));
  EXPECT_THAT(identity->Header(),
              IsOkAndHolds(Pair("authorization", "Bearer first.token.sig")));
  // A rotated Secret: the file is replaced (new inode, new size).
  testing::ReplaceFile(path, "second.token.signature");
  EXPECT_THAT(
      identity->Header(),
      IsOkAndHolds(Pair("authorization", "Bearer second.token.signature")));
}

TEST(TokenFileIdentity,
     AMissingOrEmptyFileIsRefusedAtStartAndUnavailableLater) {
  std::string dir = testing::NewTempDir();
  EXPECT_THAT(TokenFileIdentity::Create(dir + "/none"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cannot be read")));
  Write(dir + "/empty", "  \n");
  EXPECT_THAT(TokenFileIdentity::Create(dir + "/empty"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  Write(dir + "/t", "tok");
  ASSERT_OK_AND_ASSIGN(auto identity, TokenFileIdentity::Create(dir + "/t"));
  ASSERT_EQ(std::remove((dir + "/t").c_str()), 0);
  EXPECT_THAT(identity->Header(), StatusIs(absl::StatusCode::kUnavailable,
                                           HasSubstr("service token file")));
}

}  // namespace
}  // namespace gridcase::auth
