#include "common/audit/audit_record.h"

#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::audit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Actor Admin() {
  v1::Actor a;
  a.set_subject("m-admin");
  a.add_roles(v1::ROLE_ADMIN);
  return a;
}

v1::Category Garbage() {
  v1::Category c;
  c.set_code("E0101");
  c.set_name("暴露垃圾");
  v1::StageLimit* l = c.add_limits();
  l->set_stage(v1::STAGE_HANDLE);
  l->mutable_limit()->set_amount(1);
  l->mutable_limit()->set_unit(v1::TIME_UNIT_WORKING_DAYS);
  c.mutable_updated_at()->set_seconds(100);
  return c;
}

TEST(Describe, NamesWhoWhenAndTheChangedFieldPaths) {
  v1::Category before = Garbage();
  v1::Category after = Garbage();
  after.mutable_limits(0)->mutable_limit()->set_amount(2);
  after.set_urgent(true);
  after.mutable_updated_at()->set_seconds(200);  // bookkeeping: not a change
  auto record = Describe(Admin(), absl::FromUnixSeconds(200), "UpsertCategory",
                         "category", "E0101", &before, &after);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->actor().subject(), "m-admin");
  EXPECT_EQ(record->time().seconds(), 200);
  EXPECT_EQ(record->action(), "UpsertCategory");
  EXPECT_EQ(record->object_kind(), "category");
  EXPECT_EQ(record->object_id(), "E0101");
  EXPECT_THAT(record->changed_fields(),
              ElementsAre("limits[0].limit.amount", "urgent"));
  EXPECT_THAT(record->before_json(), HasSubstr("\"amount\":\"1\""));
  EXPECT_THAT(record->after_json(), HasSubstr("\"amount\":\"2\""));
  EXPECT_THAT(record->after_json(), HasSubstr("暴露垃圾"));
  EXPECT_FALSE(record->truncated());
}

TEST(Describe, AWriteThatChangesNothingRecordsNothing) {
  v1::Category before = Garbage();
  v1::Category after = Garbage();
  after.mutable_updated_at()->set_seconds(999);
  EXPECT_FALSE(Describe(Admin(), absl::Now(), "UpsertCategory", "category",
                        "E0101", &before, &after)
                   .has_value());
}

TEST(Describe, CreationAndDeletionChangeEverything) {
  v1::Category c = Garbage();
  auto created =
      Describe(Admin(), absl::Now(), "UpsertCategory", "category", "E0101",
               nullptr, &c);
  ASSERT_TRUE(created.has_value());
  EXPECT_THAT(created->changed_fields(), ElementsAre("*"));
  EXPECT_EQ(created->before_json(), "");
  auto deleted = Describe(Admin(), absl::Now(), "DeleteRule", "rule", "r-1",
                          &c, nullptr);
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->after_json(), "");
}

TEST(Describe, LongObjectsAreCutOnACharacterBoundaryAndSaySo) {
  v1::Category before = Garbage();
  v1::Category after = Garbage();
  after.set_description(std::string(6000, 'x') + std::string(6000 * 3 / 3, 'y') +
                        "垃圾垃圾垃圾垃圾垃圾垃圾垃圾垃圾垃圾垃圾垃圾垃圾" +
                        std::string(8000, 'z'));
  auto record = Describe(Admin(), absl::Now(), "UpsertCategory", "category",
                         "E0101", &before, &after);
  ASSERT_TRUE(record.has_value());
  EXPECT_TRUE(record->truncated());
  EXPECT_LE(record->after_json().size(), kMaxJsonBytes);
  // Still valid UTF-8: it serializes as a proto string field.
  v1::AuditRecord copy;
  EXPECT_TRUE(copy.ParseFromString(record->SerializeAsString()));
}

}  // namespace
}  // namespace gridcase::audit
