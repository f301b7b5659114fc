#include "tools/sim/ledger.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace gridcase::sim {

bool IsFinal(v1::CaseState s) {
  return s == v1::CASE_STATE_CLOSED || s == v1::CASE_STATE_VOIDED ||
         s == v1::CASE_STATE_MERGED;
}

void Ledger::Add(const std::string& case_id, Track track) {
  absl::MutexLock lock(&mu_);
  cases_.emplace(case_id, std::move(track));
}

void Ledger::CountReport() {
  absl::MutexLock lock(&mu_);
  ++reports_;
}

bool Ledger::With(const std::string& case_id,
                  const std::function<void(Track&)>& f) {
  absl::MutexLock lock(&mu_);
  auto it = cases_.find(case_id);
  if (it == cases_.end()) return false;
  f(it->second);
  return true;
}

std::vector<std::string> Ledger::CasesWhere(
    const std::function<bool(const Track&)>& pred) const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [id, t] : cases_) {
    if (pred(t)) out.push_back(id);
  }
  return out;
}

std::optional<std::string> Ledger::CaseOfReport(int index) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [id, t] : cases_) {
    if (t.report == index) return id;
  }
  return std::nullopt;
}

void Ledger::Observe(const v1::Case& c) {
  absl::MutexLock lock(&mu_);
  auto it = cases_.find(c.id());
  if (it == cases_.end()) return;
  Track& t = it->second;
  if (c.version() < t.version) return;
  t.version = c.version();
  t.state = c.state();
  t.returned |= c.return_count() > 0;
  t.reworked |= c.rework_count() > 0;
  t.extended |= c.extension_count() > 0;
  t.supervised |= c.supervised();
  t.red |= c.light() == v1::TRAFFIC_LIGHT_RED ||
           c.closure_type() == v1::CLOSURE_TYPE_OVERDUE;
}

void Ledger::CountCall(const absl::Status& status, const std::string& what) {
  absl::MutexLock lock(&mu_);
  ++calls_;
  if (status.ok()) return;
  if (absl::IsFailedPrecondition(status) || absl::IsAborted(status)) {
    ++conflicts_;  // someone else moved the case first: the next pass sees it
    return;
  }
  ++error_count_;
  if (errors_.size() < 10) {
    errors_.push_back(absl::StrCat(what, ": ", status.ToString()));
  }
}

Tally Ledger::Snapshot() const {
  absl::MutexLock lock(&mu_);
  Tally t;
  t.reports = reports_;
  t.calls = calls_;
  t.conflicts = conflicts_;
  t.errors = error_count_;
  for (const auto& [id, c] : cases_) {
    ++t.states[c.state];
    t.returned += c.returned;
    t.reworked += c.reworked;
    t.extended += c.extended;
    t.red += c.red;
    t.supervised += c.supervised;
    t.ratings += c.ratings;
    t.unsatisfied += c.unsatisfied;
    t.complaint_reopened += c.complaint_reopened;
    t.checks += c.check_asked;
    t.staff_merges += c.staff_merged;
    t.open += !IsFinal(c.state);
    const std::pair<const char*, bool> paths[] = {
        {"reworked", c.reworked},
        {"returned", c.returned},
        {"extended", c.extended},
        {"late", c.red},
        {"reopened", c.complaint_reopened},
        {"merged", c.state == v1::CASE_STATE_MERGED && !c.staff_merged},
        {"staff-merged", c.staff_merged}};
    for (const auto& [path, taken] : paths) {
      if (taken) t.examples.emplace(path, id);
    }
  }
  return t;
}

std::vector<std::string> Ledger::Errors() const {
  absl::MutexLock lock(&mu_);
  return errors_;
}

}  // namespace gridcase::sim
