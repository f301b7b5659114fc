#include "tools/gridctl/registry_lists.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/status/grpc_status.h"
#include "gridcase/v1/registry.grpc.pb.h"

namespace gridcase::gridctl {
namespace {

using Stub = v1::RegistryService::Stub;

// Calls a List RPC until the last page, appending every page's items to
// `all` (a List*Response used as the collection).
template <typename Req, typename Resp, typename Append>
absl::Status AllPages(const Invocation& in,
                      grpc::Status (Stub::*rpc)(grpc::ClientContext*,
                                                const Req&, Resp*),
                      Req req, Resp* all, Append append) {
  auto stub =
      v1::RegistryService::NewStub(Channel(in, "GRIDCASE_REGISTRY_TARGET"));
  do {
    Resp page;
    auto context = Context(in);
    absl::Status s = FromGrpcStatus(((*stub).*rpc)(context.get(), req, &page));
    if (!s.ok()) return s;
    append(page, all);
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return absl::OkStatus();
}

std::string Roles(const v1::Member& m) {
  std::vector<std::string> out;
  for (int r : m.roles()) {
    out.push_back(absl::AsciiStrToLower(
        absl::StripPrefix(v1::Role_Name(static_cast<v1::Role>(r)), "ROLE_")));
  }
  return absl::StrJoin(out, ",");
}

}  // namespace

bool IsRegistryList(const std::string& what) {
  return what == "regions" || what == "members" || what == "departments" ||
         what == "categories" || what == "duties" || what == "rules" ||
         what == "calendar" || what == "audit";
}

int RunRegistryList(const std::string& what, const Invocation& in) {
  absl::Status s;
  if (what == "regions") {
    v1::ListRegionsRequest req;
    req.set_parent_code(in.Get("parent", nullptr));
    std::string level = absl::AsciiStrToUpper(in.Get("level", nullptr));
    v1::RegionLevel parsed = v1::REGION_LEVEL_UNSPECIFIED;
    if (!level.empty() &&
        !v1::RegionLevel_Parse(absl::StrCat("REGION_LEVEL_", level), &parsed)) {
      return Fail(
          absl::InvalidArgumentError("--level: city, town, community or grid"));
    }
    req.set_level(parsed);
    req.set_page_size(1000);
    v1::ListRegionsResponse all;
    s = AllPages(in, &Stub::ListRegions, req, &all, [](auto& p, auto* a) {
      for (auto& r : *p.mutable_regions()) *a->add_regions() = std::move(r);
    });
    if (s.ok() && !in.Has("json")) {
      for (const v1::Region& r : all.regions()) {
        std::printf("%-16s %s %s\n", r.code().c_str(),
                    Pad(absl::AsciiStrToLower(absl::StripPrefix(
                            v1::RegionLevel_Name(r.level()), "REGION_LEVEL_")),
                        10)
                        .c_str(),
                    r.name().c_str());
      }
    }
    if (s.ok() && in.Has("json")) PrintJson(all);
  } else if (what == "members") {
    v1::ListMembersRequest req;
    req.set_grid_code(in.Get("grid", nullptr));
    req.set_department_id(in.Get("department", nullptr));
    std::string role = absl::AsciiStrToUpper(in.Get("role", nullptr));
    v1::Role parsed = v1::ROLE_UNSPECIFIED;
    if (!role.empty() &&
        !v1::Role_Parse(absl::StrCat("ROLE_", role), &parsed)) {
      return Fail(absl::InvalidArgumentError(
          "--role: grid_manager, acceptor, dispatcher, duty_chief, "
          "department_staff, admin"));
    }
    req.set_role(parsed);
    req.set_page_size(500);
    v1::ListMembersResponse all;
    s = AllPages(in, &Stub::ListMembers, req, &all, [](auto& p, auto* a) {
      for (auto& m : *p.mutable_members()) *a->add_members() = std::move(m);
    });
    if (s.ok() && !in.Has("json")) {
      for (const v1::Member& m : all.members()) {
        std::printf("%-16s %s %-28s %s\n", m.id().c_str(),
                    Pad(m.name(), 10).c_str(), Roles(m).c_str(),
                    !m.department_id().empty()
                        ? m.department_id().c_str()
                        : absl::StrJoin(m.grid_codes(), ",").c_str());
      }
    }
    if (s.ok() && in.Has("json")) PrintJson(all);
  } else if (what == "departments") {
    v1::ListDepartmentsRequest req;
    req.set_page_size(1000);
    v1::ListDepartmentsResponse all;
    s = AllPages(in, &Stub::ListDepartments, req, &all, [](auto& p, auto* a) {
      for (auto& d : *p.mutable_departments()) {
        *a->add_departments() = std::move(d);
      }
    });
    if (s.ok() && !in.Has("json")) {
      for (const v1::Department& d : all.departments()) {
        std::printf("%-20s %s\n", d.id().c_str(), d.name().c_str());
      }
    }
    if (s.ok() && in.Has("json")) PrintJson(all);
  } else if (what == "categories") {
    v1::ListCategoriesRequest req;
    req.set_major_code(in.Get("major", nullptr));
    req.set_page_size(1000);
    v1::ListCategoriesResponse all;
    s = AllPages(in, &Stub::ListCategories, req, &all, [](auto& p, auto* a) {
      for (auto& c : *p.mutable_categories()) {
        *a->add_categories() = std::move(c);
      }
    });
    if (s.ok() && !in.Has("json")) {
      for (const v1::Category& c : all.categories()) {
        std::printf("%-8s %s %s\n", c.code().c_str(),
                    Pad(c.major_name(), 10).c_str(), c.name().c_str());
      }
    }
    if (s.ok() && in.Has("json")) PrintJson(all);
  } else if (what == "duties") {
    v1::ListDutyItemsRequest req;
    req.set_group_id(in.Get("group", nullptr));
    req.set_page_size(1000);
    v1::ListDutyItemsResponse all;
    s = AllPages(in, &Stub::ListDutyItems, req, &all, [](auto& p, auto* a) {
      for (auto& d : *p.mutable_duties()) *a->add_duties() = std::move(d);
    });
    if (s.ok() && !in.Has("json")) {
      for (const v1::DutyItem& d : all.duties()) {
        std::printf("%-8s %-22s %s %s\n", d.code().c_str(),
                    d.group_id().empty() ? "routine" : d.group_id().c_str(),
                    Pad(d.name(), 20).c_str(),
                    absl::StrJoin(d.category_codes(), ",").c_str());
      }
    }
    if (s.ok() && in.Has("json")) PrintJson(all);
  } else if (what == "rules") {
    v1::ListRulesRequest req;
    req.set_category_code(in.Get("category", nullptr));
    req.set_scope_code(in.Get("scope", nullptr));
    req.set_department_id(in.Get("department", nullptr));
    req.set_page_size(1000);
    v1::ListRulesResponse all;
    s = AllPages(in, &Stub::ListRules, req, &all, [](auto& p, auto* a) {
      for (auto& r : *p.mutable_rules()) *a->add_rules() = std::move(r);
    });
    if (s.ok() && !in.Has("json")) {
      for (const v1::Rule& r : all.rules()) {
        std::printf("%-24s %-8s %-16s → %s\n", r.id().c_str(),
                    r.category_code().c_str(), r.scope_code().c_str(),
                    r.department_id().c_str());
      }
    }
    if (s.ok() && in.Has("json")) PrintJson(all);
  } else if (what == "audit") {
    v1::ListAuditRecordsRequest req;
    req.set_object_kind(in.Get("kind", nullptr));
    req.set_object_id(in.Get("id", nullptr));
    req.set_actor_subject(in.Get("by", nullptr));
    int limit = 50;
    if (in.Has("limit") &&
        (!absl::SimpleAtoi(in.Get("limit", nullptr), &limit) || limit < 1)) {
      return Fail(absl::InvalidArgumentError(
          "--limit: must be a positive number of records"));
    }
    req.set_page_size(std::min(limit, 500));
    v1::ListAuditRecordsResponse all;
    auto stub =
        v1::RegistryService::NewStub(Channel(in, "GRIDCASE_REGISTRY_TARGET"));
    while (s.ok() && all.records_size() < limit) {
      v1::ListAuditRecordsResponse page;
      auto context = Context(in);
      s = FromGrpcStatus(stub->ListAuditRecords(context.get(), req, &page));
      for (auto& r : *page.mutable_records()) {
        if (all.records_size() < limit) *all.add_records() = std::move(r);
      }
      if (page.next_page_token().empty()) break;
      req.set_page_token(page.next_page_token());
    }
    if (s.ok() && in.Has("json")) PrintJson(all);
    if (s.ok() && !in.Has("json")) {
      for (const v1::AuditRecord& r : all.records()) {
        std::string when = absl::FormatTime(
            "%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(r.time().seconds()),
            absl::FixedTimeZone(8 * 3600));
        std::printf("%s  %-16s %-20s %-14s %-12s %s\n", when.c_str(),
                    r.actor().subject().c_str(), r.action().c_str(),
                    r.object_kind().c_str(), r.object_id().c_str(),
                    absl::StrJoin(r.changed_fields(), ",").c_str());
      }
    }
  } else if (what == "calendar") {
    auto stub =
        v1::RegistryService::NewStub(Channel(in, "GRIDCASE_REGISTRY_TARGET"));
    auto context = Context(in);
    v1::GetCalendarResponse resp;
    s = FromGrpcStatus(
        stub->GetCalendar(context.get(), v1::GetCalendarRequest(), &resp));
    if (s.ok() && in.Has("json")) PrintJson(resp);
    if (s.ok() && !in.Has("json")) {
      const v1::WorkingCalendar& c = resp.calendar();
      std::printf("time zone  %s (version %lld)\n", c.time_zone().c_str(),
                  static_cast<long long>(c.version()));
      std::printf("years      %d with holidays and make-up working days\n",
                  c.years_size());
    }
  }
  return s.ok() ? 0 : Fail(s);
}

}  // namespace gridcase::gridctl
