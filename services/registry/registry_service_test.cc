// RegistryServiceImpl over the in-memory store, called through a real
// in-process gRPC server (so identity travels as metadata, as in production).
#include "services/registry/registry_service.h"

#include <grpcpp/client_context.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"
#include "common/clock/clock.h"
#include "common/clock/fake_clock.h"
#include "common/paging/page_token.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "common/testing/in_process_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registry/in_memory_registry_store.h"
#include "services/registry/registry_test_data.h"
#include "services/registry/snapshot_holder.h"

namespace gridcase::registry {
namespace {

using ::gridcase::testing::InProcessServer;
using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace testdata;  // NOLINT: test data constants

constexpr char kAdmin[] = "subject=m-admin; roles=admin";
constexpr char kDispatcher[] = "subject=m-d; roles=dispatcher";
constexpr char kCitizen[] = "subject=wx-1; roles=citizen";

class RegistryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    snapshots_ = std::make_unique<SnapshotHolder>(&store_, &metrics_);
    service_ = std::make_unique<RegistryServiceImpl>(
        &store_, snapshots_.get(), &authenticator_, &clock_, &metrics_);
    ASSERT_OK_AND_ASSIGN(
        server_,
        InProcessServer::Start(
            {.services = {
                 {service_.get(), v1::RegistryService::service_full_name()}}}));
    stub_ = v1::RegistryService::NewStub(server_->NewChannel());
  }

  // Calls one RPC as `actor` (an x-gridcase-actor header; empty: none).
  template <typename Req, typename Resp>
  absl::Status Call(grpc::Status (v1::RegistryService::Stub::*rpc)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const Req& request, Resp* response,
                    const std::string& actor = kAdmin) {
    grpc::ClientContext context;
    if (!actor.empty()) context.AddMetadata("x-gridcase-actor", actor);
    return FromGrpcStatus((stub_.get()->*rpc)(&context, request, response));
  }

  absl::StatusOr<v1::ImportGridsResponse> Import(const std::string& geojson,
                                                 bool validate_only = false) {
    v1::ImportGridsRequest request;
    request.set_geojson(geojson);
    request.set_validate_only(validate_only);
    v1::ImportGridsResponse response;
    RETURN_IF_ERROR(
        Call(&v1::RegistryService::Stub::ImportGrids, request, &response));
    return response;
  }

  absl::StatusOr<v1::LocateGridResponse> Locate(double lat, double lng) {
    v1::LocateGridRequest request;
    request.set_latitude(lat);
    request.set_longitude(lng);
    v1::LocateGridResponse response;
    RETURN_IF_ERROR(Call(&v1::RegistryService::Stub::LocateGrid, request,
                         &response, kCitizen));
    return response;
  }

  // Departments and categories of BaseData, through the RPCs.
  void LoadReference() {
    ASSERT_OK(Import(GridsGeoJson()));
    for (const v1::Department& d : BaseData().departments) {
      v1::UpsertDepartmentRequest r;
      *r.mutable_department() = d;
      v1::UpsertDepartmentResponse out;
      ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertDepartment, r, &out));
    }
    for (const v1::Category& c : BaseData().categories) {
      v1::UpsertCategoryRequest r;
      *r.mutable_category() = c;
      v1::UpsertCategoryResponse out;
      ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertCategory, r, &out));
    }
  }

  InMemoryRegistryStore store_;
  prometheus::Registry prometheus_;
  RegistryMetrics metrics_{prometheus_};
  auth::DevHeaderAuthenticator authenticator_;
  FakeClock clock_{absl::FromUnixSeconds(1782800000)};
  std::unique_ptr<SnapshotHolder> snapshots_;
  std::unique_ptr<RegistryServiceImpl> service_;
  std::unique_ptr<InProcessServer> server_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

TEST_F(RegistryServiceTest, ImportThenLocate) {
  ASSERT_OK_AND_ASSIGN(v1::ImportGridsResponse imported,
                       Import(GridsGeoJson()));
  EXPECT_EQ(imported.registry_version(), 1);
  EXPECT_EQ(imported.feature_count(), 8);
  EXPECT_EQ(imported.created_count(), 8);
  EXPECT_EQ(imported.grid_count(), 4);

  ASSERT_OK_AND_ASSIGN(v1::LocateGridResponse located, Locate(30.605, 120.525));
  EXPECT_EQ(located.grid().code(), kGridB1);
  EXPECT_EQ(located.community().code(), kCommunityB);
  EXPECT_EQ(located.town().code(), kTown);
  EXPECT_EQ(located.city().code(), kCity);
  EXPECT_EQ(located.city().name(), "桐乡市");
  EXPECT_EQ(located.registry_version(), 1);
  EXPECT_TRUE(located.grid().geometry_geojson().empty());
  EXPECT_NEAR(located.grid().centroid().latitude(), 30.605, 1e-9);
  EXPECT_NEAR(located.grid().centroid().longitude(), 120.525, 1e-9);
}

TEST_F(RegistryServiceTest, LocateSaysOutsideOrInAHole) {
  ASSERT_OK(Import(GridsGeoJson()));
  EXPECT_THAT(Locate(30.70, 120.525),
              StatusIs(absl::StatusCode::kNotFound,
                       "point (30.700000, 120.525000) is outside every grid "
                       "(registry version 1)"));
  EXPECT_THAT(Locate(30.605, 120.515),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("in a hole")));
  // A shared border resolves to the smaller code, whichever side.
  ASSERT_OK_AND_ASSIGN(v1::LocateGridResponse border, Locate(30.605, 120.52));
  EXPECT_EQ(border.grid().code(), kGridA2);
}

TEST_F(RegistryServiceTest, LocateRejectsBadCoordinates) {
  EXPECT_THAT(Locate(91, 120), StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("latitude: must be")));
  EXPECT_THAT(Locate(30, -181), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("longitude: must be")));
  EXPECT_THAT(
      Locate(std::nan(""), 120),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("latitude")));
}

TEST_F(RegistryServiceTest,
       ReimportCountsChangesAndBumpsTheVersionOnlyOnChange) {
  ASSERT_OK(Import(GridsGeoJson()));
  ASSERT_OK_AND_ASSIGN(v1::ImportGridsResponse again, Import(GridsGeoJson()));
  EXPECT_EQ(again.registry_version(), 1);
  EXPECT_EQ(again.unchanged_count(), 8);

  std::string renamed = GridsGeoJson();
  renamed.replace(renamed.find("乙社区第2网格"),
                  std::string("乙社区第2网格").size(), "乙社区第二网格");
  ASSERT_OK_AND_ASSIGN(v1::ImportGridsResponse changed, Import(renamed));
  EXPECT_EQ(changed.registry_version(), 2);
  EXPECT_EQ(changed.updated_count(), 1);
  EXPECT_EQ(changed.unchanged_count(), 7);
  v1::GetRegionRequest get;
  get.set_code(kGridB2);
  v1::GetRegionResponse region;
  ASSERT_OK(Call(&v1::RegistryService::Stub::GetRegion, get, &region));
  EXPECT_EQ(region.region().name(), "乙社区第二网格");
  EXPECT_EQ(region.region().registry_version(), 2);
}

TEST_F(RegistryServiceTest, RejectedImportStoresNothingAndNamesEveryFeature) {
  std::string bad = GridsGeoJson();
  // Open the ring of grid B1 (feature 6) and append a second A1 (feature 8).
  bad.replace(bad.find("[120.520000,30.600000]]]"), 24,
              "[120.520000,30.600001]]]");
  size_t a1 = bad.find(R"({"type":"Feature","properties":{"code":")" +
                       std::string(kGridA1));
  size_t a1_end = bad.find(R"(,{"type":"Feature")", a1);
  bad.insert(bad.rfind("]}"), "," + bad.substr(a1, a1_end - a1));
  EXPECT_THAT(Import(bad),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("UNCLOSED_RING"),
                                        HasSubstr("DUPLICATE_CODE"))));
  ASSERT_OK_AND_ASSIGN(Versions versions, store_.GetVersions());
  EXPECT_EQ(versions.registry, 0);

  ASSERT_OK_AND_ASSIGN(v1::ImportGridsResponse validated,
                       Import(bad, /*validate_only=*/true));
  std::vector<v1::FeatureRejectionReason> reasons;
  for (const auto& r : validated.rejections()) reasons.push_back(r.reason());
  EXPECT_THAT(reasons,
              ElementsAre(v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE,
                          v1::FEATURE_REJECTION_REASON_UNCLOSED_RING,
                          v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE));
  EXPECT_EQ(validated.registry_version(), 0);
}

TEST_F(RegistryServiceTest, WritesNeedAdminAndCallsNeedAnIdentity) {
  v1::ImportGridsRequest request;
  request.set_geojson(GridsGeoJson());
  v1::ImportGridsResponse response;
  EXPECT_THAT(Call(&v1::RegistryService::Stub::ImportGrids, request, &response,
                   kDispatcher),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("ImportGrids needs role ADMIN; caller m-d has "
                                 "DISPATCHER")));
  EXPECT_THAT(
      Call(&v1::RegistryService::Stub::ImportGrids, request, &response, ""),
      StatusIs(absl::StatusCode::kUnauthenticated,
               HasSubstr("x-gridcase-actor: missing")));
}

// UploadGrids: the file in chunks (split inside UTF-8 characters too) is
// imported as ImportGrids imports it whole.
TEST_F(RegistryServiceTest, UploadGridsImportsTheChunksAsOneFile) {
  const std::string text = GridsGeoJson();
  grpc::ClientContext context;
  context.AddMetadata("x-gridcase-actor", kAdmin);
  v1::UploadGridsResponse response;
  auto writer = stub_->UploadGrids(&context, &response);
  for (size_t at = 0; at < text.size(); at += 7) {
    v1::UploadGridsRequest chunk;
    if (at == 0) chunk.set_source_name("grids.geojson");
    chunk.set_geojson_chunk(text.substr(at, 7));
    ASSERT_TRUE(writer->Write(chunk));
  }
  ASSERT_TRUE(writer->WritesDone());
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_GT(response.result().created_count(), 0);
  EXPECT_EQ(response.result().registry_version(), 1);
  ASSERT_OK_AND_ASSIGN(v1::ImportGridsResponse again, Import(text));
  EXPECT_EQ(again.unchanged_count(), response.result().created_count());
}

TEST_F(RegistryServiceTest, UploadGridsRefusesTooMuchTextAndLateOptions) {
  auto upload = [&](const std::vector<v1::UploadGridsRequest>& messages,
                    const std::string& actor = kAdmin) {
    grpc::ClientContext context;
    context.AddMetadata("x-gridcase-actor", actor);
    v1::UploadGridsResponse response;
    auto writer = stub_->UploadGrids(&context, &response);
    for (const auto& m : messages) {
      if (!writer->Write(m)) break;  // the server has answered
    }
    writer->WritesDone();
    return FromGrpcStatus(writer->Finish());
  };
  v1::UploadGridsRequest mib;
  mib.set_geojson_chunk(std::string(1 << 20, ' '));
  std::vector<v1::UploadGridsRequest> too_much(65, mib);
  EXPECT_THAT(upload(too_much),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("geojson_chunk: the GeoJSON text exceeds 64 "
                                 "MiB")));
  v1::UploadGridsRequest late;
  late.set_validate_only(true);
  EXPECT_THAT(upload({mib, late}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("in the first message only")));
  EXPECT_THAT(upload({mib}, "subject=m-d; roles=dispatcher"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("UploadGrids needs role ADMIN")));
  EXPECT_EQ(metrics_.imports_imported.Value(), 0);
}

TEST_F(RegistryServiceTest, ListRegionsPagesInCodeOrder) {
  ASSERT_OK(Import(GridsGeoJson()));
  v1::ListRegionsRequest request;
  request.set_level(v1::REGION_LEVEL_GRID);
  request.set_page_size(3);
  std::vector<std::string> codes;
  do {
    v1::ListRegionsResponse page;
    ASSERT_OK(Call(&v1::RegistryService::Stub::ListRegions, request, &page));
    for (const auto& r : page.regions()) codes.push_back(r.code());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_THAT(codes, ElementsAre(kGridA1, kGridA2, kGridB1, kGridB2));

  v1::ListRegionsRequest children;
  children.set_parent_code(kCommunityB);
  v1::ListRegionsResponse page;
  ASSERT_OK(Call(&v1::RegistryService::Stub::ListRegions, children, &page));
  ASSERT_EQ(page.regions_size(), 2);
  EXPECT_EQ(page.regions(0).code(), kGridB1);

  children.set_page_token(paging::EncodePageToken("x", "other filters"));
  EXPECT_THAT(
      Call(&v1::RegistryService::Stub::ListRegions, children, &page),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

TEST_F(RegistryServiceTest, MembersKeepPhonesPrivateAndAnswerGridQueries) {
  LoadReference();
  v1::UpsertMemberRequest upsert;
  v1::Member* m = upsert.mutable_member();
  m->set_id("m-0001");
  m->set_name("王芳");
  m->set_phone("13912345678");
  m->add_roles(v1::ROLE_GRID_MANAGER);
  m->add_roles(v1::ROLE_ACCEPTOR);  // 一员多责
  m->add_grid_codes(kGridA1);
  m->add_grid_codes(kGridA2);
  m->set_active(true);
  v1::UpsertMemberResponse stored;
  ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertMember, upsert, &stored));
  EXPECT_TRUE(stored.created());
  EXPECT_EQ(stored.member().phone(), "");
  EXPECT_EQ(stored.member().phone_masked(), "139****5678");

  // Re-upsert without a phone keeps it.
  upsert.mutable_member()->clear_phone();
  ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertMember, upsert, &stored));
  EXPECT_FALSE(stored.created());
  EXPECT_EQ(stored.member().phone_masked(), "139****5678");

  v1::ListGridInspectorsRequest inspectors;
  inspectors.set_grid_code(kGridA2);
  v1::ListGridInspectorsResponse found;
  ASSERT_OK(Call(&v1::RegistryService::Stub::ListGridInspectors, inspectors,
                 &found, kDispatcher));
  ASSERT_EQ(found.inspectors_size(), 1);
  EXPECT_EQ(found.inspectors(0).id(), "m-0001");
  inspectors.set_grid_code(kGridB1);
  ASSERT_OK(Call(&v1::RegistryService::Stub::ListGridInspectors, inspectors,
                 &found, kDispatcher));
  EXPECT_EQ(found.inspectors_size(), 0);

  v1::ListMembersRequest by_role;
  by_role.set_role(v1::ROLE_ACCEPTOR);
  by_role.set_grid_code(kGridA1);
  v1::ListMembersResponse members;
  ASSERT_OK(Call(&v1::RegistryService::Stub::ListMembers, by_role, &members,
                 kDispatcher));
  ASSERT_EQ(members.members_size(), 1);
  EXPECT_THAT(Call(&v1::RegistryService::Stub::ListMembers, by_role, &members,
                   kCitizen),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("ListMembers needs role GRID_MANAGER")));

  upsert.mutable_member()->add_grid_codes("330483101001999");
  EXPECT_THAT(Call(&v1::RegistryService::Stub::UpsertMember, upsert, &stored),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("member.grid_codes[2]: unknown grid")));
}

TEST_F(RegistryServiceTest, DutiesAreReferenceDataAndMembersCarryThemPerGrid) {
  LoadReference();
  v1::UpsertDepartmentRequest group;
  group.mutable_department()->set_id("ag-road-occupation");
  group.mutable_department()->set_name("道乱占专项行动组");
  group.mutable_department()->set_kind(v1::DEPARTMENT_KIND_ACTION_GROUP);
  group.mutable_department()->set_active(true);
  v1::UpsertDepartmentResponse stored_group;
  ASSERT_OK(
      Call(&v1::RegistryService::Stub::UpsertDepartment, group, &stored_group));
  auto upsert = [&](const std::string& code, const std::string& group_id,
                    bool active) {
    v1::UpsertDutyItemRequest r;
    r.mutable_duty()->set_code(code);
    r.mutable_duty()->set_name("店外经营巡查");
    r.mutable_duty()->set_group_id(group_id);
    r.mutable_duty()->add_category_codes("E0101");
    r.mutable_duty()->set_active(active);
    v1::UpsertDutyItemResponse out;
    return Call(&v1::RegistryService::Stub::UpsertDutyItem, r, &out);
  };
  ASSERT_OK(upsert("DLZ-01", "ag-road-occupation", true));
  ASSERT_OK(upsert("RC-01", "", true));
  ASSERT_OK(upsert("RC-02", "", false));
  EXPECT_THAT(upsert("dlz-1", "", true),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duty.code: must be 2-16 characters")));
  EXPECT_THAT(upsert("DLZ-02", "sanitation", true),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duty.group_id: 'sanitation' is not an "
                                 "action group")));
  v1::UpsertDutyItemRequest bad;
  bad.mutable_duty()->set_code("DLZ-03");
  bad.mutable_duty()->set_name("x");
  bad.mutable_duty()->add_category_codes("E9999");
  v1::UpsertDutyItemResponse out;
  EXPECT_THAT(Call(&v1::RegistryService::Stub::UpsertDutyItem, bad, &out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duty.category_codes[0]: unknown category")));
  EXPECT_THAT(
      Call(&v1::RegistryService::Stub::UpsertDutyItem, bad, &out, kDispatcher),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("ADMIN")));

  auto list = [&](const std::string& group_id, bool inactive) {
    v1::ListDutyItemsRequest r;
    r.set_group_id(group_id);
    r.set_include_inactive(inactive);
    v1::ListDutyItemsResponse resp;
    EXPECT_OK(
        Call(&v1::RegistryService::Stub::ListDutyItems, r, &resp, kDispatcher));
    std::vector<std::string> codes;
    for (const v1::DutyItem& d : resp.duties()) codes.push_back(d.code());
    return codes;
  };
  EXPECT_THAT(list("", false), ElementsAre("DLZ-01", "RC-01"));
  EXPECT_THAT(list("", true), ElementsAre("DLZ-01", "RC-01", "RC-02"));
  EXPECT_THAT(list("routine", false), ElementsAre("RC-01"));
  EXPECT_THAT(list("ag-road-occupation", false), ElementsAre("DLZ-01"));

  v1::UpsertMemberRequest member;
  v1::Member* m = member.mutable_member();
  m->set_id("m-0002");
  m->set_name("李娜");
  m->add_roles(v1::ROLE_GRID_MANAGER);
  m->add_grid_codes(kGridA1);
  m->add_grid_codes(kGridA2);
  m->set_active(true);
  v1::GridDuties* a1 = m->add_grid_duties();
  a1->set_grid_code(kGridA1);
  a1->add_duty_codes("DLZ-01");
  a1->add_duty_codes("RC-01");
  v1::UpsertMemberResponse stored;
  ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertMember, member, &stored));
  ASSERT_EQ(stored.member().grid_duties_size(), 1);
  EXPECT_THAT(stored.member().grid_duties(0).duty_codes(),
              ElementsAre("DLZ-01", "RC-01"));
  auto refused = [&](const std::function<void(v1::Member*)>& change,
                     const std::string& message) {
    v1::UpsertMemberRequest r = member;
    change(r.mutable_member());
    EXPECT_THAT(
        Call(&v1::RegistryService::Stub::UpsertMember, r, &stored),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message)));
  };
  refused(
      [](v1::Member* m) { m->mutable_grid_duties(0)->set_grid_code(kGridB1); },
      "member.grid_duties[0].grid_code: '330483101002001' is not one of "
      "member.grid_codes");
  refused([](v1::Member* m) { *m->add_grid_duties() = m->grid_duties(0); },
          "member.grid_duties[1].grid_code: 330483101001001 is listed twice");
  refused(
      [](v1::Member* m) { m->mutable_grid_duties(0)->add_duty_codes("XX-9"); },
      "member.grid_duties[0].duty_codes[2]: unknown duty 'XX-9'");
  refused(
      [](v1::Member* m) { m->mutable_grid_duties(0)->add_duty_codes("RC-02"); },
      "member.grid_duties[0].duty_codes[2]: duty 'RC-02' is inactive");
  refused(
      [](v1::Member* m) { m->mutable_grid_duties(0)->add_duty_codes("RC-01"); },
      "member.grid_duties[0].duty_codes[2]: RC-01 is listed twice");
}

TEST_F(RegistryServiceTest, RulesResolveThroughTheRpc) {
  LoadReference();
  v1::UpsertRuleRequest city;
  *city.mutable_rule() = MakeRule("", "E0101", kCity, "sanitation");
  v1::UpsertRuleResponse stored;
  ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertRule, city, &stored));
  EXPECT_EQ(stored.rule().id(), "r-auto-1");
  v1::UpsertRuleRequest town;
  *town.mutable_rule() = MakeRule("r-town", "E0101", kTown, "municipal");
  ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertRule, town, &stored));

  v1::ResolveResponsibilityRequest resolve;
  resolve.set_category_code("E0101");
  resolve.set_grid_code(kGridB2);
  v1::ResolveResponsibilityResponse resolved;
  ASSERT_OK(Call(&v1::RegistryService::Stub::ResolveResponsibility, resolve,
                 &resolved, kDispatcher));
  EXPECT_EQ(resolved.department().id(), "municipal");
  EXPECT_EQ(resolved.scope_code(), kTown);
  ASSERT_EQ(resolved.limits_size(), 5);
  EXPECT_EQ(resolved.limits(2).limit().amount(), 5);

  v1::DeleteRuleRequest del;
  del.set_id("r-town");
  v1::DeleteRuleResponse deleted;
  ASSERT_OK(Call(&v1::RegistryService::Stub::DeleteRule, del, &deleted));
  ASSERT_OK(Call(&v1::RegistryService::Stub::ResolveResponsibility, resolve,
                 &resolved, kDispatcher));
  EXPECT_EQ(resolved.department().id(), "sanitation");
  EXPECT_THAT(Call(&v1::RegistryService::Stub::DeleteRule, del, &deleted),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("r-town")));

  resolve.set_category_code("C0101");
  EXPECT_THAT(Call(&v1::RegistryService::Stub::ResolveResponsibility, resolve,
                   &resolved, kDispatcher),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no responsibility rule for category C0101")));
}

TEST_F(RegistryServiceTest, CalendarDefaultsValidatesAndComparesVersions) {
  v1::GetCalendarResponse current;
  ASSERT_OK(
      Call(&v1::RegistryService::Stub::GetCalendar, {}, &current, kCitizen));
  EXPECT_EQ(current.calendar().time_zone(), "Asia/Shanghai");
  ASSERT_EQ(current.calendar().periods_size(), 2);
  EXPECT_EQ(current.calendar().periods(0).start_minute(), 480);

  v1::UpsertCalendarRequest upsert;
  *upsert.mutable_calendar() = current.calendar();
  v1::CalendarYear* year = upsert.mutable_calendar()->add_years();
  year->set_year(2026);
  year->add_holidays("2026-10-01");
  year->add_makeup_workdays("2026-10-10");
  v1::UpsertCalendarResponse stored;
  ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertCalendar, upsert, &stored));
  EXPECT_EQ(stored.calendar().version(), 1);
  ASSERT_OK(
      Call(&v1::RegistryService::Stub::GetCalendar, {}, &current, kCitizen));
  EXPECT_EQ(current.calendar().years_size(), 1);

  upsert.set_expected_version(7);
  EXPECT_THAT(Call(&v1::RegistryService::Stub::UpsertCalendar, upsert, &stored),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("version")));
  upsert.set_expected_version(1);
  upsert.mutable_calendar()->mutable_periods(1)->set_start_minute(600);
  EXPECT_THAT(
      Call(&v1::RegistryService::Stub::UpsertCalendar, upsert, &stored),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("periods[1]")));
}

TEST_F(RegistryServiceTest, StoreOutageIsUnavailableAndReadsKeepServing) {
  LoadReference();
  store_.SetFailure(absl::UnavailableError("redis: connection refused"));
  v1::UpsertDepartmentRequest upsert;
  *upsert.mutable_department() = MakeDepartment("traffic");
  v1::UpsertDepartmentResponse out;
  EXPECT_THAT(Call(&v1::RegistryService::Stub::UpsertDepartment, upsert, &out),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("redis")));
  // Location is served from the snapshot in memory.
  EXPECT_THAT(Locate(30.605, 120.505), IsOk());
}

TEST(SnapshotHolder, IsLoadedOnlyOnceTheStoreHasBeenRead) {
  InMemoryRegistryStore store;
  prometheus::Registry registry;
  RegistryMetrics metrics(registry);
  SnapshotHolder snapshots(&store, &metrics);
  EXPECT_FALSE(snapshots.loaded());
  store.SetFailure(absl::UnavailableError("redis: connection refused"));
  EXPECT_THAT(snapshots.RefreshIfChanged(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("redis")));
  EXPECT_FALSE(snapshots.loaded());
  store.SetFailure(absl::OkStatus());
  ASSERT_OK(snapshots.RefreshIfChanged());  // an empty store: nothing to load
  EXPECT_TRUE(snapshots.loaded());
}

TEST_F(RegistryServiceTest, VersionsAreReported) {
  LoadReference();
  v1::GetRegistryVersionResponse versions;
  ASSERT_OK(Call(&v1::RegistryService::Stub::GetRegistryVersion, {}, &versions,
                 kCitizen));
  EXPECT_EQ(versions.registry_version(), 1);
  EXPECT_EQ(versions.reference_version(), 4);  // 2 departments, 2 categories
  EXPECT_EQ(versions.grid_count(), 4);
}

// Every change of reference data is recorded with who, when and what; a
// write that changes nothing records nothing; only admins read the record.
TEST_F(RegistryServiceTest, ReferenceChangesAreAuditedForAdmins) {
  LoadReference();
  v1::ListAuditRecordsRequest all;
  v1::ListAuditRecordsResponse before;
  ASSERT_OK(Call(&v1::RegistryService::Stub::ListAuditRecords, all, &before));
  // The import, the departments and the categories of LoadReference.
  ASSERT_GE(before.records_size(), 3);
  EXPECT_EQ(before.records(before.records_size() - 1).action(), "ImportGrids");

  v1::UpsertCategoryRequest change;
  *change.mutable_category() = BaseData().categories[0];
  change.mutable_category()->set_urgent(!change.category().urgent());
  v1::UpsertCategoryResponse out;
  clock_.Advance(absl::Minutes(5));
  ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertCategory, change, &out));
  // The same again: nothing changes, nothing is recorded.
  ASSERT_OK(Call(&v1::RegistryService::Stub::UpsertCategory, change, &out));

  v1::ListAuditRecordsRequest one;
  one.set_object_kind("category");
  one.set_object_id(change.category().code());
  v1::ListAuditRecordsResponse audited;
  ASSERT_OK(Call(&v1::RegistryService::Stub::ListAuditRecords, one, &audited));
  ASSERT_EQ(audited.records_size(), 2);  // created, then changed once
  const v1::AuditRecord& latest = audited.records(0);
  EXPECT_EQ(latest.action(), "UpsertCategory");
  EXPECT_EQ(latest.actor().subject(), "m-admin");
  EXPECT_EQ(latest.time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_THAT(latest.changed_fields(), ::testing::ElementsAre("urgent"));
  EXPECT_EQ(latest.stream(), "registry");
  EXPECT_THAT(audited.records(1).changed_fields(), ::testing::ElementsAre("*"));

  // Members' phones appear masked in the record.
  v1::UpsertMemberRequest member;
  member.mutable_member()->set_id("m-audit");
  member.mutable_member()->set_name("审计员");
  member.mutable_member()->add_roles(v1::ROLE_ACCEPTOR);
  member.mutable_member()->set_phone("13912345678");
  member.mutable_member()->set_active(true);
  v1::UpsertMemberResponse member_out;
  ASSERT_OK(
      Call(&v1::RegistryService::Stub::UpsertMember, member, &member_out));
  v1::ListAuditRecordsRequest by_member;
  by_member.set_object_kind("member");
  by_member.set_object_id("m-audit");
  v1::ListAuditRecordsResponse member_audit;
  ASSERT_OK(Call(&v1::RegistryService::Stub::ListAuditRecords, by_member,
                 &member_audit));
  ASSERT_EQ(member_audit.records_size(), 1);
  EXPECT_THAT(member_audit.records(0).after_json(),
              ::testing::Not(HasSubstr("13912345678")));
  EXPECT_THAT(member_audit.records(0).after_json(), HasSubstr("139****5678"));

  // Pages: one record at a time, newest first, no repeats.
  v1::ListAuditRecordsRequest paged;
  paged.set_page_size(1);
  std::vector<std::string> ids;
  do {
    v1::ListAuditRecordsResponse page;
    ASSERT_OK(Call(&v1::RegistryService::Stub::ListAuditRecords, paged, &page));
    for (const v1::AuditRecord& r : page.records()) ids.push_back(r.id());
    paged.set_page_token(page.next_page_token());
  } while (!paged.page_token().empty() && ids.size() < 100);
  v1::ListAuditRecordsResponse everything;
  ASSERT_OK(
      Call(&v1::RegistryService::Stub::ListAuditRecords, all, &everything));
  ASSERT_EQ(ids.size(), static_cast<size_t>(everything.records_size()));
  for (int i = 0; i < everything.records_size(); ++i) {
    EXPECT_EQ(ids[i], everything.records(i).id());
  }

  v1::ListAuditRecordsRequest bad_kind;
  bad_kind.set_object_kind("members");
  EXPECT_THAT(
      Call(&v1::RegistryService::Stub::ListAuditRecords, bad_kind, &audited),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::AllOf(HasSubstr("object_kind: must be one of"),
                                HasSubstr("'members'"))));

  EXPECT_THAT(Call(&v1::RegistryService::Stub::ListAuditRecords, all, &audited,
                   kDispatcher),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("ListAuditRecords needs role ADMIN")));
}

}  // namespace
}  // namespace gridcase::registry
