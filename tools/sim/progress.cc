#include "tools/sim/progress.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace gridcase::sim {
namespace {

int Count(const Tally& t, v1::CaseState s) {
  auto it = t.states.find(s);
  return it == t.states.end() ? 0 : it->second;
}

std::string States(const Tally& t) {
  std::string out;
  for (const auto& [state, n] : t.states) {
    absl::StrAppend(&out, out.empty() ? "" : " ",
                    absl::AsciiStrToLower(absl::StripPrefix(
                        v1::CaseState_Name(state), "CASE_STATE_")),
                    " ", n);
  }
  return out.empty() ? "no cases yet" : out;
}

std::string Paths(const Tally& t) {
  return absl::StrFormat(
      "late %d · returned %d · reworked %d · extended %d · supervised %d",
      t.red, t.returned, t.reworked, t.extended, t.supervised);
}

}  // namespace

std::string ProgressLine(const Tally& t, absl::Duration elapsed,
                         std::optional<double> on_time_close_rate) {
  double secs = std::max(absl::ToDoubleSeconds(elapsed), 0.001);
  std::string line = absl::StrFormat(
      "[%4.0fs] %d reports %.1f/s · %d calls %.0f/s | %s | %s", secs, t.reports,
      t.reports / secs, t.calls, t.calls / secs, States(t), Paths(t));
  if (on_time_close_rate.has_value()) {
    absl::StrAppendFormat(&line, " | 按期结案率 today %.1f%%",
                          100 * *on_time_close_rate);
  }
  return line;
}

bool ReachedEveryPath(const Tally& t) {
  return Count(t, v1::CASE_STATE_CLOSED) > 0 && t.reworked > 0 &&
         t.returned > 0 && t.extended > 0 && t.red > 0 &&
         Count(t, v1::CASE_STATE_MERGED) > 0;
}

std::string Summary(const Tally& t, absl::Duration elapsed) {
  std::string out = absl::StrFormat(
      "Simulated day done in %.0f s: %d reports, %d calls (%d lost races "
      "retried, %d errors).\n",
      absl::ToDoubleSeconds(elapsed), t.reports, t.calls, t.conflicts,
      t.errors);
  absl::StrAppend(&out, "  cases by state: ", States(t), "\n");
  absl::StrAppend(&out, "  paths:          ", Paths(t), "\n");
  absl::StrAppendFormat(&out,
                        "  ratings:        %d given (满意度 and callbacks), %d "
                        "unsatisfied, %d reopened by the duty chief\n",
                        t.ratings, t.unsatisfied, t.complaint_reopened);
  absl::StrAppendFormat(
      &out, "  on-site checks: %d (核实 before registration)\n", t.checks);
  absl::StrAppendFormat(&out,
                        "  staff merges:   %d (合并: the same problem "
                        "reported under another category)\n",
                        t.staff_merges);
  auto mark = [](bool ok) { return ok ? "yes" : "NO"; };
  absl::StrAppendFormat(
      &out,
      "  reached:        closed %s · reworked %s · returned %s · extended %s "
      "· overdue %s · merged %s · voided %s\n",
      mark(Count(t, v1::CASE_STATE_CLOSED) > 0), mark(t.reworked > 0),
      mark(t.returned > 0), mark(t.extended > 0), mark(t.red > 0),
      mark(Count(t, v1::CASE_STATE_MERGED) > 0),
      mark(Count(t, v1::CASE_STATE_VOIDED) > 0));
  for (const auto& [path, id] : t.examples) {
    absl::StrAppendFormat(&out, "  a %-9s case: %s\n", path, id);
  }
  if (t.open > 0) {
    absl::StrAppendFormat(&out,
                          "  still open:     %d (left for the next day, as "
                          "in a real centre)\n",
                          t.open);
  }
  return out;
}

}  // namespace gridcase::sim
