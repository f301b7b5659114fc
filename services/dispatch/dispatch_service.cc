#include "services/dispatch/dispatch_service.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/audit/audit_record.h"
#include "common/auth/roles.h"
#include "common/auth/serve.h"
#include "common/cases/fingerprint.h"
#include "common/cases/stage_clock.h"
#include "common/clock/timestamp.h"
#include "common/geo/region_code.h"
#include "common/paging/page_token.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "common/store/visibility.h"
#include "common/validation/content.h"
#include "common/validation/field_errors.h"
#include "common/validation/ids.h"
#include "services/dispatch/queues.h"
#include "services/dispatch/routing.h"

namespace gridcase::dispatch {
namespace {

using validation::FieldError;

template <typename Req>
absl::Status ValidateCommon(const Req& req, const char* text_field,
                            const std::string& text, bool text_required,
                            int min_attachments) {
  if (req.case_id().empty()) return FieldError("case_id", "is required");
  if (req.expected_version() < 0) {
    return FieldError("expected_version", "must be >= 0 (0: do not check)");
  }
  if (!req.request_id().empty()) {
    RETURN_IF_ERROR(validation::ValidateRequestId(req.request_id()));
  }
  RETURN_IF_ERROR(validation::ValidateText(
      text_field, text, validation::kMaxTextChars, text_required));
  RETURN_IF_ERROR(validation::ValidateMedia("attachments", req.attachments()));
  if (req.attachments_size() < min_attachments) {
    return FieldError(
        "attachments",
        absl::StrCat("at least ", min_attachments,
                     " photo or video of the result is required"));
  }
  return absl::OkStatus();
}

constexpr paging::PageLimits kQueuePage{50, 500};
constexpr char kRequestExtension[] =
    "gridcase.v1.DispatchService/RequestExtension";

}  // namespace

DispatchServiceImpl::DispatchServiceImpl(
    Transitions* transitions, registry_client::RegistryClient* registry,
    const auth::Authenticator* authenticator)
    : transitions_(transitions),
      registry_(registry),
      authenticator_(authenticator) {}

template <typename Req, typename Resp>
grpc::Status DispatchServiceImpl::Transition(grpc::ServerContext* context,
                                             Action action, const Req& req,
                                             Resp* resp, Text text,
                                             TransitionRequest extra,
                                             int min_attachments) {
  return auth::ServeAs(
      context, *authenticator_,
      absl::StrCat("gridcase.v1.DispatchService/", RuleFor(action).rpc), req,
      [&](const v1::Actor& actor) -> absl::Status {
        RETURN_IF_ERROR(ValidateCommon(req, text.field, text.value,
                                       text.required, min_attachments));
        TransitionRequest t = std::move(extra);
        t.case_id = req.case_id();
        t.expected_version = req.expected_version();
        t.request_id = req.request_id();
        t.fingerprint = cases::RequestFingerprint(req);
        t.input.note = text.value;
        t.input.attachments = req.attachments();
        ASSIGN_OR_RETURN(Committed done,
                         transitions_->Run(action, actor, std::move(t)));
        store::ReporterFacts facts = store::ReporterFacts::Of(done.c);
        *resp->mutable_case_() = store::PresentCase(std::move(done.c), actor);
        *resp->mutable_event() =
            store::PresentEvent(std::move(done.event), actor, facts);
        resp->set_replayed(done.replayed);
        return absl::OkStatus();
      });
}

grpc::Status DispatchServiceImpl::RegisterCase(
    grpc::ServerContext* ctx, const v1::RegisterCaseRequest* req,
    v1::RegisterCaseResponse* resp) {
  TransitionRequest t;
  t.category_code = req->category_code();
  return Transition(ctx, Action::kRegister, *req, resp,
                    {"note", req->note(), false}, std::move(t));
}

grpc::Status DispatchServiceImpl::VoidCase(grpc::ServerContext* ctx,
                                           const v1::VoidCaseRequest* req,
                                           v1::VoidCaseResponse* resp) {
  return Transition(ctx, Action::kVoid, *req, resp,
                    {"reason", req->reason(), true}, {});
}

grpc::Status DispatchServiceImpl::DispatchCase(
    grpc::ServerContext* ctx, const v1::DispatchCaseRequest* req,
    v1::DispatchCaseResponse* resp) {
  TransitionRequest t;
  t.department_id = req->department_id();
  return Transition(ctx, Action::kDispatch, *req, resp,
                    {"note", req->note(), false}, std::move(t));
}

grpc::Status DispatchServiceImpl::AcknowledgeCase(
    grpc::ServerContext* ctx, const v1::AcknowledgeCaseRequest* req,
    v1::AcknowledgeCaseResponse* resp) {
  return Transition(ctx, Action::kAcknowledge, *req, resp,
                    {"note", req->note(), false}, {});
}

grpc::Status DispatchServiceImpl::SubmitHandling(
    grpc::ServerContext* ctx, const v1::SubmitHandlingRequest* req,
    v1::SubmitHandlingResponse* resp) {
  return Transition(ctx, Action::kSubmitHandling, *req, resp,
                    {"note", req->note(), true}, {}, 1);
}

grpc::Status DispatchServiceImpl::VerifyCase(grpc::ServerContext* ctx,
                                             const v1::VerifyCaseRequest* req,
                                             v1::VerifyCaseResponse* resp) {
  return Transition(ctx,
                    req->passed() ? Action::kVerifyPass : Action::kVerifyFail,
                    *req, resp, {"note", req->note(), !req->passed()}, {});
}

grpc::Status DispatchServiceImpl::ReturnCase(grpc::ServerContext* ctx,
                                             const v1::ReturnCaseRequest* req,
                                             v1::ReturnCaseResponse* resp) {
  return Transition(ctx, Action::kReturn, *req, resp,
                    {"reason", req->reason(), true}, {});
}

grpc::Status DispatchServiceImpl::RequestExtension(
    grpc::ServerContext* ctx, const v1::RequestExtensionRequest* req,
    v1::RequestExtensionResponse* resp) {
  TransitionRequest t;
  if (req->has_extra()) {
    t.input.extra = req->extra();
  } else if (req->has_requested_deadline()) {
    t.input.requested_deadline = FromTimestamp(req->requested_deadline());
  } else {
    return auth::ServeAs(
        ctx, *authenticator_, kRequestExtension, *req, [](const v1::Actor&) {
          return FieldError("requested",
                            "one of extra or requested_deadline is required");
        });
  }
  if (req->has_extra() && (req->extra().amount() <= 0 ||
                           req->extra().unit() == v1::TIME_UNIT_UNSPECIFIED)) {
    return auth::ServeAs(
        ctx, *authenticator_, kRequestExtension, *req, [](const v1::Actor&) {
          return FieldError("extra", "amount must be > 0 and unit set");
        });
  }
  return Transition(ctx, Action::kRequestExtension, *req, resp,
                    {"reason", req->reason(), true}, std::move(t));
}

grpc::Status DispatchServiceImpl::DecideExtension(
    grpc::ServerContext* ctx, const v1::DecideExtensionRequest* req,
    v1::DecideExtensionResponse* resp) {
  TransitionRequest t;
  t.input.approve = req->approve();
  return Transition(ctx, Action::kDecideExtension, *req, resp,
                    {"note", req->note(), false}, std::move(t));
}

grpc::Status DispatchServiceImpl::SuspendCase(grpc::ServerContext* ctx,
                                              const v1::SuspendCaseRequest* req,
                                              v1::SuspendCaseResponse* resp) {
  return Transition(ctx, Action::kSuspend, *req, resp,
                    {"reason", req->reason(), true}, {});
}

grpc::Status DispatchServiceImpl::ResumeCase(grpc::ServerContext* ctx,
                                             const v1::ResumeCaseRequest* req,
                                             v1::ResumeCaseResponse* resp) {
  return Transition(ctx, Action::kResume, *req, resp,
                    {"note", req->note(), false}, {});
}

grpc::Status DispatchServiceImpl::SuperviseCase(
    grpc::ServerContext* ctx, const v1::SuperviseCaseRequest* req,
    v1::SuperviseCaseResponse* resp) {
  return Transition(ctx, Action::kSupervise, *req, resp,
                    {"note", req->note(), false}, {});
}

grpc::Status DispatchServiceImpl::SelfCloseCase(
    grpc::ServerContext* ctx, const v1::SelfCloseCaseRequest* req,
    v1::SelfCloseCaseResponse* resp) {
  return Transition(ctx, Action::kSelfClose, *req, resp,
                    {"note", req->note(), false}, {}, 1);
}

grpc::Status DispatchServiceImpl::ReopenCase(grpc::ServerContext* ctx,
                                             const v1::ReopenCaseRequest* req,
                                             v1::ReopenCaseResponse* resp) {
  return Transition(ctx, Action::kReopen, *req, resp,
                    {"reason", req->reason(), true}, {});
}

grpc::Status DispatchServiceImpl::CloseCase(grpc::ServerContext* ctx,
                                            const v1::CloseCaseRequest* req,
                                            v1::CloseCaseResponse* resp) {
  return Transition(ctx, Action::kClose, *req, resp,
                    {"reason", req->reason(), true}, {});
}

grpc::Status DispatchServiceImpl::RateCase(grpc::ServerContext* ctx,
                                           const v1::RateCaseRequest* req,
                                           v1::RateCaseResponse* resp) {
  absl::Status invalid = validation::ValidateId("rater_id", req->rater_id());
  if (req->satisfaction() == v1::SATISFACTION_UNSPECIFIED ||
      !v1::Satisfaction_IsValid(req->satisfaction())) {
    invalid = FieldError("satisfaction",
                         "is required: SATISFIED, BASICALLY_SATISFIED or "
                         "UNSATISFIED");
  }
  if (!invalid.ok()) {
    return auth::ServeAs(ctx, *authenticator_,
                         "gridcase.v1.DispatchService/RateCase", *req,
                         [&](const v1::Actor&) { return invalid; });
  }
  TransitionRequest t;
  t.input.satisfaction = req->satisfaction();
  t.input.rater_id = req->rater_id();
  return Transition(ctx, Action::kRate, *req, resp,
                    {"comment", req->comment(), false}, std::move(t));
}

grpc::Status DispatchServiceImpl::ReviewRating(
    grpc::ServerContext* ctx, const v1::ReviewRatingRequest* req,
    v1::ReviewRatingResponse* resp) {
  return Transition(ctx, Action::kReviewRating, *req, resp,
                    {"note", req->note(), true}, {});
}

grpc::Status DispatchServiceImpl::RequestCheck(
    grpc::ServerContext* ctx, const v1::RequestCheckRequest* req,
    v1::RequestCheckResponse* resp) {
  return Transition(ctx, Action::kRequestCheck, *req, resp,
                    {"note", req->note(), false}, {});
}

grpc::Status DispatchServiceImpl::SubmitCheck(grpc::ServerContext* ctx,
                                              const v1::SubmitCheckRequest* req,
                                              v1::SubmitCheckResponse* resp) {
  TransitionRequest t;
  t.input.confirmed = req->confirmed();
  return Transition(ctx, Action::kSubmitCheck, *req, resp,
                    {"note", req->note(), true}, std::move(t));
}

grpc::Status DispatchServiceImpl::MergeCase(grpc::ServerContext* ctx,
                                            const v1::MergeCaseRequest* req,
                                            v1::MergeCaseResponse* resp) {
  TransitionRequest t;
  t.input.into_case_id = req->into_case_id();
  return Transition(ctx, Action::kMerge, *req, resp,
                    {"note", req->note(), false}, std::move(t));
}

grpc::Status DispatchServiceImpl::UnmergeCase(grpc::ServerContext* ctx,
                                              const v1::UnmergeCaseRequest* req,
                                              v1::UnmergeCaseResponse* resp) {
  return Transition(ctx, Action::kUnmerge, *req, resp,
                    {"note", req->note(), true}, {});
}

grpc::Status DispatchServiceImpl::GetTimeline(grpc::ServerContext* ctx,
                                              const v1::GetTimelineRequest* req,
                                              v1::GetTimelineResponse* resp) {
  return auth::ServeAs(
      ctx, *authenticator_, "gridcase.v1.DispatchService/GetTimeline", *req,
      [&](const v1::Actor& actor) -> absl::Status {
        if (req->case_id().empty()) return FieldError("case_id", "is required");
        ASSIGN_OR_RETURN(CaseRecord rec,
                         transitions_->store().Get(req->case_id()));
        store::ReporterFacts facts = store::ReporterFacts::Of(rec.c);
        if (!store::MayReadTimeline(actor, facts)) {
          return absl::PermissionDeniedError(
              "GetTimeline: a citizen may read only the timelines of their "
              "own reports");
        }
        ASSIGN_OR_RETURN(std::vector<v1::CaseEvent> events,
                         transitions_->store().Timeline(req->case_id()));
        for (v1::CaseEvent& e : events) {
          *resp->add_events() = store::PresentEvent(std::move(e), actor, facts);
        }
        resp->set_case_version(rec.c.version());
        return absl::OkStatus();
      });
}

grpc::Status DispatchServiceImpl::ListQueue(grpc::ServerContext* ctx,
                                            const v1::ListQueueRequest* req,
                                            v1::ListQueueResponse* resp) {
  return auth::ServeAs(
      ctx, *authenticator_, "gridcase.v1.DispatchService/ListQueue", *req,
      [&](const v1::Actor& actor) { return DoListQueue(actor, *req, resp); });
}

absl::Status DispatchServiceImpl::DoListQueue(const v1::Actor& actor,
                                              const v1::ListQueueRequest& req,
                                              v1::ListQueueResponse* resp) {
  bool chief = auth::HasRole(actor, v1::ROLE_DUTY_CHIEF) ||
               auth::HasRole(actor, v1::ROLE_SYSTEM);
  std::vector<std::string> names;
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  const std::string& owner = req.owner_id();
  switch (req.queue()) {
    case v1::QUEUE_REVIEW: {
      if (!owner.empty())
        return FieldError("owner_id", "must be empty for QUEUE_REVIEW");
      if (!chief) {
        RETURN_IF_ERROR(auth::RequireAnyRole(
            actor,
            std::vector<v1::Role>{v1::ROLE_ACCEPTOR, v1::ROLE_DISPATCHER},
            "ListQueue(QUEUE_REVIEW)"));
      }
      names = {store::ReviewQueue()};
      break;
    }
    case v1::QUEUE_DEPARTMENT: {
      if (owner.empty()) {
        return FieldError("owner_id",
                          "is required for QUEUE_DEPARTMENT (a department id)");
      }
      bool own = auth::HasRole(actor, v1::ROLE_DEPARTMENT_STAFF) &&
                 actor.department_id() == owner;
      if (!chief && !own && !auth::HasRole(actor, v1::ROLE_DISPATCHER)) {
        return absl::PermissionDeniedError(absl::StrCat(
            "ListQueue(QUEUE_DEPARTMENT): only staff of department '", owner,
            "', dispatchers and duty chiefs may read its queue"));
      }
      names = {store::DepartmentQueue(owner)};
      stage = v1::STAGE_HANDLE;
      break;
    }
    case v1::QUEUE_VERIFICATION:
    case v1::QUEUE_CHECK: {
      // The inspectors' two queues: on-site verification (核查) after the
      // department, and on-site checks (核实) before registration.
      const bool check = req.queue() == v1::QUEUE_CHECK;
      const char* name =
          check ? "ListQueue(QUEUE_CHECK)" : "ListQueue(QUEUE_VERIFICATION)";
      stage = check ? v1::STAGE_CHECK : v1::STAGE_VERIFY;
      std::vector<std::string> grids;
      if (!owner.empty()) {
        bool centre = auth::HasRole(actor, v1::ROLE_DISPATCHER) ||
                      (check && auth::HasRole(actor, v1::ROLE_ACCEPTOR));
        if (!chief && !centre && owner != actor.subject()) {
          return absl::PermissionDeniedError(absl::StrCat(
              name, ": a grid manager reads only their own queue"));
        }
        if (owner == actor.subject()) {
          grids.assign(actor.grid_codes().begin(), actor.grid_codes().end());
        } else {
          absl::StatusOr<v1::Member> m = registry_->GetMember(owner);
          if (m.status().code() == absl::StatusCode::kNotFound) {
            return FieldError("owner_id",
                              absl::StrCat("unknown member '", owner, "'"));
          }
          RETURN_IF_ERROR(m.status());
          grids.assign(m->grid_codes().begin(), m->grid_codes().end());
        }
      } else if (auth::HasRole(actor, v1::ROLE_GRID_MANAGER) && !chief &&
                 !auth::HasRole(actor, v1::ROLE_DISPATCHER) &&
                 !(check && auth::HasRole(actor, v1::ROLE_ACCEPTOR))) {
        grids.assign(actor.grid_codes().begin(), actor.grid_codes().end());
      } else {
        if (!chief) {
          std::vector<v1::Role> readers = {v1::ROLE_DISPATCHER};
          if (check) readers.push_back(v1::ROLE_ACCEPTOR);
          RETURN_IF_ERROR(auth::RequireAnyRole(actor, readers, name));
        }
        names = {check ? store::CheckQueue() : store::VerifyQueue()};
      }
      for (const std::string& g : grids) {
        names.push_back(check ? store::GridCheckQueue(g)
                              : store::GridVerifyQueue(g));
      }
      break;
    }
    case v1::QUEUE_APPROVALS:
      if (!owner.empty())
        return FieldError("owner_id", "must be empty for QUEUE_APPROVALS");
      if (!chief) {
        return absl::PermissionDeniedError(
            "ListQueue(QUEUE_APPROVALS): only duty chiefs read the approvals "
            "queue");
      }
      names = {store::ApprovalsQueue()};
      stage = v1::STAGE_HANDLE;
      break;
    case v1::QUEUE_SUPERVISION: {
      bool staff_own = auth::HasRole(actor, v1::ROLE_DEPARTMENT_STAFF) &&
                       !owner.empty() && actor.department_id() == owner;
      if (!chief && !auth::HasRole(actor, v1::ROLE_DISPATCHER) && !staff_own) {
        return absl::PermissionDeniedError(
            "ListQueue(QUEUE_SUPERVISION): dispatchers and duty chiefs read "
            "the supervision list; department staff only their own "
            "department's (owner_id = their department)");
      }
      names = {owner.empty() ? store::SupervisionQueue()
                             : store::DepartmentSupervisionQueue(owner)};
      break;
    }
    case v1::QUEUE_UNSATISFIED:
      if (!owner.empty())
        return FieldError("owner_id", "must be empty for QUEUE_UNSATISFIED");
      if (!chief) {
        RETURN_IF_ERROR(auth::RequireAnyRole(
            actor, std::vector<v1::Role>{v1::ROLE_DISPATCHER},
            "ListQueue(QUEUE_UNSATISFIED)"));
      }
      names = {store::UnsatisfiedQueue()};
      break;
    default:
      return FieldError("queue", "is required");
  }
  if (!req.region_code().empty() && !geo::LevelOfCode(req.region_code())) {
    return FieldError("region_code",
                      "must be a city, town, community or grid code (6, 9, "
                      "12 or 15 digits)");
  }
  ASSIGN_OR_RETURN(int size, paging::PageSize(req.page_size(), kQueuePage));
  std::string filter =
      absl::StrCat(req.queue(), "|", owner, "|", req.region_code());
  ASSIGN_OR_RETURN(std::string cursor,
                   paging::DecodePageToken(req.page_token(), filter));
  int64_t after_score = -1;
  std::string after_member;
  if (!cursor.empty()) {
    std::pair<std::string, std::string> parts =
        absl::StrSplit(cursor, absl::MaxSplits(' ', 1));
    if (!absl::SimpleAtoi(parts.first, &after_score)) {
      return FieldError("page_token", "is malformed");
    }
    after_member = parts.second;
  }
  absl::Time now = transitions_->clock().Now();
  std::string last;
  bool more = true;
  while (resp->items_size() < size && more) {
    ASSIGN_OR_RETURN(std::vector<QueueHit> hits,
                     transitions_->store().ScanQueue(names, after_score,
                                                     after_member, size + 1));
    more = static_cast<int>(hits.size()) > size;
    std::vector<std::string> ids;
    for (const QueueHit& h : hits) ids.push_back(h.case_id);
    ASSIGN_OR_RETURN(std::vector<CaseRecord> records,
                     transitions_->store().GetMany(ids));
    std::map<std::string, CaseRecord> by_id;
    for (CaseRecord& r : records) by_id[r.c.id()] = std::move(r);
    for (const QueueHit& h : hits) {
      after_score = h.score;
      after_member = h.member;
      auto it = by_id.find(h.case_id);
      if (it == by_id.end()) continue;
      v1::Case& c = it->second.c;
      if (!req.region_code().empty() &&
          c.grid_code().compare(0, req.region_code().size(),
                                req.region_code()) != 0) {
        continue;
      }
      cases::RefreshLights(&c, now);
      v1::QueueItem* item = resp->add_items();
      v1::Stage s =
          stage != v1::STAGE_UNSPECIFIED ? stage : cases::RunningStage(c);
      item->set_stage(s);
      if (const v1::StageDeadline* d = cases::CurrentDeadline(c)) {
        *item->mutable_deadline() = *d;
        item->set_light(d->light());
      }
      if (req.queue() == v1::QUEUE_APPROVALS) {
        item->set_reason(c.pending_extension().reason());
        *item->mutable_queued_at() = c.pending_extension().requested_at();
      } else if (req.queue() == v1::QUEUE_SUPERVISION) {
        item->set_reason(
            c.state() == v1::CASE_STATE_SUSPENDED
                ? absl::StrCat("suspended: ", c.status_note())
            : StoredOverdue(c)
                ? absl::StrCat("overdue: ",
                               absl::StripPrefix(v1::Stage_Name(s), "STAGE_"))
                : "supervised");
        *item->mutable_queued_at() = c.updated_at();
      } else if (req.queue() == v1::QUEUE_UNSATISFIED) {
        if (const v1::Rating* r = LastUnsatisfied(c)) {
          item->set_reason(r->comment().empty() ? "unsatisfied" : r->comment());
          *item->mutable_queued_at() = r->rated_at();
        }
      } else {
        const CaseRecord& rec = it->second;
        bool review = req.queue() == v1::QUEUE_REVIEW;
        item->set_reason(review && !rec.review_reason.empty()
                             ? rec.review_reason
                             : c.status_note());
        *item->mutable_queued_at() =
            rec.queued_ms > 0 ? ToTimestamp(absl::FromUnixMillis(rec.queued_ms))
                              : c.updated_at();
      }
      *item->mutable_case_() = store::PresentCase(std::move(c), actor);
      last = absl::StrCat(h.score, " ", h.member);
      if (resp->items_size() == size) break;
    }
    if (hits.empty()) more = false;
  }
  if (more || resp->items_size() == size) {
    resp->set_next_page_token(paging::EncodePageToken(last, filter));
  }
  return absl::OkStatus();
}

grpc::Status DispatchServiceImpl::GetRoutingPolicy(
    grpc::ServerContext* ctx, const v1::GetRoutingPolicyRequest* req,
    v1::GetRoutingPolicyResponse* resp) {
  return auth::ServeAs(ctx, *authenticator_,
                       "gridcase.v1.DispatchService/GetRoutingPolicy", *req,
                       [&](const v1::Actor& actor) -> absl::Status {
                         ASSIGN_OR_RETURN(v1::RoutingPolicy p,
                                          transitions_->store().GetRouting());
                         if (p.version() == 0) p = DefaultRoutingPolicy();
                         *resp->mutable_policy() = std::move(p);
                         return absl::OkStatus();
                       });
}

grpc::Status DispatchServiceImpl::UpdateRoutingPolicy(
    grpc::ServerContext* ctx, const v1::UpdateRoutingPolicyRequest* req,
    v1::UpdateRoutingPolicyResponse* resp) {
  return auth::ServeAs(
      ctx, *authenticator_, "gridcase.v1.DispatchService/UpdateRoutingPolicy",
      *req, [&](const v1::Actor& actor) -> absl::Status {
        if (req->expected_version() < 0) {
          return FieldError("expected_version", "must be >= 0");
        }
        RETURN_IF_ERROR(ValidateRoutingPolicy(req->policy()));
        for (int i = 0; i < req->policy().categories_size(); ++i) {
          const std::string& code = req->policy().categories(i).category_code();
          if (code.size() != 5) continue;  // major codes are checked by form
          absl::StatusOr<v1::Category> c = registry_->GetCategory(code);
          if (c.status().code() == absl::StatusCode::kNotFound) {
            return FieldError(
                absl::StrCat("policy.categories[", i, "].category_code"),
                absl::StrCat("unknown category '", code, "'"));
          }
          RETURN_IF_ERROR(c.status());
        }
        v1::RoutingPolicy p = req->policy();
        absl::Time now = transitions_->clock().Now();
        *p.mutable_updated_at() = ToTimestamp(now);
        *p.mutable_updated_by() = actor;
        ASSIGN_OR_RETURN(v1::RoutingPolicy before,
                         transitions_->store().GetRouting());
        if (before.version() == 0) before = DefaultRoutingPolicy();
        std::optional<v1::AuditRecord> record =
            audit::Describe(actor, now, "UpdateRoutingPolicy", "routing_policy",
                            "", &before, &p);
        ASSIGN_OR_RETURN(
            *resp->mutable_policy(),
            transitions_->store().PutRouting(
                p, req->expected_version(),
                record.has_value() ? record->SerializeAsString() : ""));
        return absl::OkStatus();
      });
}

}  // namespace gridcase::dispatch
