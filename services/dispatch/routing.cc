#include "services/dispatch/routing.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gridcase::dispatch {
namespace {

std::string ModeName(v1::RoutingMode m) {
  return std::string(
      absl::StripPrefix(v1::RoutingMode_Name(m), "ROUTING_MODE_"));
}

std::string SourceName(v1::Source s) {
  return std::string(absl::StripPrefix(v1::Source_Name(s), "SOURCE_"));
}

bool ValidCode(const std::string& code) {
  if (code.size() < 3 || code.size() > 6) return false;
  if (!absl::ascii_isupper(static_cast<unsigned char>(code[0]))) return false;
  for (size_t i = 1; i < code.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(code[i]))) return false;
  }
  return true;
}

}  // namespace

v1::RoutingPolicy DefaultRoutingPolicy() {
  v1::RoutingPolicy p;
  p.set_default_mode(v1::ROUTING_MODE_MANUAL);
  v1::SourceRouting* s = p.add_sources();
  s->set_source(v1::SOURCE_GRID_PATROL);
  s->set_mode(v1::ROUTING_MODE_AUTO);
  return p;
}

RoutingDecision Decide(const v1::RoutingPolicy& policy, const v1::Case& c) {
  // Rank: 4 full code + source, 3 full code, 2 major + source, 1 major.
  int best = 0;
  v1::RoutingMode mode = v1::ROUTING_MODE_UNSPECIFIED;
  std::string why;
  for (const v1::CategoryRouting& r : policy.categories()) {
    int rank = 0;
    if (r.category_code() == c.category_code()) rank = 3;
    if (r.category_code() == c.category_major_code()) rank = 1;
    if (rank == 0) continue;
    if (r.source() == c.source()) {
      ++rank;
    } else if (r.source() != v1::SOURCE_UNSPECIFIED) {
      continue;
    }
    if (rank > best) {
      best = rank;
      mode = r.mode();
      why = absl::StrCat("for category ", r.category_code(),
                         r.source() == v1::SOURCE_UNSPECIFIED
                             ? ""
                             : absl::StrCat(" from ", SourceName(r.source())));
    }
  }
  if (best == 0) {
    for (const v1::SourceRouting& s : policy.sources()) {
      if (s.source() == c.source()) {
        mode = s.mode();
        why = absl::StrCat("for source ", SourceName(s.source()));
      }
    }
  }
  if (mode == v1::ROUTING_MODE_UNSPECIFIED) {
    mode = policy.default_mode() == v1::ROUTING_MODE_UNSPECIFIED
               ? v1::ROUTING_MODE_MANUAL
               : policy.default_mode();
    why = absl::StrCat("by default (source ", SourceName(c.source()), ")");
  }
  return {mode, absl::StrCat("routing ", ModeName(mode), " ", why)};
}

absl::Status ValidateRoutingPolicy(const v1::RoutingPolicy& p) {
  auto bad_mode = [](v1::RoutingMode m) {
    return m != v1::ROUTING_MODE_AUTO && m != v1::ROUTING_MODE_MANUAL;
  };
  if (bad_mode(p.default_mode())) {
    return absl::InvalidArgumentError(
        "policy.default_mode: must be ROUTING_MODE_AUTO or "
        "ROUTING_MODE_MANUAL");
  }
  std::set<int> sources;
  for (int i = 0; i < p.sources_size(); ++i) {
    const v1::SourceRouting& s = p.sources(i);
    std::string field = absl::StrCat("policy.sources[", i, "]");
    if (s.source() == v1::SOURCE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".source: required"));
    }
    if (bad_mode(s.mode())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".mode: must be AUTO or MANUAL"));
    }
    if (!sources.insert(s.source()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".source: ", SourceName(s.source()), " is listed twice"));
    }
  }
  std::set<std::pair<std::string, int>> cats;
  for (int i = 0; i < p.categories_size(); ++i) {
    const v1::CategoryRouting& c = p.categories(i);
    std::string field = absl::StrCat("policy.categories[", i, "]");
    if (!ValidCode(c.category_code())) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".category_code: '", c.category_code(),
          "' is not a category code (e.g. E0101) or major code (e.g. E01)"));
    }
    if (bad_mode(c.mode())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".mode: must be AUTO or MANUAL"));
    }
    if (!cats.insert({c.category_code(), c.source()}).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": category ", c.category_code(),
                       " with this source is listed twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::dispatch
