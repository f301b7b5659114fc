#include "services/registry/replica_registry_client.h"

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/calendar/calendar_proto.h"
#include "common/privacy/mask.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registry/in_memory_registry_store.h"
#include "services/registry/registry_test_data.h"
#include "services/registry/responsibility.h"
#include "services/registry/snapshot_holder.h"

namespace gridcase::registry {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using namespace testdata;  // NOLINT: test data constants

constexpr char kPhone[] = "13800138000";

class ReplicaRegistryClientTest : public ::testing::Test {
 protected:
  ReplicaRegistryClientTest() : holder_(&store_, nullptr), client_(&holder_) {}

  // BaseData, a rule giving E0101 in the town to "municipal", and a member
  // with a phone number.
  void Seed() {
    RegistryData data = BaseData();
    ASSERT_THAT(store_.ImportRegions(0, data.regions, now_, "").status(),
                IsOk());
    for (const v1::Department& d : data.departments) {
      Put(RecordKind::kDepartment, d.id(), d.SerializeAsString());
    }
    for (const v1::Category& c : data.categories) {
      Put(RecordKind::kCategory, c.code(), c.SerializeAsString());
    }
    v1::Rule rule = MakeRule("r-town", "E0101", kTown, "municipal");
    Put(RecordKind::kRule, rule.id(), rule.SerializeAsString());
    v1::Member member;
    member.set_id("m-1");
    member.set_name("Wang");
    member.set_phone(kPhone);
    member.add_grid_codes(kGridA1);
    Put(RecordKind::kMember, member.id(), member.SerializeAsString());
  }

  void Put(RecordKind kind, const std::string& key, const std::string& bytes) {
    ASSERT_THAT(store_.PutRecord(kind, key, bytes, now_, "").status(), IsOk());
  }

  absl::Time now_ = absl::FromUnixSeconds(1790000000);
  InMemoryRegistryStore store_;
  SnapshotHolder holder_;
  ReplicaRegistryClient client_;
};

TEST_F(ReplicaRegistryClientTest, EveryAnswerIsUnavailableBeforeTheFirstLoad) {
  Seed();
  auto unavailable = StatusIs(absl::StatusCode::kUnavailable,
                              HasSubstr("registry data not loaded yet"));
  EXPECT_THAT(client_.Locate(30.605, 120.505).status(), unavailable);
  EXPECT_THAT(client_.GetCategory("E0101").status(), unavailable);
  EXPECT_THAT(client_.GetCalendar().status(), unavailable);
  EXPECT_THAT(client_.GetWorkingCalendar().status(), unavailable);
  EXPECT_THAT(client_.GetRegion(kTown).status(), unavailable);
  EXPECT_THAT(client_.Resolve("E0101", kGridA1).status(), unavailable);
  EXPECT_THAT(client_.GetDepartment("municipal").status(), unavailable);
  EXPECT_THAT(client_.GetMember("m-1").status(), unavailable);
}

TEST_F(ReplicaRegistryClientTest, ResolvesAsTheRegistryDoes) {
  Seed();
  ASSERT_THAT(holder_.Reload(), IsOk());
  auto resolved = client_.Resolve("E0101", kGridA1);
  ASSERT_THAT(resolved.status(), IsOk());
  EXPECT_EQ(resolved->rule().id(), "r-town");
  EXPECT_EQ(resolved->department().id(), "municipal");
  auto expected = ResolveResponsibility(*holder_.Get(), "E0101", kGridA1);
  ASSERT_THAT(expected.status(), IsOk());
  EXPECT_EQ(resolved->SerializeAsString(), expected->SerializeAsString());
  // No rule for C0101: FAILED_PRECONDITION, as the registry answers.
  EXPECT_THAT(client_.Resolve("C0101", kGridA1).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no responsibility rule for category C0101")));
}

TEST_F(ReplicaRegistryClientTest, DepartmentsAndMembers) {
  Seed();
  ASSERT_THAT(holder_.Reload(), IsOk());
  auto department = client_.GetDepartment("municipal");
  ASSERT_THAT(department.status(), IsOk());
  EXPECT_EQ(department->id(), "municipal");
  EXPECT_THAT(client_.GetDepartment("nobody").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nobody")));

  auto member = client_.GetMember("m-1");
  ASSERT_THAT(member.status(), IsOk());
  EXPECT_EQ(member->name(), "Wang");
  // The phone is write-only: masked, as GetMember answers it.
  EXPECT_EQ(member->phone(), "");
  EXPECT_EQ(member->phone_masked(), privacy::MaskContact(kPhone));
  EXPECT_THAT(member->DebugString(), ::testing::Not(HasSubstr(kPhone)));
  EXPECT_THAT(client_.GetMember("m-2").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("m-2")));
}

TEST_F(ReplicaRegistryClientTest, TheCalendarIsParsedOncePerVersion) {
  Seed();
  ASSERT_THAT(holder_.Reload(), IsOk());
  auto first = client_.GetWorkingCalendar();
  auto second = client_.GetWorkingCalendar();
  ASSERT_THAT(first.status(), IsOk());
  ASSERT_THAT(second.status(), IsOk());
  EXPECT_EQ(first->get(), second->get());  // the same parse, not a new one
  EXPECT_FALSE((*first)->IsHoliday(absl::CivilDay(2026, 12, 7)));

  // A new calendar version: a Monday becomes a holiday.
  v1::WorkingCalendar changed = calendar::DefaultCalendarProto();
  v1::CalendarYear* year = changed.add_years();
  year->set_year(2026);
  year->add_holidays("2026-12-07");
  ASSERT_THAT(store_.PutCalendar(0, changed, now_, "").status(), IsOk());
  ASSERT_THAT(holder_.RefreshIfChanged(), IsOk());
  auto after = client_.GetWorkingCalendar();
  ASSERT_THAT(after.status(), IsOk());
  EXPECT_NE(after->get(), first->get());
  EXPECT_TRUE((*after)->IsHoliday(absl::CivilDay(2026, 12, 7)));
  EXPECT_FALSE((*first)->IsHoliday(absl::CivilDay(2026, 12, 7)));
}

}  // namespace
}  // namespace gridcase::registry
