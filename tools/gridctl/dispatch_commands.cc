#include "tools/gridctl/dispatch_commands.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/time_util.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "tools/gridctl/cli.h"

namespace gridcase::gridctl {
namespace {

constexpr char kDispatchUsage[] =
    R"(gridctl dispatch: move a case through the workflow (DispatchService).

Usage:
  gridctl dispatch ACTION CASE_ID [--note=TEXT] [--photo=URI]
                   [--expected-version=N] [--request-id=ID] [--json]

Actions (role):
  check      核实: ask the grid's manager to confirm a report on site
             (acceptor, dispatcher, duty chief), --note says what to look at
  check-result  核实 finding (the grid's manager): --confirmed or
             --not-confirmed, --note says what was found (required)
  register   立案 (acceptor, dispatcher)      [--category=CODE] corrects it
  void       作废 (acceptor)                  --note is the reason (required)
  dispatch   派遣 (dispatcher)                [--department=ID], else by rule
  ack        签收 (department staff)
  handle     处置反馈 (department staff)       --photo of the result
  verify     核查 (grid manager, duty chief)  --pass or --fail
  return     回退 (department staff)          --note is the reason (required)
  extend     延期申请 (department staff)       --extra=2wd or --until=RFC3339,
                                              --note is the reason
  decide     延期审批 (duty chief)             --approve or --deny
  suspend    挂账 (duty chief)                --note is the reason
  resume     恢复 (duty chief)
  supervise  督办 (duty chief)
  self-close 自行处置 (the reporting grid manager)
  reopen     重新打开 (duty chief; also after the window while an
             unsatisfied rating waits for review)
  close      特殊结案 (duty chief)             --note is the reason
  rate       满意度 (the reporter or a follower; acceptor: a callback 回访)
             --satisfaction=satisfied|basically_satisfied|unsatisfied,
             [--rater=ID] (callbacks; default the reporter), --note is the
             comment
  review-rating  不满意复核: keep the case closed (duty chief), --note says
             why (required)
  merge      合并 into another open case (acceptor, dispatcher, duty chief):
             --into=CASE_ID (required), whatever its category
  unmerge    撤销合并: the MERGED case is registered again (acceptor,
             dispatcher, duty chief), --note says why (required)
  timeline   the case's events

--extra takes NUMBER+UNIT: wm, wh, wd (working minutes, hours, days) or s, m,
h (calendar seconds, minutes, hours). --target / $GRIDCASE_DISPATCH_TARGET, --actor /
$GRIDCASE_ACTOR as for every command. Exit 1 with "error: CODE: message" when
the service refuses (e.g. FAILED_PRECONDITION: the case is in another state).
)";

constexpr char kQueueUsage[] =
    R"(gridctl queue: work queues (DispatchService.ListQueue).

Usage:
  gridctl queue review|department|verification|approvals|supervision|
                unsatisfied|check [--owner=ID] [--region=CODE] [--page-size=N]
                [--page-token=T] [--json]

  review        cases waiting for registration or dispatch
  department    a department's cases (--owner=department id)
  verification  cases waiting for verification (--owner=inspector member id)
  approvals     extension requests waiting for a duty chief
  supervision   supervised and overdue cases (--owner=department id)
  unsatisfied   closed cases rated unsatisfied, waiting for the duty chief
  check         reports waiting for an on-site check (核实) (--owner=inspector
                member id)
)";

std::unique_ptr<v1::DispatchService::Stub> Stub(const Invocation& in) {
  return v1::DispatchService::NewStub(Channel(in, "GRIDCASE_DISPATCH_TARGET"));
}

std::string Short(const std::string& enum_name, absl::string_view prefix) {
  return std::string(absl::StripPrefix(enum_name, prefix));
}

void PrintOutcome(const v1::Case& c, const v1::CaseEvent& e, bool replayed) {
  std::printf(
      "%s  %s  v%lld  %s%s\n", c.id().c_str(),
      Short(v1::CaseState_Name(c.state()), "CASE_STATE_").c_str(),
      static_cast<long long>(c.version()),
      Short(v1::CaseEventType_Name(e.type()), "CASE_EVENT_TYPE_").c_str(),
      replayed ? "  (replayed: already done with this request id)" : "");
  if (!c.department_id().empty()) {
    std::printf("  department  %s\n", c.department_id().c_str());
  }
  if (c.has_expected_at()) {
    std::printf(
        "  expected    %s\n",
        google::protobuf::util::TimeUtil::ToString(c.expected_at()).c_str());
  }
  if (c.light() != v1::TRAFFIC_LIGHT_UNSPECIFIED) {
    std::printf(
        "  light       %s\n",
        Short(v1::TrafficLight_Name(c.light()), "TRAFFIC_LIGHT_").c_str());
  }
}

// Fills what every transition request shares (fields 1-5) and calls `rpc`.
template <typename Req, typename Resp>
int Transition(const Invocation& in, const std::string& case_id,
               grpc::Status (v1::DispatchService::Stub::*rpc)(
                   grpc::ClientContext*, const Req&, Resp*),
               Req req) {
  req.set_case_id(case_id);
  int64_t version = 0;
  if (in.Has("expected-version") &&
      !absl::SimpleAtoi(in.Get("expected-version", nullptr), &version)) {
    return Fail(absl::InvalidArgumentError("--expected-version: a number"));
  }
  req.set_expected_version(version);
  req.set_request_id(RequestId(in));
  // Field 4 is the note or the reason, by request.
  const auto* text = Req::descriptor()->FindFieldByNumber(4);
  req.GetReflection()->SetString(&req, text, in.Get("note", nullptr));
  if (in.Has("photo")) {
    v1::Media* m = req.add_attachments();
    m->set_kind(v1::MEDIA_KIND_PHOTO);
    m->set_uri(in.Get("photo", nullptr));
  }
  Resp resp;
  auto stub = Stub(in);
  auto context = Context(in);
  absl::Status s = FromGrpcStatus(((*stub).*rpc)(context.get(), req, &resp));
  if (!s.ok()) return Fail(s);
  if (in.Has("json")) {
    PrintJson(resp);
  } else {
    PrintOutcome(resp.case_(), resp.event(), resp.replayed());
  }
  return 0;
}

int Timeline(const Invocation& in, const std::string& case_id) {
  v1::GetTimelineRequest req;
  req.set_case_id(case_id);
  v1::GetTimelineResponse resp;
  auto stub = Stub(in);
  auto context = Context(in);
  absl::Status s = FromGrpcStatus(stub->GetTimeline(context.get(), req, &resp));
  if (!s.ok()) return Fail(s);
  if (in.Has("json")) {
    PrintJson(resp);
    return 0;
  }
  for (const v1::CaseEvent& e : resp.events()) {
    std::printf(
        "%s  %-20s %-12s %s\n",
        google::protobuf::util::TimeUtil::ToString(e.time()).c_str(),
        Short(v1::CaseEventType_Name(e.type()), "CASE_EVENT_TYPE_").c_str(),
        Short(v1::CaseState_Name(e.to_state()), "CASE_STATE_").c_str(),
        e.actor().subject().c_str());
  }
  return 0;
}

}  // namespace

absl::StatusOr<v1::TimeLimit> ParseLimit(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(text[digits])) ++digits;
  int64_t amount = 0;
  std::string unit = text.substr(digits);
  const std::pair<const char*, v1::TimeUnit> units[] = {
      {"wm", v1::TIME_UNIT_WORKING_MINUTES},
      {"wh", v1::TIME_UNIT_WORKING_HOURS},
      {"wd", v1::TIME_UNIT_WORKING_DAYS},
      {"s", v1::TIME_UNIT_CALENDAR_SECONDS},
      {"m", v1::TIME_UNIT_CALENDAR_MINUTES},
      {"h", v1::TIME_UNIT_CALENDAR_HOURS}};
  if (absl::SimpleAtoi(text.substr(0, digits), &amount) && amount > 0) {
    for (const auto& [name, u] : units) {
      if (unit == name) {
        v1::TimeLimit l;
        l.set_amount(amount);
        l.set_unit(u);
        return l;
      }
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--extra: '", text,
      "' is not NUMBER+UNIT, e.g. 2wd (working days), 5wh, 30wm, 4h"));
}

int RunDispatch(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::fputs(kDispatchUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  absl::StatusOr<Invocation> in =
      Parse(std::vector<std::string>(args.begin() + 1, args.end()),
            {"target",        "actor",        "timeout",    "json",
             "help",          "note",         "photo",      "expected-version",
             "request-id",    "category",     "department", "pass",
             "fail",          "extra",        "until",      "approve",
             "deny",          "satisfaction", "rater",      "confirmed",
             "not-confirmed", "into"});
  if (!in.ok()) return Fail(in.status());
  if (in->Has("help")) {
    std::fputs(kDispatchUsage, stdout);
    return 0;
  }
  if (in->positional.size() != 1) {
    std::fprintf(stderr, "gridctl dispatch %s: give one CASE_ID\n\n%s",
                 args[0].c_str(), kDispatchUsage);
    return 2;
  }
  const std::string& action = args[0];
  const std::string& id = in->positional[0];
  using S = v1::DispatchService::Stub;
  if (action == "timeline") return Timeline(*in, id);
  if (action == "register") {
    v1::RegisterCaseRequest r;
    r.set_category_code(in->Get("category", nullptr));
    return Transition(*in, id, &S::RegisterCase, r);
  }
  if (action == "void")
    return Transition(*in, id, &S::VoidCase, v1::VoidCaseRequest());
  if (action == "dispatch") {
    v1::DispatchCaseRequest r;
    r.set_department_id(in->Get("department", nullptr));
    return Transition(*in, id, &S::DispatchCase, r);
  }
  if (action == "ack") {
    return Transition(*in, id, &S::AcknowledgeCase,
                      v1::AcknowledgeCaseRequest());
  }
  if (action == "handle") {
    return Transition(*in, id, &S::SubmitHandling, v1::SubmitHandlingRequest());
  }
  if (action == "verify") {
    if (in->Has("pass") == in->Has("fail")) {
      return Fail(absl::InvalidArgumentError("verify: give --pass or --fail"));
    }
    v1::VerifyCaseRequest r;
    r.set_passed(in->Has("pass"));
    return Transition(*in, id, &S::VerifyCase, r);
  }
  if (action == "return") {
    return Transition(*in, id, &S::ReturnCase, v1::ReturnCaseRequest());
  }
  if (action == "extend") {
    v1::RequestExtensionRequest r;
    if (in->Has("until")) {
      if (!google::protobuf::util::TimeUtil::FromString(
              in->Get("until", nullptr), r.mutable_requested_deadline())) {
        return Fail(absl::InvalidArgumentError(
            "--until: an RFC 3339 time, e.g. 2026-12-01T18:00:00+08:00"));
      }
    } else {
      absl::StatusOr<v1::TimeLimit> extra =
          ParseLimit(in->Get("extra", nullptr));
      if (!extra.ok()) return Fail(extra.status());
      *r.mutable_extra() = *extra;
    }
    return Transition(*in, id, &S::RequestExtension, r);
  }
  if (action == "decide") {
    if (in->Has("approve") == in->Has("deny")) {
      return Fail(
          absl::InvalidArgumentError("decide: give --approve or --deny"));
    }
    v1::DecideExtensionRequest r;
    r.set_approve(in->Has("approve"));
    return Transition(*in, id, &S::DecideExtension, r);
  }
  if (action == "suspend") {
    return Transition(*in, id, &S::SuspendCase, v1::SuspendCaseRequest());
  }
  if (action == "resume") {
    return Transition(*in, id, &S::ResumeCase, v1::ResumeCaseRequest());
  }
  if (action == "supervise") {
    return Transition(*in, id, &S::SuperviseCase, v1::SuperviseCaseRequest());
  }
  if (action == "self-close") {
    return Transition(*in, id, &S::SelfCloseCase, v1::SelfCloseCaseRequest());
  }
  if (action == "reopen") {
    return Transition(*in, id, &S::ReopenCase, v1::ReopenCaseRequest());
  }
  if (action == "close") {
    return Transition(*in, id, &S::CloseCase, v1::CloseCaseRequest());
  }
  if (action == "rate") {
    v1::RateCaseRequest r;
    v1::Satisfaction level = v1::SATISFACTION_UNSPECIFIED;
    if (!v1::Satisfaction_Parse(
            absl::StrCat("SATISFACTION_", absl::AsciiStrToUpper(in->Get(
                                              "satisfaction", nullptr))),
            &level) ||
        level == v1::SATISFACTION_UNSPECIFIED) {
      return Fail(absl::InvalidArgumentError(
          "--satisfaction: satisfied, basically_satisfied or unsatisfied"));
    }
    r.set_satisfaction(level);
    r.set_rater_id(in->Get("rater", nullptr));
    return Transition(*in, id, &S::RateCase, r);
  }
  if (action == "check") {
    return Transition(*in, id, &S::RequestCheck, v1::RequestCheckRequest());
  }
  if (action == "check-result") {
    if (in->Has("confirmed") == in->Has("not-confirmed")) {
      return Fail(absl::InvalidArgumentError(
          "check-result: give --confirmed or --not-confirmed"));
    }
    v1::SubmitCheckRequest r;
    r.set_confirmed(in->Has("confirmed"));
    return Transition(*in, id, &S::SubmitCheck, r);
  }
  if (action == "merge") {
    v1::MergeCaseRequest r;
    r.set_into_case_id(in->Get("into", nullptr));
    if (r.into_case_id().empty()) {
      return Fail(absl::InvalidArgumentError(
          "merge: give --into=CASE_ID, the open case it joins"));
    }
    return Transition(*in, id, &S::MergeCase, r);
  }
  if (action == "unmerge") {
    return Transition(*in, id, &S::UnmergeCase, v1::UnmergeCaseRequest());
  }
  if (action == "review-rating") {
    return Transition(*in, id, &S::ReviewRating, v1::ReviewRatingRequest());
  }
  std::fprintf(stderr, "gridctl dispatch: unknown action '%s'\n\n%s",
               action.c_str(), kDispatchUsage);
  return 2;
}

int RunQueue(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::fputs(kQueueUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  absl::StatusOr<Invocation> in =
      Parse(std::vector<std::string>(args.begin() + 1, args.end()),
            {"target", "actor", "timeout", "json", "help", "owner", "region",
             "page-size", "page-token"});
  if (!in.ok()) return Fail(in.status());
  v1::ListQueueRequest req;
  v1::Queue queue = v1::QUEUE_UNSPECIFIED;
  if (!v1::Queue_Parse(absl::StrCat("QUEUE_", absl::AsciiStrToUpper(args[0])),
                       &queue) ||
      queue == v1::QUEUE_UNSPECIFIED) {
    std::fprintf(stderr, "gridctl queue: unknown queue '%s'\n\n%s",
                 args[0].c_str(), kQueueUsage);
    return 2;
  }
  req.set_queue(queue);
  req.set_owner_id(in->Get("owner", nullptr));
  req.set_region_code(in->Get("region", nullptr));
  absl::StatusOr<int> page_size = PageSize(*in);
  if (!page_size.ok()) return Fail(page_size.status());
  req.set_page_size(*page_size);
  req.set_page_token(in->Get("page-token", nullptr));
  v1::ListQueueResponse resp;
  auto stub = Stub(*in);
  auto context = Context(*in);
  absl::Status s = FromGrpcStatus(stub->ListQueue(context.get(), req, &resp));
  if (!s.ok()) return Fail(s);
  if (in->Has("json")) {
    PrintJson(resp);
    return 0;
  }
  for (const v1::QueueItem& item : resp.items()) {
    std::printf(
        "%-24s %-11s %-8s %-6s %s  %s\n", item.case_().id().c_str(),
        Short(v1::CaseState_Name(item.case_().state()), "CASE_STATE_").c_str(),
        Short(v1::Stage_Name(item.stage()), "STAGE_").c_str(),
        Short(v1::TrafficLight_Name(item.light()), "TRAFFIC_LIGHT_").c_str(),
        google::protobuf::util::TimeUtil::ToString(
            item.deadline().effective_deadline())
            .c_str(),
        item.reason().c_str());
  }
  PrintNextPage(resp.next_page_token());
  return 0;
}

}  // namespace gridcase::gridctl
