#include "tests/fault/census.h"

#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace gridcase::fault {
namespace {

constexpr char kMarkerPrefix[] = " marker=";
constexpr size_t kExamplesPerKind = 5;

void Example(Census* c, std::map<std::string, size_t>* per_kind,
             const std::string& kind, const std::string& text) {
  if ((*per_kind)[kind]++ < kExamplesPerKind) {
    c->examples.push_back(absl::StrCat(kind, ": ", text));
  }
}

std::string ByPhase(const std::map<int, int>& counts,
                    const std::vector<std::string>& phases) {
  std::vector<std::string> parts;
  for (const auto& [phase, n] : counts) {
    const std::string name =
        phase >= 0 && phase < static_cast<int>(phases.size())
            ? phases[phase]
            : absl::StrCat("phase ", phase);
    parts.push_back(absl::StrCat(name, ": ", n));
  }
  return parts.empty() ? ""
                       : absl::StrCat("  (", absl::StrJoin(parts, "; "), ")");
}

}  // namespace

std::string DescriptionWithMarker(absl::string_view marker) {
  return absl::StrCat("绿化带旁暴露垃圾", kMarkerPrefix, marker);
}

std::string MarkerOf(absl::string_view description) {
  size_t at = description.rfind(kMarkerPrefix);
  if (at == absl::string_view::npos) return "";
  return std::string(description.substr(at + sizeof(kMarkerPrefix) - 1));
}

Census Count(const std::vector<Acked>& acked,
             const std::vector<StoredCase>& cases,
             const RestoreWindow& window) {
  Census c;
  std::map<std::string, size_t> per_kind;
  absl::flat_hash_map<std::string, const StoredCase*> by_id;
  absl::flat_hash_map<std::string, std::vector<const StoredCase*>> by_marker;
  for (const StoredCase& s : cases) {
    by_id[s.id] = &s;
    if (!s.marker.empty()) by_marker[s.marker].push_back(&s);
  }
  absl::flat_hash_map<std::string, const Acked*> ack_of_marker;
  for (const Acked& a : acked) ack_of_marker[a.request_id] = &a;

  c.acknowledged = static_cast<int>(acked.size());
  for (const Acked& a : acked) {
    auto stored = by_id.find(a.case_id);
    bool present = stored != by_id.end();
    if (present && stored->second->marker == a.request_id) {
      ++c.found;
      continue;
    }
    std::string where =
        present ? absl::StrCat("holds ", stored->second->marker.empty()
                                             ? "no marker"
                                             : stored->second->marker)
                : "is not stored";
    std::string text = absl::StrCat(a.request_id, " acknowledged as ",
                                    a.case_id, ", which ", where);
    if (window.Contains(a.at)) {
      ++c.lost_to_restore;
      ++c.lost_to_restore_by_phase[a.phase];
      Example(&c, &per_kind, "lost to the restore window", text);
    } else {
      ++c.lost;
      ++c.lost_by_phase[a.phase];
      Example(&c, &per_kind, "lost", text);
    }
    if (present && !stored->second->marker.empty()) {
      ++c.reissued;
      ++c.reissued_by_phase[a.phase];
      Example(&c, &per_kind, "re-issued", text);
    }
  }

  c.stored = static_cast<int>(cases.size());
  for (const auto& [marker, holders] : by_marker) {
    if (holders.size() > 1) {
      ++c.duplicated;
      std::vector<std::string> ids;
      for (const StoredCase* s : holders) ids.push_back(s->id);
      Example(&c, &per_kind, "duplicated",
              absl::StrCat(marker, " is in ", absl::StrJoin(ids, ", ")));
    }
  }
  for (const StoredCase& s : cases) {
    auto ack = ack_of_marker.find(s.marker);
    if (ack == ack_of_marker.end()) ++c.stored_unacknowledged;
    if (s.state == v1::CASE_STATE_MERGED) ++c.merged;
    bool stuck =
        s.source == v1::SOURCE_GRID_PATROL &&
        (s.state == v1::CASE_STATE_REPORTED ||
         (s.state == v1::CASE_STATE_REGISTERED && s.department_id.empty()));
    if (stuck) {
      ++c.stuck;
      ++c.stuck_by_phase[ack != ack_of_marker.end() ? ack->second->phase : -1];
      Example(&c, &per_kind, "stuck",
              absl::StrCat(s.id, " (", s.marker, ") is ",
                           v1::CaseState_Name(s.state)));
    }
  }
  return c;
}

void PrintCensus(const Census& c, const std::vector<std::string>& phases,
                 absl::string_view appendfsync, std::ostream& out) {
  auto line = [&](absl::string_view label, int n,
                  const std::map<int, int>* by_phase = nullptr) {
    out << absl::StrFormat("%-58s %6d", label, n)
        << (by_phase != nullptr ? ByPhase(*by_phase, phases) : "") << "\n";
  };
  line("reports acknowledged", c.acknowledged);
  line("  found (its case holds its marker)", c.found);
  line("  lost", c.lost, &c.lost_by_phase);
  line(absl::StrCat("  lost to the restore window (appendfsync ", appendfsync,
                    ")"),
       c.lost_to_restore, &c.lost_to_restore_by_phase);
  line("  duplicated (a marker in more than one case)", c.duplicated);
  line("ids re-issued (its case holds another report's marker)", c.reissued,
       &c.reissued_by_phase);
  line("cases stuck (patrol, auto-dispatchable, not dispatched)", c.stuck,
       &c.stuck_by_phase);
  line("cases stored", c.stored);
  line("  stored but never acknowledged", c.stored_unacknowledged);
  line("  merged as duplicates of a nearby case", c.merged);
  for (const std::string& e : c.examples) out << "  e.g. " << e << "\n";
}

}  // namespace gridcase::fault
