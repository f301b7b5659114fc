// RedisRegistryStore against a real redis-server.
#include "services/registry/redis_registry_store.h"

#include "absl/strings/str_cat.h"
#include "common/audit/audit_record.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registry/registry_test_data.h"

namespace gridcase::registry {
namespace {

using ::gridcase::testing::IsOkAndHolds;
using ::gridcase::testing::RedisServer;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

class RedisRegistryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = server_->address()}));
    store_ = std::make_unique<RedisRegistryStore>(pool_.get());
  }
  absl::Time now_ = absl::FromUnixSeconds(1782800000);
  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<RedisRegistryStore> store_;
};

TEST_F(RedisRegistryStoreTest, ImportIsCompareAndSetOnTheVersion) {
  RegistryData data = testdata::BaseData();
  EXPECT_THAT(store_->ImportRegions(0, data.regions, now_, ""),
              IsOkAndHolds(1));
  EXPECT_THAT(store_->ImportRegions(0, data.regions, now_, ""),
              StatusIs(absl::StatusCode::kAborted,
                       HasSubstr("registry version is 1, expected 0")));
  EXPECT_THAT(store_->ImportRegions(1, {data.regions[0]}, now_, ""),
              IsOkAndHolds(2));
  ASSERT_OK_AND_ASSIGN(RegistryData loaded, store_->LoadAll());
  EXPECT_EQ(loaded.versions.registry, 2);
  EXPECT_EQ(loaded.regions.size(), data.regions.size());
  EXPECT_EQ(loaded.updated_at, now_);
}

TEST_F(RedisRegistryStoreTest, RecordsBumpTheReferenceVersion) {
  v1::Department d = testdata::MakeDepartment("sanitation");
  EXPECT_THAT(store_->PutRecord(RecordKind::kDepartment, d.id(),
                                d.SerializeAsString(), now_, ""),
              IsOkAndHolds(true));
  EXPECT_THAT(store_->PutRecord(RecordKind::kDepartment, d.id(),
                                d.SerializeAsString(), now_, ""),
              IsOkAndHolds(false));
  v1::Rule r = testdata::MakeRule("r-1", "E0101", "330483", "sanitation");
  ASSERT_OK(store_->PutRecord(RecordKind::kRule, r.id(), r.SerializeAsString(),
                              now_, ""));
  ASSERT_OK(store_->DeleteRecord(RecordKind::kRule, "r-1", now_, ""));
  EXPECT_THAT(store_->DeleteRecord(RecordKind::kRule, "r-1", now_, ""),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("r-1")));
  v1::DutyItem duty;
  duty.set_code("DLZ-01");
  duty.set_name("店外经营巡查");
  ASSERT_OK(store_->PutRecord(RecordKind::kDuty, duty.code(),
                              duty.SerializeAsString(), now_, ""));
  ASSERT_OK_AND_ASSIGN(Versions v, store_->GetVersions());
  EXPECT_EQ(v.reference, 5);
  ASSERT_OK_AND_ASSIGN(RegistryData loaded, store_->LoadAll());
  ASSERT_EQ(loaded.departments.size(), 1u);
  EXPECT_EQ(loaded.departments[0].name(), d.name());
  EXPECT_TRUE(loaded.rules.empty());
  ASSERT_EQ(loaded.duties.size(), 1u);
  EXPECT_EQ(loaded.duties[0].name(), "店外经营巡查");
  EXPECT_THAT(store_->NextRuleNumber(), IsOkAndHolds(1));
  EXPECT_THAT(store_->NextRuleNumber(), IsOkAndHolds(2));
}

TEST_F(RedisRegistryStoreTest, CalendarIsCompareAndSet) {
  ASSERT_OK_AND_ASSIGN(RegistryData empty, store_->LoadAll());
  EXPECT_FALSE(empty.calendar.has_value());
  v1::WorkingCalendar calendar;
  calendar.set_time_zone("Asia/Shanghai");
  EXPECT_THAT(store_->PutCalendar(0, calendar, now_, ""), IsOkAndHolds(1));
  EXPECT_THAT(
      store_->PutCalendar(0, calendar, now_, ""),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("calendar version is 1")));
  ASSERT_OK_AND_ASSIGN(RegistryData loaded, store_->LoadAll());
  ASSERT_TRUE(loaded.calendar.has_value());
  EXPECT_EQ(loaded.calendar->version(), 1);
  EXPECT_EQ(loaded.versions.calendar, 1);
}

// The audit record of a change is written by the same script as the
// change, and read back newest first with its stream entry id.
TEST_F(RedisRegistryStoreTest,
       AuditRecordsGoWithTheirChangeAndReadNewestFirst) {
  v1::Department d = testdata::MakeDepartment("sanitation");
  for (int i = 1; i <= 3; ++i) {
    v1::AuditRecord record;
    record.set_action("UpsertDepartment");
    record.set_object_id(absl::StrCat("d-", i));
    ASSERT_OK(store_->PutRecord(RecordKind::kDepartment, d.id(),
                                d.SerializeAsString(), now_,
                                record.SerializeAsString()));
  }
  // No record: nothing appended. A refused write appends nothing either.
  ASSERT_OK(store_->PutRecord(RecordKind::kDepartment, d.id(),
                              d.SerializeAsString(), now_, ""));
  v1::AuditRecord refused;
  refused.set_object_id("never");
  EXPECT_FALSE(store_
                   ->DeleteRecord(RecordKind::kRule, "none", now_,
                                  refused.SerializeAsString())
                   .ok());
  ASSERT_OK_AND_ASSIGN(
      std::vector<v1::AuditRecord> newest,
      store_->ReadAudit(store::kRegistryAuditKey, "registry", "", 2));
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].object_id(), "d-3");
  EXPECT_EQ(newest[1].object_id(), "d-2");
  EXPECT_EQ(newest[0].stream(), "registry");
  EXPECT_FALSE(newest[0].id().empty());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::AuditRecord> older,
                       store_->ReadAudit(store::kRegistryAuditKey, "registry",
                                         newest[1].id(), 10));
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0].object_id(), "d-1");
}

TEST_F(RedisRegistryStoreTest, SurvivesARestartWithPersistence) {
  ASSERT_OK_AND_ASSIGN(
      auto durable,
      RedisServer::Start(
          {.extra_args = {"--appendonly", "yes", "--appendfsync", "always"}}));
  ASSERT_OK_AND_ASSIGN(
      auto pool, redis::RedisPool::Create({.address = durable->address()}));
  RedisRegistryStore store(pool.get());
  ASSERT_OK(store.ImportRegions(0, testdata::BaseData().regions, now_, ""));
  ASSERT_OK(durable->Restart());
  ASSERT_OK_AND_ASSIGN(RegistryData loaded, store.LoadAll());
  EXPECT_EQ(loaded.versions.registry, 1);
  EXPECT_EQ(loaded.regions.size(), 8u);
}

}  // namespace
}  // namespace gridcase::registry
