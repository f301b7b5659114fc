// gridctl notify: parsing of --recipient.
#include "tools/gridctl/notify_commands.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

TEST(NotifyCommands, RecipientsParse) {
  ASSERT_OK_AND_ASSIGN(v1::Recipient r, ParseRecipient("department:works"));
  EXPECT_EQ(r.kind(), v1::RECIPIENT_KIND_DEPARTMENT);
  EXPECT_EQ(r.id(), "works");
  // The id keeps its own colons.
  ASSERT_OK_AND_ASSIGN(r, ParseRecipient("REPORTER:wx:o6_1"));
  EXPECT_EQ(r.kind(), v1::RECIPIENT_KIND_REPORTER);
  EXPECT_EQ(r.id(), "wx:o6_1");
  ASSERT_OK_AND_ASSIGN(r, ParseRecipient("duty_chief:duty_chief"));
  EXPECT_EQ(r.kind(), v1::RECIPIENT_KIND_DUTY_CHIEF);
  for (const char* bad :
       {"works", "department:", "mayor:1", ":works", "unspecified:x"}) {
    EXPECT_THAT(ParseRecipient(bad),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("--recipient: KIND:ID")))
        << bad;
  }
}

}  // namespace
}  // namespace gridcase::gridctl
