// gridcase-notify through real processes: redis-server, registry, intake,
// dispatch, two gridcase-notify replicas and a local HTTP receiver
// (tools/notify-receiver.py) that verifies every signature. Cases move
// through the public APIs; one replica is killed with SIGKILL mid-run. The
// receiver then holds exactly one accepted delivery per (event, recipient,
// channel); the duty chief's endpoint answers 500 twice and the inspectors'
// answers too slowly once, and both end SENT; the works department's
// endpoint always answers 500 and its delivery is dead after the limit,
// visible in ListDeliveries.
#include <signal.h>

#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gridcase/v1/notify.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/case_stack.h"

namespace gridcase {
namespace {

using ::gridcase::testing::kAcceptor;
using ::gridcase::testing::kChief;
using ::gridcase::testing::kDispatcher;
using ::gridcase::testing::kInspector;
using ::gridcase::testing::kSanitation;
using ::gridcase::testing::kWorks;
using ::gridcase::testing::ReadFile;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::Subprocess;
using ::gridcase::testing::TempDir;
using ::gridcase::testing::WithActor;
using json = nlohmann::json;

constexpr char kSecret[] = "test-secret-0123456789abcdef";
constexpr char kReturnReason[] = "内部: 不归我们管, pipe of the water company";

class NotifyProcessTest : public testing::CaseStackTest {
 protected:
  void SetUp() override {
    CaseStackTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
    dir_ = std::make_unique<TempDir>(std::move(dir));
    { std::ofstream(dir_->File("secret")) << kSecret << "\n"; }
    ASSERT_OK_AND_ASSIGN(
        receiver_,
        Subprocess::Spawn(
            {.argv = {"python3",
                      absl::StrCat(GRIDCASE_SOURCE_DIR,
                                   "/tools/notify-receiver.py"),
                      "serve", "--secret-file=" + dir_->File("secret"),
                      "--log=" + dir_->File("log"),
                      "--port-file=" + dir_->File("port"), "--fail=/works",
                      "--flaky=/chief:2", "--slow=/inspectors:1:3"},
             .stderr_path = dir_->File("receiver.err")}));
    absl::Time until = absl::Now() + absl::Seconds(10);
    while (ReadFile(dir_->File("port")).empty() && absl::Now() < until) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    std::string port = ReadFile(dir_->File("port"));
    ASSERT_FALSE(port.empty()) << ReadFile(dir_->File("receiver.err"));
    std::string base = absl::StrCat("http://127.0.0.1:", port);
    json routes = {
        {"endpoints",
         {{"department_default", base + "/dept"},
          {"departments", {{"works", base + "/works"}}},
          {"duty_chief", base + "/chief"},
          {"inspectors", base + "/inspectors"},
          {"hotline", base + "/hotline"},
          {"wechat_gateway", base + "/wechat"},
          {"sms_gateway", base + "/sms"}}},
        {"templates", {{"wechat", "tmpl-case-status"}, {"sms", "SMS_1"}}}};
    std::ofstream(dir_->File("routes.json")) << routes.dump();
    ASSERT_OK_AND_ASSIGN(notify_[0], StartNotify("n-1"));
    ASSERT_OK_AND_ASSIGN(notify_[1], StartNotify("n-2"));
    notify_stub_ = v1::NotifyService::NewStub(notify_[1]->NewChannel());
  }

  void TearDown() override {
    if (receiver_ != nullptr) {
      EXPECT_OK(receiver_->Signal(SIGKILL));
      EXPECT_OK(receiver_->Wait(absl::Seconds(5)).status());
    }
  }

  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartNotify(
      const std::string& consumer) {
    return ServiceProcess::Start(Service(
        GRIDCASE_NOTIFY_BIN,
        {absl::StrCat("--consumer=", consumer), "--claim_idle=1s",
         "--routes=" + dir_->File("routes.json"),
         "--webhook_secret_file=" + dir_->File("secret"),
         "--request_timeout=1s", "--lease=2s", "--max_attempts=3",
         "--backoff_base=200ms", "--backoff_cap=1s", "--backoff_jitter=0",
         "--poll_interval=50ms", "--gauge_interval=1s"}));
  }

  absl::StatusOr<v1::ListDeliveriesResponse> List(
      const std::string& actor, const v1::ListDeliveriesRequest& req) {
    grpc::ClientContext context;
    WithActor(&context, actor);
    v1::ListDeliveriesResponse resp;
    RETURN_IF_ERROR(
        FromGrpcStatus(notify_stub_->ListDeliveries(&context, req, &resp)));
    return resp;
  }

  std::vector<v1::Delivery> OfCase(const std::string& id) {
    v1::ListDeliveriesRequest req;
    req.set_case_id(id);
    req.set_page_size(500);
    absl::StatusOr<v1::ListDeliveriesResponse> r = List(kChief, req);
    EXPECT_OK(r.status());
    if (!r.ok()) return {};
    return {r->deliveries().begin(), r->deliveries().end()};
  }

  // Waits until every delivery of the cases is SENT or DEAD and there are
  // at least `expected` of them.
  std::vector<v1::Delivery> WaitSettled(const std::vector<std::string>& cases,
                                        size_t expected) {
    absl::Time until = absl::Now() + absl::Seconds(60);
    std::vector<v1::Delivery> all;
    while (absl::Now() < until) {
      all.clear();
      bool settled = true;
      for (const std::string& id : cases) {
        for (v1::Delivery& d : OfCase(id)) {
          settled &= d.status() == v1::DELIVERY_STATUS_SENT ||
                     d.status() == v1::DELIVERY_STATUS_DEAD;
          all.push_back(std::move(d));
        }
      }
      if (settled && all.size() >= expected) return all;
      absl::SleepFor(absl::Milliseconds(200));
    }
    ADD_FAILURE() << "deliveries not settled: " << all.size() << " of "
                  << expected;
    return all;
  }

  std::vector<json> ReceiverLog() {
    std::vector<json> out;
    for (absl::string_view line :
         absl::StrSplit(ReadFile(dir_->File("log")), '\n', absl::SkipEmpty())) {
      out.push_back(json::parse(line));
    }
    return out;
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Subprocess> receiver_;
  std::unique_ptr<ServiceProcess> notify_[2];
  std::unique_ptr<v1::NotifyService::Stub> notify_stub_;
};

TEST_F(NotifyProcessTest, ExactlyOncePerRecipientAcrossReplicasAndAKill) {
  // Case A: a citizen's WeChat report, registered, dispatched, returned with
  // an internal reason, dispatched again, handled and verified.
  std::string a = Report(false, "E0101", 0);
  ASSERT_OK(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(a)).status());
  auto to_sanitation = For<v1::DispatchCaseRequest>(a);
  to_sanitation.set_department_id("sanitation");
  ASSERT_OK(DispatchCase(kDispatcher, to_sanitation).status());
  auto back = For<v1::ReturnCaseRequest>(a);
  back.set_reason(kReturnReason);
  ASSERT_OK(ReturnCase(kSanitation, back).status());
  to_sanitation.set_request_id("again");
  ASSERT_OK(DispatchCase(kDispatcher, to_sanitation).status());
  // Case B: dispatched to works, whose endpoint always fails.
  std::string b = Report(false, "E0101", 1);
  ASSERT_OK(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(b)).status());
  auto to_works = For<v1::DispatchCaseRequest>(b);
  to_works.set_department_id("works");
  ASSERT_OK(DispatchCase(kDispatcher, to_works).status());

  // Mid-run: one replica dies without a word.
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_OK(notify_[0]->process().Signal(SIGKILL));
  ASSERT_OK(notify_[0]->process().Wait(absl::Seconds(5)).status());

  ASSERT_OK(AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(a))
                .status());
  ASSERT_OK(SubmitHandling(kSanitation, Handled(a)).status());
  ASSERT_OK(VerifyCase(kInspector, Verify(a, true)).status());
  // Case C: E0102 must be handled in 2 s: warning and overdue go to the
  // department and the duty chief.
  std::string c = Report(false, "E0102", 2);
  ASSERT_OK(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(c)).status());
  auto c_to_sanitation = For<v1::DispatchCaseRequest>(c);
  c_to_sanitation.set_department_id("sanitation");
  ASSERT_OK(DispatchCase(kDispatcher, c_to_sanitation).status());
  WaitFor(c, [](const std::vector<v1::CaseEvent>& events) {
    for (const auto& e : events) {
      if (e.type() == v1::CASE_EVENT_TYPE_OVERDUE) return true;
    }
    return false;
  });

  // Expected, per case: A: REGISTERED → reporter (WECHAT), DISPATCHED ×2 →
  // sanitation, HANDLED → inspectors, VERIFIED → reporter; B: REGISTERED →
  // reporter, DISPATCHED → works (dead); C: REGISTERED → reporter,
  // DISPATCHED → sanitation, WARNING and OVERDUE → sanitation + chief.
  std::vector<v1::Delivery> all = WaitSettled({a, b, c}, 13);
  std::map<std::string, v1::Delivery> by_id;
  for (const v1::Delivery& d : all) {
    EXPECT_TRUE(by_id.emplace(d.id(), d).second) << "listed twice: " << d.id();
  }
  ASSERT_EQ(by_id.size(), 13u);
  std::multiset<std::string> shapes;
  for (const auto& [id, d] : by_id) {
    shapes.insert(absl::StrCat(d.case_id() == a   ? "A"
                               : d.case_id() == b ? "B"
                                                  : "C",
                               " ", v1::CaseEventType_Name(d.event_type()), " ",
                               v1::RecipientKind_Name(d.recipient().kind()),
                               " ", v1::NotifyChannel_Name(d.channel())));
  }
  EXPECT_THAT(shapes, ::testing::UnorderedElementsAre(
                          "A CASE_EVENT_TYPE_REGISTERED "
                          "RECIPIENT_KIND_REPORTER NOTIFY_CHANNEL_WECHAT",
                          "A CASE_EVENT_TYPE_DISPATCHED "
                          "RECIPIENT_KIND_DEPARTMENT NOTIFY_CHANNEL_WEBHOOK",
                          "A CASE_EVENT_TYPE_DISPATCHED "
                          "RECIPIENT_KIND_DEPARTMENT NOTIFY_CHANNEL_WEBHOOK",
                          "A CASE_EVENT_TYPE_HANDLED RECIPIENT_KIND_INSPECTOR "
                          "NOTIFY_CHANNEL_WEBHOOK",
                          "A CASE_EVENT_TYPE_VERIFIED RECIPIENT_KIND_REPORTER "
                          "NOTIFY_CHANNEL_WECHAT",
                          "B CASE_EVENT_TYPE_REGISTERED "
                          "RECIPIENT_KIND_REPORTER NOTIFY_CHANNEL_WECHAT",
                          "B CASE_EVENT_TYPE_DISPATCHED "
                          "RECIPIENT_KIND_DEPARTMENT NOTIFY_CHANNEL_WEBHOOK",
                          "C CASE_EVENT_TYPE_REGISTERED "
                          "RECIPIENT_KIND_REPORTER NOTIFY_CHANNEL_WECHAT",
                          "C CASE_EVENT_TYPE_DISPATCHED "
                          "RECIPIENT_KIND_DEPARTMENT NOTIFY_CHANNEL_WEBHOOK",
                          "C CASE_EVENT_TYPE_WARNING RECIPIENT_KIND_DEPARTMENT "
                          "NOTIFY_CHANNEL_WEBHOOK",
                          "C CASE_EVENT_TYPE_WARNING RECIPIENT_KIND_DUTY_CHIEF "
                          "NOTIFY_CHANNEL_WEBHOOK",
                          "C CASE_EVENT_TYPE_OVERDUE RECIPIENT_KIND_DEPARTMENT "
                          "NOTIFY_CHANNEL_WEBHOOK",
                          "C CASE_EVENT_TYPE_OVERDUE RECIPIENT_KIND_DUTY_CHIEF "
                          "NOTIFY_CHANNEL_WEBHOOK"));

  // What the receiver saw: every signature valid; exactly one accepted
  // request per delivery (a repeat is dropped by X-Gridcase-Delivery). The
  // inspectors' slow first request is logged when the receiver is done with
  // it, after the sender gave up and the retry succeeded: wait for it.
  std::vector<json> log;
  for (absl::Time until = absl::Now() + absl::Seconds(10); absl::Now() < until;
       absl::SleepFor(absl::Milliseconds(100))) {
    log = ReceiverLog();
    int inspectors = 0;
    for (const json& e : log) inspectors += e["path"] == "/inspectors";
    if (inspectors >= 2) break;
  }
  std::map<std::string, int> accepted, requests, duplicates;
  for (const json& e : log) {
    EXPECT_TRUE(e["signature_ok"].get<bool>()) << e.dump();
    std::string id = e["delivery"];
    ++requests[id];
    if (e["status"] == 200)
      ++(e["duplicate"].get<bool>() ? duplicates : accepted)[id];
    if (e["path"] == "/wechat") {
      EXPECT_EQ(e["body"]["template_id"], "tmpl-case-status");
      EXPECT_EQ(e["body"]["touser"], "wx-1");
      EXPECT_EQ(e.dump().find("pipe of the water"), std::string::npos)
          << "a citizen read an internal note: " << e.dump();
    }
  }
  EXPECT_EQ(accepted.size(), 12u);
  for (const auto& [id, d] : by_id) {
    auto it = accepted.find(id);
    int n = it == accepted.end() ? 0 : it->second;
    EXPECT_EQ(n, d.status() == v1::DELIVERY_STATUS_SENT ? 1 : 0) << id;
  }
  int repeats = 0;
  for (const auto& [id, n] : duplicates) repeats += n;
  // The slow first attempt of the inspectors' delivery was processed by the
  // receiver after the sender gave up: its retry is the one expected repeat.
  // (A kill -9 between send and mark could add one more.)
  EXPECT_GE(repeats, 1);
  EXPECT_LE(repeats, 2);

  for (const auto& [id, d] : by_id) {
    switch (d.recipient().kind()) {
      case v1::RECIPIENT_KIND_DUTY_CHIEF:
        // 500, 500, then 200 (the first delivery to the chief); the second
        // finds the receiver past its two failures per delivery, too.
        EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_SENT) << id;
        EXPECT_EQ(d.attempts(), 3) << id;
        EXPECT_EQ(requests[id], 3) << id;
        EXPECT_EQ(d.last_result(), "HTTP 200") << id;
        break;
      case v1::RECIPIENT_KIND_INSPECTOR:
        EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_SENT) << id;
        EXPECT_EQ(d.attempts(), 2) << id;  // a timeout, then 200
        EXPECT_EQ(requests[id], 2) << id;
        break;
      default:
        if (d.recipient().id() == "works") {
          EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_DEAD) << id;
          EXPECT_EQ(d.attempts(), 3) << id;
          EXPECT_EQ(d.last_result(), "HTTP 500") << id;
          EXPECT_EQ(requests[id], 3) << id;
          EXPECT_FALSE(d.has_next_attempt_at()) << id;
        } else {
          EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_SENT) << id;
          EXPECT_TRUE(d.has_sent_at()) << id;
        }
    }
  }

  // The works department sees its dead letter; sanitation may not look.
  v1::ListDeliveriesRequest to_works_req;
  to_works_req.mutable_recipient()->set_kind(v1::RECIPIENT_KIND_DEPARTMENT);
  to_works_req.mutable_recipient()->set_id("works");
  ASSERT_OK_AND_ASSIGN(v1::ListDeliveriesResponse works,
                       List(kWorks, to_works_req));
  ASSERT_EQ(works.deliveries_size(), 1);
  EXPECT_EQ(works.deliveries(0).status(), v1::DELIVERY_STATUS_DEAD);
  EXPECT_EQ(works.deliveries(0).case_id(), b);
  EXPECT_THAT(
      List(kSanitation, to_works_req).status(),
      testing::StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  // Department staff listing a case see only their own department's.
  v1::ListDeliveriesRequest of_a;
  of_a.set_case_id(a);
  ASSERT_OK_AND_ASSIGN(v1::ListDeliveriesResponse seen_by_works,
                       List(kWorks, of_a));
  EXPECT_EQ(seen_by_works.deliveries_size(), 0);
  ASSERT_OK_AND_ASSIGN(v1::ListDeliveriesResponse seen_by_sanitation,
                       List(kSanitation, of_a));
  EXPECT_EQ(seen_by_sanitation.deliveries_size(), 2);
  // Neither or both filters: the field is named.
  EXPECT_THAT(List(kChief, {}).status(),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                ::testing::HasSubstr("case_id")));

  // gridctl shows the same: the dead letter, to the works department.
  std::string out, err;
  ASSERT_EQ(
      testing::Gridctl(notify_[1]->target(), kWorks,
                       {"notify", "deliveries", "--recipient=department:works"},
                       &out, &err),
      0)
      << err;
  EXPECT_THAT(out, ::testing::HasSubstr("DEAD"));
  EXPECT_THAT(out, ::testing::HasSubstr(b));
  EXPECT_EQ(testing::Gridctl(notify_[1]->target(), kChief,
                             {"notify", "deliveries"}, &out, &err),
            1);
  EXPECT_THAT(err, ::testing::HasSubstr("give --case=CASE_ID or --recipient"));
}

}  // namespace
}  // namespace gridcase
