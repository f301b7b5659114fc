#include "services/dispatch/queues.h"

#include "absl/strings/str_cat.h"
#include "common/cases/stage_clock.h"
#include "common/clock/timestamp.h"
#include "common/store/case_hash.h"
#include "common/store/keys.h"

namespace gridcase::dispatch {

bool StoredOverdue(const v1::Case& c) {
  const v1::StageDeadline* d = cases::CurrentDeadline(c);
  return d != nullptr && d->light() == v1::TRAFFIC_LIGHT_RED;
}

std::vector<std::string> QueueNamesOf(const v1::Case& c) {
  std::vector<std::string> out;
  switch (c.state()) {
    case v1::CASE_STATE_REPORTED:
    case v1::CASE_STATE_REGISTERED:
      out.push_back(store::ReviewQueue());
      break;
    case v1::CASE_STATE_DISPATCHED:
    case v1::CASE_STATE_IN_PROGRESS:
      out.push_back(store::DepartmentQueue(c.department_id()));
      break;
    case v1::CASE_STATE_HANDLED:
      out.push_back(store::VerifyQueue());
      out.push_back(store::GridVerifyQueue(c.grid_code()));
      break;
    case v1::CASE_STATE_CHECKING:
      out.push_back(store::CheckQueue());
      out.push_back(store::GridCheckQueue(c.grid_code()));
      break;
    default:
      break;
  }
  if (c.has_pending_extension()) out.push_back(store::ApprovalsQueue());
  if (c.state() == v1::CASE_STATE_CLOSED && c.rating_review_pending()) {
    out.push_back(store::UnsatisfiedQueue());
  }
  if (cases::IsOpen(c.state()) && (c.supervised() || StoredOverdue(c) ||
                                   c.state() == v1::CASE_STATE_SUSPENDED)) {
    out.push_back(store::SupervisionQueue());
    if (!c.department_id().empty()) {
      out.push_back(store::DepartmentSupervisionQueue(c.department_id()));
    }
  }
  return out;
}

int64_t QueueScoreOf(const v1::Case& c) {
  if (c.state() == v1::CASE_STATE_CLOSED) {
    // The UNSATISFIED queue, oldest waiting rating first.
    const v1::Rating* r = LastUnsatisfied(c);
    return r == nullptr ? 0 : absl::ToUnixMillis(FromTimestamp(r->rated_at()));
  }
  const v1::StageDeadline* d = cases::CurrentDeadline(c);
  if (d == nullptr) return 0;
  return absl::ToUnixMillis(FromTimestamp(d->effective_deadline()));
}

const v1::Rating* LastUnsatisfied(const v1::Case& c) {
  for (int i = c.ratings_size() - 1; i >= 0; --i) {
    if (c.ratings(i).satisfaction() == v1::SATISFACTION_UNSATISFIED) {
      return &c.ratings(i);
    }
  }
  return nullptr;
}

std::string QueueMemberOf(const v1::Case& c) {
  return absl::StrCat(c.urgent() ? "0" : "1", c.id());
}

absl::string_view CaseIdOfMember(absl::string_view member) {
  return member.empty() ? member : member.substr(1);
}

AlarmTimes AlarmsOf(const v1::Case& c, const std::set<std::string>& alerts) {
  AlarmTimes out;
  const v1::StageDeadline* d = cases::CurrentDeadline(c);
  if (d == nullptr || c.state() == v1::CASE_STATE_SUSPENDED) return out;
  bool overdue_sent = alerts.count(store::AlertMarker(*d, true)) > 0;
  if (!overdue_sent) {
    out.due_ms = absl::ToUnixMillis(FromTimestamp(d->effective_deadline()));
  }
  if (!overdue_sent && alerts.count(store::AlertMarker(*d, false)) == 0 &&
      d->has_warn_at() &&
      FromTimestamp(d->warn_at()) < FromTimestamp(d->effective_deadline())) {
    out.warn_ms = absl::ToUnixMillis(FromTimestamp(d->warn_at()));
  }
  return out;
}

}  // namespace gridcase::dispatch
