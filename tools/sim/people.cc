#include "tools/sim/people.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/time_util.h"

namespace gridcase::sim {
namespace {

using google::protobuf::util::TimeUtil;

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(t));
}

// The real length of a stage attempt's limit: from its start to its first
// deadline (working calendars included), but at most two minutes: a limit
// the demo catalogue did not compress (a rule's override in working hours)
// would otherwise keep the simulated day from ending.
absl::Duration Span(const v1::StageDeadline& d) {
  return std::min(ToTime(d.original_deadline()) - ToTime(d.started_at()),
                  absl::Minutes(2));
}

v1::Actor Person(const std::string& id, v1::Role role) {
  v1::Actor a;
  a.set_subject(id);
  a.add_roles(role);
  return a;
}

v1::Media Photo(const std::string& name) {
  v1::Media m;
  m.set_kind(v1::MEDIA_KIND_PHOTO);
  m.set_uri(absl::StrCat("sim/", name, ".jpg"));
  return m;
}

// Where a dispatcher sends a case that its department returned.
std::string Alternative(const World& w, const std::string& returned_by) {
  for (const char* d : {"law-enforcement", "municipal"}) {
    if (returned_by != d && w.staff.count(d)) return d;
  }
  for (const auto& [d, staff] : w.staff) {
    if (d != returned_by) return d;
  }
  return returned_by;
}

}  // namespace

People::People(const World& world, const std::vector<Report>& plan,
               const Channels& channels, Ledger& ledger, uint64_t seed)
    : world_(world),
      plan_(plan),
      ledger_(ledger),
      registry_(v1::RegistryService::NewStub(channels.registry)),
      intake_(v1::IntakeService::NewStub(channels.intake)),
      dispatch_(v1::DispatchService::NewStub(channels.dispatch)),
      run_(absl::StrFormat("%x", absl::ToUnixMicros(absl::Now()))),
      rng_(seed + 1) {}  // not the planner's stream

template <typename Stub, typename Req, typename Resp>
absl::Status People::Call(Stub& stub,
                          grpc::Status (Stub::*rpc)(grpc::ClientContext*,
                                                    const Req&, Resp*),
                          const v1::Actor& as, const Req& req, Resp* resp,
                          const std::string& what) {
  auto context = CallAs(as, absl::Seconds(10));
  absl::Status s = FromGrpcStatus((stub.*rpc)(context.get(), req, resp));
  ledger_.CountCall(s, what);
  return s;
}

absl::Duration People::Think(double low_s, double high_s) {
  return absl::Seconds(Draw(low_s, high_s));
}

double People::Draw(double low, double high) {
  absl::MutexLock lock(&mu_);
  return std::uniform_real_distribution<double>(low, high)(rng_);
}

bool People::Due(const std::string& case_id, const std::string& step,
                 absl::Time when, Track* track) {
  bool due = false;
  bool ours = ledger_.With(case_id, [&](Track& t) {
    auto [it, first] = t.due.emplace(step, when);
    due = absl::Now() >= it->second;
    *track = t;
  });
  return ours && due;
}

std::vector<v1::QueueItem> People::Queue(v1::Queue queue,
                                         const std::string& owner,
                                         const v1::Actor& as) {
  std::vector<v1::QueueItem> items;
  v1::ListQueueRequest req;
  req.set_queue(queue);
  req.set_owner_id(owner);
  req.set_page_size(500);
  do {
    v1::ListQueueResponse page;
    if (!Call(*dispatch_, &v1::DispatchService::Stub::ListQueue, as, req, &page,
              absl::StrCat("ListQueue ", v1::Queue_Name(queue)))
             .ok()) {
      break;
    }
    for (v1::QueueItem& item : *page.mutable_items()) {
      ledger_.Observe(item.case_());
      items.push_back(std::move(item));
    }
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return items;
}

void People::SendReport(int index) {
  const Report& r = plan_[index];
  v1::Actor as;
  switch (r.source) {
    case v1::SOURCE_GRID_PATROL:
      as = world_.grid_managers.at(r.reporter);
      break;
    case v1::SOURCE_WECHAT:
    case v1::SOURCE_CITIZEN_APP:
      as = Person(r.reporter, v1::ROLE_CITIZEN);
      break;
    default:
      as = Person(r.reporter, v1::ROLE_ACCEPTOR);
  }
  v1::ReportCaseRequest req;
  *req.mutable_location() = Where(r);
  req.set_request_id(absl::StrCat("sim-", run_, "-", index));
  req.set_source(r.source);
  req.set_category_code(r.category);
  req.set_description(r.description);
  for (const auto& [code, value] : world_.categories.at(r.category).required) {
    (*req.mutable_attributes())[code] = value;
  }
  *req.add_media() = Photo(absl::StrCat("report-", index));
  v1::ReportCaseResponse resp;
  ledger_.CountReport();
  if (!Call(*intake_, &v1::IntakeService::Stub::ReportCase, as, req, &resp,
            "ReportCase")
           .ok()) {
    return;
  }
  Track t;
  t.report = index;
  t.fate =
      resp.outcome() == v1::REPORT_OUTCOME_MERGED ? Fate::kDuplicate : r.fate;
  t.state = resp.case_().state();
  ledger_.Add(resp.case_().id(), std::move(t));
}

v1::Location People::Where(const Report& r) {
  // As a reporter's app does, locate the point first; one that falls outside
  // every grid (the city's edge, a grid's hole) moves to the grid's centre.
  v1::Location at;
  at.set_latitude(r.lat);
  at.set_longitude(r.lng);
  v1::LocateGridRequest req;
  req.set_latitude(r.lat);
  req.set_longitude(r.lng);
  v1::LocateGridResponse resp;
  auto context = CallAs(world_.dispatcher, absl::Seconds(10));
  absl::Status s =
      FromGrpcStatus(registry_->LocateGrid(context.get(), req, &resp));
  ledger_.CountCall(absl::IsNotFound(s) ? absl::OkStatus() : s, "LocateGrid");
  if (absl::IsNotFound(s)) {
    const Grid& g = world_.grids[r.grid];
    at.set_latitude(g.lat);
    at.set_longitude(g.lng);
  }
  return at;
}

std::string People::DepartmentFor(const v1::Case& c, const Track& t) {
  if (!t.returned_by.empty()) return Alternative(world_, t.returned_by);
  const std::string key = absl::StrCat(c.category_code(), "@", c.grid_code());
  {
    absl::MutexLock lock(&mu_);
    auto it = responsible_.find(key);
    if (it != responsible_.end()) return it->second;
  }
  v1::ResolveResponsibilityRequest req;
  req.set_category_code(c.category_code());
  req.set_grid_code(c.grid_code());
  v1::ResolveResponsibilityResponse resp;
  std::string department = Alternative(world_, "");
  if (Call(*registry_, &v1::RegistryService::Stub::ResolveResponsibility,
           world_.dispatcher, req, &resp, "ResolveResponsibility")
          .ok()) {
    department = resp.department().id();
  }
  absl::MutexLock lock(&mu_);
  responsible_[key] = department;
  return department;
}

void People::WorkReview() {
  for (const v1::QueueItem& item :
       Queue(v1::QUEUE_REVIEW, "", world_.dispatcher)) {
    const v1::Case& c = item.case_();
    Track t;
    if (c.state() == v1::CASE_STATE_REPORTED) {
      if (!Due(c.id(), "register", ToTime(item.queued_at()) + Think(1, 5),
               &t)) {
        continue;
      }
      if (AskForCheck(c, t)) continue;
      if (t.fate == Fate::kVoid) {
        v1::VoidCaseRequest req;
        req.set_case_id(c.id());
        req.set_reason("核实无此问题，作废（模拟：无效上报）");
        v1::VoidCaseResponse resp;
        if (Call(*dispatch_, &v1::DispatchService::Stub::VoidCase,
                 world_.dispatcher, req, &resp, "VoidCase")
                .ok()) {
          ledger_.Observe(resp.case_());
        }
        continue;
      }
      v1::RegisterCaseRequest req;
      req.set_case_id(c.id());
      v1::RegisterCaseResponse resp;
      if (Call(*dispatch_, &v1::DispatchService::Stub::RegisterCase,
               world_.dispatcher, req, &resp, "RegisterCase")
              .ok()) {
        ledger_.Observe(resp.case_());
      }
    } else if (c.state() == v1::CASE_STATE_REGISTERED) {
      if (Due(c.id(), absl::StrCat("dispatch ", c.return_count()),
              ToTime(item.queued_at()) + Think(1, 4), &t)) {
        Dispatch(c, DepartmentFor(c, t));
      }
    }
  }
}

bool People::AskForCheck(const v1::Case& c, const Track& t) {
  const bool citizen =
      c.source() == v1::SOURCE_WECHAT || c.source() == v1::SOURCE_CITIZEN_APP;
  if (t.check_asked || !citizen ||
      (t.fate != Fate::kVoid && Draw(0, 1) > 0.1)) {
    return false;
  }
  if (!ledger_.With(c.id(), [](Track& track) { track.check_asked = true; })) {
    return false;
  }
  v1::RequestCheckRequest req;
  req.set_case_id(c.id());
  req.set_request_id(absl::StrCat("sim-", run_, "-check-", c.id()));
  req.set_note("请到现场核实");
  v1::RequestCheckResponse resp;
  if (Call(*dispatch_, &v1::DispatchService::Stub::RequestCheck,
           world_.dispatcher, req, &resp, "RequestCheck")
          .ok()) {
    ledger_.Observe(resp.case_());
  }
  return true;
}

void People::WorkMisfiled() {
  for (const std::string& id : ledger_.CasesWhere([](const Track& t) {
         return t.fate == Fate::kMisfiled && !t.staff_merged &&
                !IsFinal(t.state);
       })) {
    Track t;
    if (!Due(id, "merge", absl::Now() + Think(1, 3), &t)) continue;
    std::optional<std::string> first =
        ledger_.CaseOfReport(plan_[t.report].duplicate_of);
    if (first.has_value()) Merge(id, *first);  // else not reported yet
  }
}

void People::Merge(const std::string& id, const std::string& into) {
  v1::MergeCaseRequest req;
  req.set_case_id(id);
  req.set_into_case_id(into);
  req.set_request_id(absl::StrCat("sim-", run_, "-merge-", id));
  req.set_note("同一问题以不同类别重复上报，人工合并");
  v1::MergeCaseResponse resp;
  if (!Call(*dispatch_, &v1::DispatchService::Stub::MergeCase,
            world_.dispatcher, req, &resp, "MergeCase")
           .ok()) {
    // One of the two is closed or voided already: this one stands alone.
    (void)ledger_.With(id, [](Track& track) { track.fate = Fate::kNormal; });
    return;
  }
  (void)ledger_.With(id, [](Track& track) { track.staff_merged = true; });
  ledger_.Observe(resp.case_());
}

void People::WorkChecks() {
  for (const v1::QueueItem& item :
       Queue(v1::QUEUE_CHECK, "", world_.dispatcher)) {
    const v1::Case& c = item.case_();
    const Grid* grid = world_.FindGrid(c.grid_code());
    Track t;
    if (grid == nullptr ||
        !Due(c.id(), "check",
             ToTime(item.deadline().started_at()) + Think(1, 3), &t)) {
      continue;
    }
    const bool there = t.fate != Fate::kVoid;
    v1::SubmitCheckRequest req;
    req.set_case_id(c.id());
    req.set_request_id(absl::StrCat("sim-", run_, "-checked-", c.id()));
    req.set_confirmed(there);
    req.set_note(there ? "现场核实属实" : "现场核实：未发现所报问题");
    *req.add_attachments() = Photo(absl::StrCat(c.id(), "-site"));
    v1::SubmitCheckResponse resp;
    if (Call(*dispatch_, &v1::DispatchService::Stub::SubmitCheck,
             world_.Inspector(*grid), req, &resp, "SubmitCheck")
            .ok()) {
      ledger_.Observe(resp.case_());
    }
  }
}

void People::Dispatch(const v1::Case& c, const std::string& department) {
  v1::DispatchCaseRequest req;
  req.set_case_id(c.id());
  req.set_department_id(department);
  v1::DispatchCaseResponse resp;
  if (Call(*dispatch_, &v1::DispatchService::Stub::DispatchCase,
           world_.dispatcher, req, &resp, "DispatchCase")
          .ok()) {
    ledger_.Observe(resp.case_());
  }
}

void People::WorkDepartment(const std::string& department) {
  const v1::Actor& staff = world_.staff.at(department);
  const Pace pace = PaceOf(department);
  for (const v1::QueueItem& item :
       Queue(v1::QUEUE_DEPARTMENT, department, staff)) {
    const v1::Case& c = item.case_();
    const v1::StageDeadline& d = item.deadline();
    const absl::Time started = ToTime(d.started_at());
    Track t;
    if (c.state() == v1::CASE_STATE_DISPATCHED) {
      if (!Due(c.id(), absl::StrCat("ack ", d.attempt(), " ", department),
               started + Think(1, 4), &t)) {
        continue;
      }
      if (t.fate == Fate::kReturn && t.returned_by.empty()) {
        // Marked first, so that the dispatcher never sends it back here.
        ledger_.With(c.id(), [&](Track& x) { x.returned_by = department; });
        auto other = world_.departments.find(Alternative(world_, department));
        v1::ReturnCaseRequest req;
        req.set_case_id(c.id());
        req.set_reason(absl::StrCat(
            "经核实不属本单位职责，建议改派",
            other == world_.departments.end() ? "其他单位" : other->second));
        v1::ReturnCaseResponse resp;
        if (Call(*dispatch_, &v1::DispatchService::Stub::ReturnCase, staff, req,
                 &resp, "ReturnCase")
                .ok()) {
          ledger_.Observe(resp.case_());
        }
        continue;
      }
      v1::AcknowledgeCaseRequest req;
      req.set_case_id(c.id());
      v1::AcknowledgeCaseResponse resp;
      if (Call(*dispatch_, &v1::DispatchService::Stub::AcknowledgeCase, staff,
               req, &resp, "AcknowledgeCase")
              .ok()) {
        ledger_.Observe(resp.case_());
      }
      continue;
    }
    if (c.state() != v1::CASE_STATE_IN_PROGRESS) continue;
    // The first attempt follows the case's fate; a rework is done promptly.
    Track now;
    if (!ledger_.With(c.id(), [&](Track& x) { now = x; })) continue;
    if (now.fate == Fate::kExtend && !now.extension_asked &&
        !c.has_pending_extension() && d.attempt() == 1 &&
        Due(c.id(), "extend", started + 0.4 * Span(d), &t)) {
      v1::RequestExtensionRequest req;
      req.set_case_id(c.id());
      req.set_reason("需协调产权单位共同处置，申请延期");
      *req.mutable_extra() = d.limit();
      v1::RequestExtensionResponse resp;
      absl::Status s =
          Call(*dispatch_, &v1::DispatchService::Stub::RequestExtension, staff,
               req, &resp, "RequestExtension");
      (void)s;  // asked once, whatever the answer; then it is handled
      ledger_.With(c.id(), [](Track& x) { x.extension_asked = true; });
      continue;
    }
    Fate fate = d.attempt() == 1 ? now.fate : Fate::kNormal;
    double share;
    {
      absl::MutexLock lock(&mu_);
      share = HandleShare(fate, pace, rng_);
    }
    absl::Time when = started + Span(d) * share;
    if (!Due(c.id(), absl::StrCat("handle ", d.attempt()), when, &t)) continue;
    v1::SubmitHandlingRequest req;
    req.set_case_id(c.id());
    req.set_note(d.attempt() == 1 ? "已处置完毕，附处置后照片"
                                  : "已按核查意见返工整改");
    *req.add_attachments() =
        Photo(absl::StrCat(c.id(), "-after-", d.attempt()));
    v1::SubmitHandlingResponse resp;
    if (Call(*dispatch_, &v1::DispatchService::Stub::SubmitHandling, staff, req,
             &resp, "SubmitHandling")
            .ok()) {
      ledger_.Observe(resp.case_());
    }
  }
}

void People::WorkApprovals() {
  for (const v1::QueueItem& item :
       Queue(v1::QUEUE_APPROVALS, "", world_.duty_chief)) {
    const v1::Case& c = item.case_();
    Track t;
    if (!Due(c.id(), "decide", ToTime(item.queued_at()) + Think(1, 3), &t)) {
      continue;
    }
    v1::DecideExtensionRequest req;
    req.set_case_id(c.id());
    req.set_approve(true);
    req.set_note("同意延期，请按新时限办结");
    v1::DecideExtensionResponse resp;
    if (Call(*dispatch_, &v1::DispatchService::Stub::DecideExtension,
             world_.duty_chief, req, &resp, "DecideExtension")
            .ok()) {
      ledger_.Observe(resp.case_());
    }
  }
}

void People::WorkSupervision() {
  for (const v1::QueueItem& item :
       Queue(v1::QUEUE_SUPERVISION, "", world_.dispatcher)) {
    const v1::Case& c = item.case_();
    Track t;
    if (c.supervised() || item.light() != v1::TRAFFIC_LIGHT_RED ||
        !Due(c.id(), "supervise", ToTime(item.queued_at()) + Think(1, 3), &t)) {
      continue;
    }
    v1::SuperviseCaseRequest req;
    req.set_case_id(c.id());
    req.set_note("已超期，值班长督办，请尽快办结");
    v1::SuperviseCaseResponse resp;
    if (Call(*dispatch_, &v1::DispatchService::Stub::SuperviseCase,
             world_.duty_chief, req, &resp, "SuperviseCase")
            .ok()) {
      ledger_.Observe(resp.case_());
    }
  }
}

void People::WorkVerification() {
  for (const v1::QueueItem& item :
       Queue(v1::QUEUE_VERIFICATION, "", world_.dispatcher)) {
    const v1::Case& c = item.case_();
    const v1::StageDeadline& d = item.deadline();
    const Grid* grid = world_.FindGrid(c.grid_code());
    if (grid == nullptr) continue;
    double share;
    {
      absl::MutexLock lock(&mu_);
      share = VerifyShare(c.town_code(), rng_);
    }
    Track t;
    if (!Due(c.id(), absl::StrCat("verify ", d.attempt()),
             ToTime(d.started_at()) + Span(d) * share, &t)) {
      continue;
    }
    const bool pass = !(t.fate == Fate::kRework && !t.reworked);
    v1::VerifyCaseRequest req;
    req.set_case_id(c.id());
    req.set_passed(pass);
    req.set_note(pass ? "现场复核通过" : "现场复核：问题仍未彻底解决，需返工");
    *req.add_attachments() =
        Photo(absl::StrCat(c.id(), "-check-", d.attempt()));
    v1::VerifyCaseResponse resp;
    if (Call(*dispatch_, &v1::DispatchService::Stub::VerifyCase,
             world_.Inspector(*grid), req, &resp, "VerifyCase")
            .ok()) {
      ledger_.Observe(resp.case_());
      if (pass) Rate(resp.case_(), t);
    }
  }
}

void People::Rate(const v1::Case& c, const Track& t) {
  v1::Actor as;
  switch (c.source()) {
    case v1::SOURCE_WECHAT:
    case v1::SOURCE_CITIZEN_APP:
      as = Person(c.reporter().id(), v1::ROLE_CITIZEN);
      break;
    case v1::SOURCE_HOTLINE:  // a callback (回访) for the caller
      as = Person("acc-callback", v1::ROLE_ACCEPTOR);
      break;
    default:
      return;
  }
  if (Draw(0, 1) > 0.7) return;  // not everyone answers
  v1::Satisfaction level;
  {
    absl::MutexLock lock(&mu_);
    level = RatingOf(c.town_code(), t.fate, rng_);
  }
  v1::RateCaseRequest req;
  req.set_case_id(c.id());
  req.set_request_id(
      absl::StrCat("sim-", run_, "-rate-", c.id(), "-", c.reopen_count()));
  req.set_satisfaction(level);
  req.set_comment(level == v1::SATISFACTION_UNSATISFIED
                      ? "问题没有彻底解决，过两天又出现了"
                      : "处理及时，谢谢");
  v1::RateCaseResponse resp;
  if (Call(*dispatch_, &v1::DispatchService::Stub::RateCase, as, req, &resp,
           "RateCase")
          .ok()) {
    ledger_.With(c.id(), [&](Track& track) {
      ++track.ratings;
      if (level == v1::SATISFACTION_UNSATISFIED) ++track.unsatisfied;
    });
  }
}

void People::WorkUnsatisfied() {
  for (const v1::QueueItem& item :
       Queue(v1::QUEUE_UNSATISFIED, "", world_.duty_chief)) {
    const v1::Case& c = item.case_();
    Track t;
    if (!Due(c.id(), absl::StrCat("complaint ", c.reopen_count()),
             ToTime(item.queued_at()) + Think(1, 3), &t)) {
      continue;
    }
    // A first complaint is sent back to the department half the time.
    if (c.reopen_count() == 0 && Draw(0, 1) < 0.5) {
      v1::ReopenCaseRequest req;
      req.set_case_id(c.id());
      req.set_request_id(absl::StrCat("sim-", run_, "-reopen-", c.id()));
      req.set_reason("回访不满意：问题复发，重新派遣处置");
      v1::ReopenCaseResponse resp;
      if (Call(*dispatch_, &v1::DispatchService::Stub::ReopenCase,
               world_.duty_chief, req, &resp, "ReopenCase")
              .ok()) {
        ledger_.Observe(resp.case_());
        ledger_.With(c.id(),
                     [](Track& track) { track.complaint_reopened = true; });
      }
      continue;
    }
    v1::ReviewRatingRequest req;
    req.set_case_id(c.id());
    req.set_request_id(
        absl::StrCat("sim-", run_, "-review-", c.id(), "-", c.reopen_count()));
    req.set_note("已电话回访沟通，现场复核问题已解决，维持结案");
    v1::ReviewRatingResponse resp;
    if (Call(*dispatch_, &v1::DispatchService::Stub::ReviewRating,
             world_.duty_chief, req, &resp, "ReviewRating")
            .ok()) {
      ledger_.Observe(resp.case_());
    }
  }
}

}  // namespace gridcase::sim
