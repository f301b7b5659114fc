// IntakeServiceImpl over a real redis-server (RedisCaseStore) and a fake
// registry, through an in-process gRPC server.
#include "services/intake/intake_service.h"

#include <grpcpp/client_context.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/fake_clock.h"
#include "common/clock/timestamp.h"
#include "common/redis/redis_pool.h"
#include "common/registry_client/fake_registry_client.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"
#include "common/testing/in_process_server.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/case_store.h"
#include "services/intake/intake_service_fixture.h"
#include "services/intake/intake_test_data.h"

namespace gridcase::intake {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST_F(IntakeServiceTest, ReportThenGetWithTimeline) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r,
                       Report(testdata::GoodReport("r-1")));
  EXPECT_EQ(r.outcome(), v1::REPORT_OUTCOME_CREATED);
  EXPECT_FALSE(r.replayed());
  EXPECT_EQ(r.report_count(), 1);
  const v1::Case& c = r.case_();
  EXPECT_THAT(c.id(), StartsWith("330483-20260630-"));
  ASSERT_OK_AND_ASSIGN(store::CaseId id, store::ParseCaseId(c.id(), 16));
  EXPECT_EQ(id.shard, store::ShardOf("330483101", 16));
  EXPECT_EQ(c.state(), v1::CASE_STATE_REPORTED);
  EXPECT_EQ(c.version(), 1);
  EXPECT_EQ(c.grid_code(), "330483101002002");
  EXPECT_EQ(c.town_code(), "330483101");
  EXPECT_EQ(c.reporter().id(), "wx-alice");
  EXPECT_EQ(c.reporter().kind(), v1::REPORTER_KIND_CITIZEN);
  EXPECT_EQ(c.category_name(), "暴露垃圾");
  // Register within 30 working minutes: 10:30; then dispatch 30 working
  // minutes (11:00) and handle 1 working day (480 working minutes) from
  // 11:00: 1 h to 12:00 + 4 h afternoon + 3 h next morning = 11:00 Wed.
  ASSERT_EQ(c.deadlines_size(), 1);
  EXPECT_EQ(FromTimestamp(c.deadlines(0).effective_deadline()),
            kStart + absl::Minutes(30));
  EXPECT_EQ(FromTimestamp(c.expected_at()), kStart + absl::Hours(25));

  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse got, Get(c.id()));
  EXPECT_EQ(got.case_().description(), c.description());
  ASSERT_EQ(got.timeline_size(), 1);
  EXPECT_EQ(got.timeline(0).type(), v1::CASE_EVENT_TYPE_REPORTED);
  EXPECT_EQ(got.timeline(0).case_id(), c.id());
  EXPECT_FALSE(got.timeline(0).id().empty());
  EXPECT_EQ(got.timeline(0).dimensions().report_date(), "2026-06-30");
  // case.reported completes no stage (CaseEvent.stage's contract).
  EXPECT_EQ(got.timeline(0).stage(), v1::STAGE_UNSPECIFIED);
  EXPECT_FALSE(got.timeline(0).has_stage_deadline());

  ASSERT_OK_AND_ASSIGN(
      redis::Reply events,
      redis_client_->Command({"XLEN", store::EventsKey(id.shard)}));
  EXPECT_EQ(events.integer(), 1);
}

// Lights are computed for the moment of the read, not left as stored.
TEST_F(IntakeServiceTest, ReadsShowTheLightOfNow) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r,
                       Report(testdata::GoodReport("r-1")));
  EXPECT_EQ(r.case_().light(), v1::TRAFFIC_LIGHT_GREEN);
  // REGISTER is attempt 1 and warns at 80% of its 30 minutes, as dispatch
  // numbers and warns every later stage.
  ASSERT_EQ(r.case_().deadlines_size(), 1);
  EXPECT_EQ(r.case_().deadlines(0).stage(), v1::STAGE_REGISTER);
  EXPECT_EQ(r.case_().deadlines(0).attempt(), 1);
  clock_.Advance(absl::Minutes(23));
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse early, Get(r.case_().id()));
  EXPECT_EQ(early.case_().light(), v1::TRAFFIC_LIGHT_GREEN);
  clock_.Advance(absl::Minutes(6));  // past 24 of the 30 minutes
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse warned, Get(r.case_().id()));
  EXPECT_EQ(warned.case_().light(), v1::TRAFFIC_LIGHT_YELLOW);
  clock_.Advance(absl::Minutes(2));  // past the 30 minutes to register
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse late, Get(r.case_().id()));
  EXPECT_EQ(late.case_().light(), v1::TRAFFIC_LIGHT_RED);
  EXPECT_EQ(late.case_().deadlines(0).light(), v1::TRAFFIC_LIGHT_RED);
}

TEST_F(IntakeServiceTest, RetryReturnsTheSameCaseAndStoresNothingNew) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse first,
                       Report(testdata::GoodReport("r-1")));
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse again,
                       Report(testdata::GoodReport("r-1")));
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.case_().id(), first.case_().id());
  int shard = store::ShardOf("330483101", 16);
  ASSERT_OK_AND_ASSIGN(
      redis::Reply events,
      redis_client_->Command({"XLEN", store::EventsKey(shard)}));
  EXPECT_EQ(events.integer(), 1);
  // The same key with another request is refused.
  v1::ReportCaseRequest other = testdata::GoodReport("r-1");
  other.set_description("另一个问题");
  EXPECT_THAT(Report(other),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("request_id was already used")));
  // Keys are per caller: another citizen's "r-1" is a new report (merged,
  // as it is the same place and category).
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse bob,
                       Report(testdata::GoodReport("r-1"), kOtherCitizen));
  EXPECT_FALSE(bob.replayed());
  EXPECT_NE(bob.case_().id(), first.case_().id());
}

// Subjects may contain ':' (channel users "wx:…"), and so may request ids:
// ("wx:a", "b:c") and ("wx:a:b", "c") are two callers' keys, not one.
TEST_F(IntakeServiceTest, IdempotencyKeysOfCallersWithColonsDoNotCollide) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse a,
                       Report(At("b:c", 0), "subject=wx:a; roles=citizen"));
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse b,
                       Report(At("c", 200), "subject=wx:a:b; roles=citizen"));
  EXPECT_FALSE(b.replayed());
  EXPECT_NE(b.case_().id(), a.case_().id());
}

TEST_F(IntakeServiceTest, EightConcurrentRetriesMakeOneCase) {
  std::vector<std::thread> threads;
  std::vector<std::string> ids(8);
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<v1::ReportCaseResponse> r =
          Report(testdata::GoodReport("same-key"));
      if (r.ok()) {
        ids[t] = r->case_().id();
      } else {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  int shard = store::ShardOf("330483101", 16);
  ASSERT_OK_AND_ASSIGN(
      redis::Reply events,
      redis_client_->Command({"XLEN", store::EventsKey(shard)}));
  EXPECT_EQ(events.integer(), 1);
}

TEST_F(IntakeServiceTest, DuplicateWithinTheRadiusIsMergedJustOutsideIsNot) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse first, Report(At("a", 0)));
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse near,
                       Report(At("b", 45), kOtherCitizen));
  EXPECT_EQ(near.outcome(), v1::REPORT_OUTCOME_MERGED);
  EXPECT_EQ(near.case_().state(), v1::CASE_STATE_MERGED);
  EXPECT_EQ(near.merged_into_case_id(), first.case_().id());
  EXPECT_EQ(near.case_().merged_into(), first.case_().id());
  EXPECT_EQ(near.report_count(), 2);  // "already reported by 2 people"
  EXPECT_EQ(near.merged_into_case().report_count(), 2);
  EXPECT_EQ(near.merged_into_case().follower_count(), 1);  // not the reporter

  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse far, Report(At("c", 55)));
  EXPECT_EQ(far.outcome(), v1::REPORT_OUTCOME_CREATED);

  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse merged, Get(near.case_().id()));
  ASSERT_EQ(merged.timeline_size(), 1);
  EXPECT_EQ(merged.timeline(0).type(), v1::CASE_EVENT_TYPE_MERGED);
  EXPECT_EQ(merged.timeline(0).related_case_id(), first.case_().id());
  // case.merged carries data["distance_m"], the metres to the original.
  ASSERT_TRUE(merged.timeline(0).data().contains("distance_m"));
  double distance = 0;
  ASSERT_TRUE(
      absl::SimpleAtod(merged.timeline(0).data().at("distance_m"), &distance));
  EXPECT_NEAR(distance, 45, 1);

  // Outside the 72 h window the old case is no longer a candidate.
  clock_.Advance(absl::Hours(73));
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse later, Report(At("d", 0)));
  EXPECT_EQ(later.outcome(), v1::REPORT_OUTCOME_CREATED);
}

// ListCases orders by reported_at in milliseconds (its index score), so
// reported_at itself is stored at that precision: the order is exactly
// reported_at descending, then id descending.
TEST_F(IntakeServiceTest, ReportedAtHasTheMillisecondsListCasesOrdersBy) {
  clock_.Advance(absl::Microseconds(1500));
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r,
                       Report(testdata::GoodReport("r-ms")));
  EXPECT_EQ(FromTimestamp(r.case_().reported_at()),
            kStart + absl::Milliseconds(1));
  EXPECT_EQ(r.case_().reported_at().nanos() % 1000000, 0);
}

TEST_F(IntakeServiceTest, RegistryOutageIsUnavailableAndStoresNothing) {
  registry_.SetFailure(absl::UnavailableError(
      "registry unavailable: connection refused; retry with the same "
      "request_id"));
  EXPECT_THAT(Report(testdata::GoodReport("r-1")),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("registry unavailable")));
  ASSERT_OK_AND_ASSIGN(redis::Reply keys, redis_client_->Command({"DBSIZE"}));
  EXPECT_EQ(keys.integer(), 0);
}

TEST_F(IntakeServiceTest, RegistryAnswersBecomeFieldErrors) {
  v1::ReportCaseRequest outside = testdata::GoodReport("r-1");
  outside.mutable_location()->set_latitude(31.5);
  EXPECT_THAT(Report(outside),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "location: point (31.500000, 120.630000) is outside "
                       "every grid"));
  v1::ReportCaseRequest unknown = testdata::GoodReport("r-2");
  unknown.set_category_code("E9999");
  EXPECT_THAT(Report(unknown),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "category_code: unknown category 'E9999'"));
}

TEST_F(IntakeServiceTest, SourcesNeedTheirRolesAndCitizensReportAsThemselves) {
  v1::ReportCaseRequest patrol = testdata::GoodReport("r-1");
  patrol.set_source(v1::SOURCE_GRID_PATROL);
  EXPECT_THAT(Report(patrol),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("reporting from GRID_PATROL needs role "
                                 "GRID_MANAGER or SYSTEM")));
  v1::ReportCaseRequest impersonated = testdata::GoodReport("r-2");
  impersonated.mutable_reporter()->set_id("wx-bob");
  EXPECT_THAT(Report(impersonated),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("reporter.id: a citizen reports as "
                                 "themselves")));
  v1::ReportCaseRequest hotline = testdata::GoodReport("r-3");
  hotline.set_source(v1::SOURCE_HOTLINE);
  hotline.mutable_reporter()->set_id("caller-13812345678");
  hotline.mutable_reporter()->set_contact("13812345678");
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse taken,
                       Report(hotline, "subject=m-acc; roles=acceptor"));
  EXPECT_EQ(taken.case_().reporter().id(), "caller-13812345678");
  EXPECT_EQ(taken.case_().reporter().contact(), "138****5678");
  EXPECT_EQ(taken.case_().reporter().kind(), v1::REPORTER_KIND_STAFF);
}

TEST_F(IntakeServiceTest, CitizensDoNotSeeOtherReporters) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r,
                       Report(testdata::GoodReport("r-1")));
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse mine, Get(r.case_().id()));
  EXPECT_EQ(mine.case_().reporter().id(), "wx-alice");
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse theirs,
                       Get(r.case_().id(), kOtherCitizen));
  EXPECT_EQ(theirs.case_().reporter().id(), "");
  EXPECT_EQ(theirs.timeline(0).actor().subject(), "");
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse staff,
                       Get(r.case_().id(), kDispatcher));
  EXPECT_EQ(staff.case_().reporter().id(), "wx-alice");
}

TEST_F(IntakeServiceTest, AnonymousReportersAreHiddenOutsideTheCentre) {
  v1::ReportCaseRequest anonymous = testdata::GoodReport("r-1");
  anonymous.mutable_reporter()->set_anonymous(true);
  anonymous.mutable_reporter()->set_contact("13812345678");
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r, Report(anonymous));
  const std::string id = r.case_().id();
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse department,
                       Get(id,
                           "subject=m-s; roles=department_staff; "
                           "department=sanitation"));
  EXPECT_EQ(department.case_().reporter().id(), "");
  EXPECT_EQ(department.case_().reporter().contact(), "");
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse centre, Get(id, kDispatcher));
  EXPECT_EQ(centre.case_().reporter().id(), "wx-alice");
  EXPECT_EQ(centre.case_().reporter().contact(), "138****5678");
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse self, Get(id));
  EXPECT_EQ(self.case_().reporter().id(), "wx-alice");
}

TEST_F(IntakeServiceTest, GetCaseErrors) {
  EXPECT_THAT(Get("nonsense"), StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("case_id: must look like")));
  EXPECT_THAT(Get("330483-20260630-000123"),
              StatusIs(absl::StatusCode::kNotFound,
                       "case 330483-20260630-000123 not found"));
}

TEST_F(IntakeServiceTest, MetricsCountOutcomes) {
  ASSERT_OK(Report(At("a", 0)));
  ASSERT_OK(Report(At("a", 0)));                  // replay
  ASSERT_OK(Report(At("b", 10), kOtherCitizen));  // merged
  v1::ReportCaseRequest bad = testdata::GoodReport("c");
  bad.set_description("");
  EXPECT_FALSE(Report(bad).ok());
  auto value = [&](const std::string& name,
                   const std::map<std::string, std::string>& labels) {
    for (const auto& family : prometheus_.Collect()) {
      if (family.name != name) continue;
      for (const auto& m : family.metric) {
        bool match = true;
        for (const auto& [k, v] : labels) {
          bool found = false;
          for (const auto& l : m.label) found |= l.name == k && l.value == v;
          match &= found;
        }
        if (match) return m.counter.value;
      }
    }
    return -1.0;
  };
  EXPECT_EQ(value("gridcase_intake_reports_total", {{"source", "wechat"},
                                                    {"family", "event"},
                                                    {"outcome", "created"}}),
            1);
  EXPECT_EQ(
      value("gridcase_intake_reports_total",
            {{"source", "wechat"}, {"family", "event"}, {"outcome", "merged"}}),
      1);
  EXPECT_EQ(value("gridcase_intake_replays_total", {}), 1);
  EXPECT_EQ(
      value("gridcase_intake_rejections_total", {{"field", "description"}}), 1);
}

TEST_F(IntakeServiceTest,
       ListCasesPagesNewestFirstWithoutGapsWhileCasesArrive) {
  std::vector<std::string> reported;
  for (int i = 0; i < 7; ++i) {
    clock_.Advance(absl::Minutes(1));
    ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r,
                         Report(At(absl::StrCat("r", i), i * 60.0)));
    ASSERT_EQ(r.outcome(), v1::REPORT_OUTCOME_CREATED);
    reported.insert(reported.begin(), r.case_().id());  // newest first
  }
  v1::ListCasesRequest request;
  request.set_page_size(3);
  std::vector<std::string> listed;
  bool arrived = false;
  do {
    ASSERT_OK_AND_ASSIGN(
        v1::ListCasesResponse page,
        Call(&v1::IntakeService::Stub::ListCases, request, kDispatcher));
    for (const v1::Case& c : page.cases()) listed.push_back(c.id());
    request.set_page_token(page.next_page_token());
    if (!arrived) {  // two new cases arrive between pages
      arrived = true;
      for (int i = 7; i < 9; ++i) {
        clock_.Advance(absl::Minutes(1));
        ASSERT_OK(Report(At(absl::StrCat("r", i), i * 60.0)));
      }
    }
  } while (!request.page_token().empty());
  EXPECT_EQ(listed, reported);

  // Filters: the grid, a state, and a citizen's own reports.
  v1::ListCasesRequest by_grid;
  by_grid.set_region_code("330483101002002");
  by_grid.add_states(v1::CASE_STATE_REPORTED);
  ASSERT_OK_AND_ASSIGN(
      v1::ListCasesResponse grid,
      Call(&v1::IntakeService::Stub::ListCases, by_grid, kDispatcher));
  EXPECT_EQ(grid.cases_size(), 9);
  by_grid.set_region_code("330483102");
  ASSERT_OK_AND_ASSIGN(
      grid, Call(&v1::IntakeService::Stub::ListCases, by_grid, kDispatcher));
  EXPECT_EQ(grid.cases_size(), 0);
  v1::ListCasesRequest someone_else;
  someone_else.set_reporter_id("wx-bob");
  EXPECT_THAT(Call(&v1::IntakeService::Stub::ListCases, someone_else),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("reporter_id: a citizen may list only")));
  v1::ListCasesRequest bad;
  bad.set_region_code("33048");
  EXPECT_THAT(
      Call(&v1::IntakeService::Stub::ListCases, bad, kDispatcher),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("region_code")));
  // Filter ids name index keys: no control characters.
  v1::ListCasesRequest separator;
  separator.set_reporter_id("hot\x1fline");
  EXPECT_THAT(Call(&v1::IntakeService::Stub::ListCases, separator, kDispatcher),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("reporter_id: must not contain control")));
  v1::ListCasesRequest department;
  department.set_department_id(std::string("works\0", 6));
  EXPECT_THAT(
      Call(&v1::IntakeService::Stub::ListCases, department, kDispatcher),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("department_id: must not contain control")));
}

TEST_F(IntakeServiceTest, ListNearbyFindsOpenCasesNearestFirst) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse a, Report(At("a", 0)));
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse b, Report(At("b", 100)));
  ASSERT_OK(Report(At("c", 400)));
  v1::ListNearbyRequest request;
  request.mutable_location()->set_latitude(kLat + 90 / 111195.0);
  request.mutable_location()->set_longitude(kLng);
  ASSERT_OK_AND_ASSIGN(v1::ListNearbyResponse near,
                       Call(&v1::IntakeService::Stub::ListNearby, request));
  ASSERT_EQ(near.cases_size(), 2);  // default radius 250 m
  EXPECT_EQ(near.cases(0).case_().id(), b.case_().id());
  EXPECT_NEAR(near.cases(0).distance_m(), 10, 1);
  EXPECT_EQ(near.cases(1).case_().id(), a.case_().id());
  EXPECT_NEAR(near.cases(1).distance_m(), 90, 1);
  request.set_radius_m(2000);
  EXPECT_THAT(Call(&v1::IntakeService::Stub::ListNearby, request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("radius_m: must be 1-1000")));
}

TEST_F(IntakeServiceTest, FollowUpsAreIdempotentAndCountMeTooOnce) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r, Report(At("a", 0)));
  v1::AddFollowUpRequest me_too;
  me_too.set_case_id(r.case_().id());
  me_too.set_request_id("f-1");
  me_too.set_kind(v1::FOLLOW_UP_KIND_ME_TOO);
  ASSERT_OK_AND_ASSIGN(
      v1::AddFollowUpResponse first,
      Call(&v1::IntakeService::Stub::AddFollowUp, me_too, kOtherCitizen));
  EXPECT_EQ(first.case_().follower_count(), 1);
  EXPECT_EQ(first.case_().version(), 2);
  EXPECT_EQ(first.event().type(), v1::CASE_EVENT_TYPE_FOLLOWED_UP);
  EXPECT_FALSE(first.event().id().empty());
  ASSERT_OK_AND_ASSIGN(
      v1::AddFollowUpResponse again,
      Call(&v1::IntakeService::Stub::AddFollowUp, me_too, kOtherCitizen));
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.event().id(), first.event().id());
  me_too.set_request_id("f-2");  // the same person again: no new follower
  ASSERT_OK_AND_ASSIGN(
      v1::AddFollowUpResponse twice,
      Call(&v1::IntakeService::Stub::AddFollowUp, me_too, kOtherCitizen));
  EXPECT_EQ(twice.case_().follower_count(), 1);
  EXPECT_EQ(twice.case_().version(), 3);

  v1::AddFollowUpRequest comment = me_too;
  comment.set_request_id("f-3");
  comment.set_kind(v1::FOLLOW_UP_KIND_COMMENT);
  EXPECT_THAT(
      Call(&v1::IntakeService::Stub::AddFollowUp, comment),
      StatusIs(absl::StatusCode::kInvalidArgument, "text: must not be empty"));
  comment.set_text("今天早上还在");
  ASSERT_OK(Call(&v1::IntakeService::Stub::AddFollowUp, comment));

  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse dup,
                       Report(At("b", 5), kOtherCitizen));
  ASSERT_EQ(dup.outcome(), v1::REPORT_OUTCOME_MERGED);
  comment.set_case_id(dup.case_().id());
  comment.set_request_id("f-4");
  EXPECT_THAT(
      Call(&v1::IntakeService::Stub::AddFollowUp, comment),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr(absl::StrCat("is MERGED into ", r.case_().id()))));
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse got, Get(r.case_().id()));
  ASSERT_EQ(got.timeline_size(), 4);
  EXPECT_EQ(got.timeline(3).note(), "今天早上还在");
}

// Collects a WatchCases stream in a background thread.
class Watcher {
 public:
  Watcher(v1::IntakeService::Stub* stub, v1::WatchCasesRequest request,
          const std::string& actor) {
    context_.AddMetadata("x-gridcase-actor", actor);
    reader_ = stub->WatchCases(&context_, request);
    thread_ = std::thread([this] {
      v1::WatchCasesResponse message;
      while (reader_->Read(&message)) {
        absl::MutexLock lock(&mu_);
        messages_.push_back(message);
      }
    });
  }
  ~Watcher() {
    context_.TryCancel();
    thread_.join();
  }
  // Waits until `n` messages (markers included) arrived; returns them.
  std::vector<v1::WatchCasesResponse> Await(size_t n) {
    absl::MutexLock lock(&mu_);
    auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return messages_.size() >= n;
    };
    mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(10));
    return messages_;
  }
  std::vector<std::string> EventIds() {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> ids;
    for (const auto& m : messages_) {
      if (m.has_event()) ids.push_back(m.event().id());
    }
    return ids;
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchCasesResponse>> reader_;
  absl::Mutex mu_;
  std::vector<v1::WatchCasesResponse> messages_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

TEST_F(IntakeServiceTest, WatchSeesEveryEventInOrderAndResumes) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r, Report(At("a", 0)));
  const std::string id = r.case_().id();
  auto follow_up = [&](const std::string& request_id) {
    v1::AddFollowUpRequest f;
    f.set_case_id(id);
    f.set_request_id(request_id);
    f.set_kind(v1::FOLLOW_UP_KIND_COMMENT);
    f.set_text(request_id);
    return Call(&v1::IntakeService::Stub::AddFollowUp, f).status();
  };
  v1::WatchCasesRequest request;
  request.set_case_id(id);
  std::vector<v1::WatchCasesResponse> seen;
  {
    Watcher watcher(stub_.get(), request, kCitizen);
    ASSERT_EQ(watcher.Await(1).size(), 1u);  // the "live" marker
    ASSERT_OK(follow_up("f1"));
    ASSERT_OK(follow_up("f2"));
    ASSERT_OK(Report(At("dup", 10), kOtherCitizen));  // merged into the case
    ASSERT_OK(follow_up("f3"));
    seen = watcher.Await(5);
  }
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_FALSE(seen[0].has_event());
  EXPECT_EQ(seen[1].event().note(), "f1");
  EXPECT_EQ(seen[2].event().note(), "f2");
  EXPECT_EQ(seen[3].event().type(), v1::CASE_EVENT_TYPE_MERGED);
  EXPECT_EQ(seen[3].event().related_case_id(), id);
  EXPECT_EQ(seen[4].event().note(), "f3");
  // The other citizen's identity is masked for this watcher.
  EXPECT_EQ(seen[3].event().actor().subject(), "");

  // Reconnect after f2 (by token, then by event id): f3's predecessors are
  // not repeated, nothing is missed, and new events keep coming.
  ASSERT_OK(follow_up("f4"));
  for (int by_token = 0; by_token < 2; ++by_token) {
    v1::WatchCasesRequest resume = request;
    if (by_token) {
      resume.set_resume_token(seen[2].resume_token());
    } else {
      resume.set_resume_after_event_id(seen[2].event().id());
    }
    Watcher again(stub_.get(), resume, kCitizen);
    std::vector<v1::WatchCasesResponse> more = again.Await(4);
    ASSERT_EQ(more.size(), 4u);
    EXPECT_EQ(more[1].event().id(), seen[3].event().id());
    EXPECT_EQ(more[2].event().id(), seen[4].event().id());
    EXPECT_EQ(more[3].event().note(), "f4");
  }
}

TEST_F(IntakeServiceTest, WatchChecksItsFilter) {
  auto watch_error = [&](v1::WatchCasesRequest request, const char* actor) {
    grpc::ClientContext context;
    context.AddMetadata("x-gridcase-actor", actor);
    auto reader = stub_->WatchCases(&context, request);
    v1::WatchCasesResponse message;
    while (reader->Read(&message)) {
    }
    return FromGrpcStatus(reader->Finish());
  };
  EXPECT_THAT(watch_error({}, kCitizen),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: give one of")));
  v1::WatchCasesRequest region;
  region.set_region_code("330483101");
  EXPECT_THAT(watch_error(region, kCitizen),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("a citizen may watch")));
  region.set_region_code("330483109");
  EXPECT_THAT(watch_error(region, kDispatcher),
              StatusIs(absl::StatusCode::kNotFound,
                       "region_code: region 330483109 not found"));
  region.set_region_code("3304831");
  EXPECT_THAT(watch_error(region, kDispatcher),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("region_code: must be a town")));
  v1::WatchCasesRequest reporter;
  reporter.set_reporter_id("wx-alice");
  reporter.set_resume_after_event_id("1-0");
  EXPECT_THAT(watch_error(reporter, kCitizen),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("resume_after_event_id: works with")));
  v1::WatchCasesRequest missing;
  missing.set_case_id("330483-20260630-000123");
  EXPECT_THAT(watch_error(missing, kCitizen),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("not found")));
}

}  // namespace
}  // namespace gridcase::intake
