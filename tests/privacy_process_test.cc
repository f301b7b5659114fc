// What each reader sees of a case, on the real services in jwt mode: an
// anonymous WeChat report worked through the centre with internal notes and
// an internal photo, then read by another citizen, by the reporter, by a
// department and a grid manager, and by centre staff — through GetCase,
// GetTimeline, ListCases, WatchCases and the transition answers. At the end
// no service's log holds the reporter's phone, name or any token.
#include <google/protobuf/text_format.h>
#include <grpcpp/client_context.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "tests/case_stack.h"

namespace gridcase::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kReporterId[] = "wx:o-anon-1";
constexpr char kReporterActor[] = "subject=wx:o-anon-1; roles=citizen";
constexpr char kStranger[] = "subject=wx:o-other; roles=citizen";
constexpr char kPhone[] = "13912345678";
constexpr char kName[] = "王芳芳";
constexpr char kDispatchNote[] = "派遣指示: 内部, 请环卫三队处理";
constexpr char kHandlingNote[] = "处置内部说明: 清运两车";
constexpr char kSuperviseNote[] = "督办: 内部, 领导关注";
constexpr char kClosingNote[] = "核查通过, 已清理干净";

class PrivacyProcessTest : public CaseStackTest {
 protected:
  // An anonymous WeChat report with a name and a phone; worked to HANDLED
  // with internal notes and one internal photo, and supervised.
  std::string ReportAndWork() {
    v1::ReportCaseRequest r;
    r.set_request_id("privacy-1");
    r.set_source(v1::SOURCE_WECHAT);
    r.set_category_code("E0101");
    r.set_description("小区门口暴露垃圾");
    r.mutable_location()->set_latitude(30.6843);
    r.mutable_location()->set_longitude(120.6283);
    r.mutable_location()->set_address("濮院镇某小区3号楼");
    r.mutable_reporter()->set_name(kName);
    r.mutable_reporter()->set_contact(kPhone);
    r.mutable_reporter()->set_anonymous(true);
    grpc::ClientContext context;
    WithActor(&context, kReporterActor);
    v1::ReportCaseResponse resp;
    grpc::Status s = intake_stub_->ReportCase(&context, r, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::string id = resp.case_().id();

    EXPECT_OK(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(id)));
    auto dispatch = For<v1::DispatchCaseRequest>(id);
    dispatch.set_department_id("sanitation");
    dispatch.set_note(kDispatchNote);
    absl::StatusOr<v1::DispatchCaseResponse> dispatched =
        DispatchCase(kDispatcher, dispatch);
    EXPECT_OK(dispatched.status());
    // The answer to the dispatcher carries the reporter: centre staff.
    if (dispatched.ok()) {
      EXPECT_EQ(dispatched->case_().reporter().id(), kReporterId);
    }
    EXPECT_OK(
        AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(id)));
    auto handled = For<v1::SubmitHandlingRequest>(id);
    handled.set_note(kHandlingNote);
    v1::Media* after = handled.add_attachments();
    after->set_kind(v1::MEDIA_KIND_PHOTO);
    after->set_uri("cases/after.jpg");
    v1::Media* face = handled.add_attachments();
    face->set_kind(v1::MEDIA_KIND_PHOTO);
    face->set_uri("cases/bystander-face.jpg");
    face->set_internal(true);
    absl::StatusOr<v1::SubmitHandlingResponse> done =
        SubmitHandling(kSanitation, handled);
    EXPECT_OK(done.status());
    // The department's own answer hides the anonymous reporter.
    if (done.ok()) {
      EXPECT_EQ(done->case_().reporter().id(), "");
      EXPECT_EQ(done->event().dimensions().reporter_id(), "");
    }
    grpc::ClientContext sup_context;
    WithActor(&sup_context, kChief);
    auto supervise = For<v1::SuperviseCaseRequest>(id);
    supervise.set_note(kSuperviseNote);
    v1::SuperviseCaseResponse sup;
    s = stub_->SuperviseCase(&sup_context, supervise, &sup);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return id;
  }

  absl::StatusOr<v1::GetCaseResponse> Read(const std::string& actor,
                                           const std::string& id) {
    grpc::ClientContext context;
    WithActor(&context, actor);
    v1::GetCaseRequest req;
    req.set_case_id(id);
    req.set_include_timeline(true);
    v1::GetCaseResponse resp;
    RETURN_IF_ERROR(
        FromGrpcStatus(intake_stub_->GetCase(&context, req, &resp)));
    return resp;
  }

  // Every event WatchCases sends for `req` within `for_how_long`; `live`
  // is notified once the subscription is live (its first marker).
  std::vector<v1::CaseEvent> Watch(
      const std::string& actor, v1::WatchCasesRequest req,
      absl::Duration for_how_long = absl::Seconds(2),
      absl::Notification* live = nullptr) {
    grpc::ClientContext context;
    WithActor(&context, actor);
    context.set_deadline(absl::ToChronoTime(absl::Now() + for_how_long));
    auto reader = intake_stub_->WatchCases(&context, req);
    std::vector<v1::CaseEvent> events;
    v1::WatchCasesResponse message;
    while (reader->Read(&message)) {
      if (message.has_event()) {
        events.push_back(message.event());
      } else if (live != nullptr && !live->HasBeenNotified()) {
        live->Notify();
      }
    }
    reader->Finish().IgnoreError();  // ends at the deadline by design
    if (live != nullptr && !live->HasBeenNotified()) live->Notify();
    return events;
  }

  // The reporter comments on their case while `actor` watches their id.
  std::vector<v1::CaseEvent> WatchReporterDuringAComment(
      const std::string& actor, const std::string& id) {
    v1::WatchCasesRequest by_reporter;
    by_reporter.set_reporter_id(kReporterId);
    absl::Notification live;
    std::vector<v1::CaseEvent> events;
    std::thread watcher(
        [&] { events = Watch(actor, by_reporter, absl::Seconds(2), &live); });
    live.WaitForNotification();
    v1::AddFollowUpRequest comment;
    comment.set_case_id(id);
    comment.set_request_id(absl::StrCat("comment-", actor.size()));
    comment.set_kind(v1::FOLLOW_UP_KIND_COMMENT);
    comment.set_text("还没清理");
    grpc::ClientContext context;
    WithActor(&context, kReporterActor);
    v1::AddFollowUpResponse resp;
    grpc::Status s = intake_stub_->AddFollowUp(&context, comment, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    watcher.join();
    return events;
  }

  // The message as text with UTF-8 kept as is (DebugString escapes it, and
  // a search for a Chinese note would then pass vacuously).
  static std::string Dump(const google::protobuf::Message& m) {
    google::protobuf::TextFormat::Printer printer;
    printer.SetUseUtf8StringEscaping(true);
    std::string out;
    printer.PrintToString(m, &out);
    return out;
  }
};

TEST_F(PrivacyProcessTest, AnotherCitizenSeesThePublicViewOnly) {
  std::string id = ReportAndWork();
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse seen, Read(kStranger, id));
  const v1::Case& c = seen.case_();
  EXPECT_EQ(c.state(), v1::CASE_STATE_HANDLED);
  EXPECT_EQ(c.category_code(), "E0101");
  EXPECT_EQ(c.description(), "");
  EXPECT_EQ(c.location().address(), "");
  EXPECT_EQ(c.reporter().id(), "");
  EXPECT_EQ(c.reporter().name(), "");
  ASSERT_FALSE(seen.timeline().empty());
  for (const v1::CaseEvent& e : seen.timeline()) {
    SCOPED_TRACE(v1::CaseEventType_Name(e.type()));
    EXPECT_EQ(e.actor().subject(), "");
    EXPECT_EQ(e.actor().display_name(), "");
    EXPECT_EQ(e.actor().department_id(), "");
    EXPECT_TRUE(e.actor().grid_codes().empty());
    EXPECT_TRUE(e.attachments().empty());
    EXPECT_EQ(e.dimensions().reporter_id(), "");
    EXPECT_EQ(e.data().count("rule_id"), 0u);
  }
  std::string all = Dump(seen);
  for (const char* secret : {kDispatchNote, kHandlingNote, kSuperviseNote,
                             kReporterId, kName, "dsp-1", "s-1", "chief-1"}) {
    EXPECT_THAT(all, Not(HasSubstr(secret)));
  }
  // Another person's timeline is not theirs to read at all.
  grpc::ClientContext context;
  WithActor(&context, kStranger);
  v1::GetTimelineRequest req;
  req.set_case_id(id);
  v1::GetTimelineResponse resp;
  EXPECT_EQ(stub_->GetTimeline(&context, req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PrivacyProcessTest, TheReporterSeesTheirCaseButNoInternalNote) {
  std::string id = ReportAndWork();
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse seen, Read(kReporterActor, id));
  EXPECT_EQ(seen.case_().reporter().id(), kReporterId);
  EXPECT_EQ(seen.case_().reporter().name(), kName);
  EXPECT_EQ(seen.case_().reporter().contact(), "139****5678");
  EXPECT_EQ(seen.case_().description(), "小区门口暴露垃圾");
  std::string all = Dump(seen);
  for (const char* internal : {kDispatchNote, kHandlingNote, kSuperviseNote,
                               "bystander-face.jpg", "dsp-1", "chief-1"}) {
    EXPECT_THAT(all, Not(HasSubstr(internal)));
  }
  EXPECT_THAT(all, HasSubstr("cases/after.jpg"));  // the public result photo
}

TEST_F(PrivacyProcessTest,
       OnlyCentreStaffAndTheReporterSeeAnAnonymousReporter) {
  std::string id = ReportAndWork();
  for (const char* actor : {kSanitation, kInspector, kPatrol}) {
    SCOPED_TRACE(actor);
    ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse seen, Read(actor, id));
    std::string all = Dump(seen);
    EXPECT_THAT(all, Not(HasSubstr(kReporterId)));
    EXPECT_THAT(all, Not(HasSubstr(kName)));
    EXPECT_THAT(all, HasSubstr(kHandlingNote));  // staff read notes
    // Listing or watching by the reporter's id reveals nothing either.
    v1::ListCasesRequest list;
    list.set_reporter_id(kReporterId);
    grpc::ClientContext context;
    WithActor(&context, actor);
    v1::ListCasesResponse listed;
    ASSERT_TRUE(intake_stub_->ListCases(&context, list, &listed).ok());
    EXPECT_EQ(listed.cases_size(), 0);
    EXPECT_TRUE(WatchReporterDuringAComment(actor, id).empty());
    v1::WatchCasesRequest by_case;
    by_case.set_case_id(id);
    by_case.set_resume_after_event_id("0-0");
    std::vector<v1::CaseEvent> events = Watch(actor, by_case);
    EXPECT_FALSE(events.empty());
    for (const v1::CaseEvent& e : events) {
      EXPECT_THAT(Dump(e), Not(HasSubstr(kReporterId)));
    }
  }
  // Centre staff see the reporter everywhere.
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse centre, Read(kDispatcher, id));
  EXPECT_EQ(centre.case_().reporter().id(), kReporterId);
  EXPECT_EQ(centre.case_().reporter().contact(), "139****5678");
  EXPECT_EQ(centre.timeline(0).actor().subject(), kReporterId);
  grpc::ClientContext context;
  WithActor(&context, kDispatcher);
  v1::ListCasesRequest list;
  list.set_reporter_id(kReporterId);
  v1::ListCasesResponse listed;
  ASSERT_TRUE(intake_stub_->ListCases(&context, list, &listed).ok());
  EXPECT_EQ(listed.cases_size(), 1);
  std::vector<v1::CaseEvent> watched =
      WatchReporterDuringAComment(kDispatcher, id);
  ASSERT_EQ(watched.size(), 1u);
  EXPECT_EQ(watched[0].actor().subject(), kReporterId);
}

TEST_F(PrivacyProcessTest, NoLogLineHoldsAPhoneANameOrAToken) {
  std::string id = ReportAndWork();
  // A refused report with a phone in it, and the verification that closes.
  v1::ReportCaseRequest bad;
  bad.set_request_id("privacy-bad");
  bad.set_source(v1::SOURCE_WECHAT);
  bad.set_category_code("E0101");
  bad.set_description("");  // refused: description is required
  bad.mutable_reporter()->set_contact(kPhone);
  bad.mutable_reporter()->set_name(kName);
  grpc::ClientContext context;
  WithActor(&context, kReporterActor);
  v1::ReportCaseResponse ignored;
  EXPECT_FALSE(intake_stub_->ReportCase(&context, bad, &ignored).ok());
  auto verify = Verify(id, true);
  verify.set_note(kClosingNote);
  EXPECT_OK(VerifyCase(kInspector, verify));
  ASSERT_OK(Read(kReporterActor, id).status());

  std::vector<std::string> secrets = {kPhone, "139****5678", kName, "Bearer"};
  for (const char* actor : {kReporterActor, kStranger, kAcceptor, kDispatcher,
                            kSanitation, kChief, kInspector}) {
    std::string token = TokenFor(actor);
    // The signature part: no log line may hold any of it.
    secrets.push_back(std::vector<std::string>(absl::StrSplit(token, '.'))[2]);
  }
  int lines = 0;
  for (ServiceProcess* p : {registry_.get(), intake_.get(), dispatch_.get()}) {
    std::string log = p->Stderr();
    lines += std::count(log.begin(), log.end(), '\n');
    for (const std::string& secret : secrets) {
      EXPECT_THAT(log, Not(HasSubstr(secret))) << p->stderr_path();
    }
  }
  EXPECT_GT(lines, 10);  // the services did log
}

}  // namespace
}  // namespace gridcase::testing
