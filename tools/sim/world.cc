#include "tools/sim/world.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"
#include "common/auth/client_identity.h"
#include "common/status/grpc_status.h"
#include "gridcase/v1/registry.grpc.pb.h"

namespace gridcase::sim {
namespace {

using Stub = v1::RegistryService::Stub;

// Calls a List RPC page by page, handing every page to `take`.
template <typename Req, typename Resp, typename Take>
absl::Status EachPage(Stub& stub, const v1::Actor& caller,
                      grpc::Status (Stub::*rpc)(grpc::ClientContext*,
                                                const Req&, Resp*),
                      Req req, Take take) {
  do {
    auto context = CallAs(caller, absl::Seconds(30));
    Resp page;
    absl::Status s = FromGrpcStatus((stub.*rpc)(context.get(), req, &page));
    if (!s.ok()) return s;
    take(page);
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return absl::OkStatus();
}

bool Has(const v1::Member& m, v1::Role role) {
  return std::find(m.roles().begin(), m.roles().end(), role) != m.roles().end();
}

v1::Actor ActorOf(const v1::Member& m, v1::Role role) {
  v1::Actor a;
  a.set_subject(m.id());
  a.add_roles(role);
  if (role == v1::ROLE_GRID_MANAGER) *a.mutable_grid_codes() = m.grid_codes();
  if (role == v1::ROLE_DEPARTMENT_STAFF) a.set_department_id(m.department_id());
  return a;
}

// A value that satisfies a required attribute's datatype.
std::string SampleValue(const v1::AttributeDefinition& d) {
  if (!d.values().empty()) return d.values(0).key();
  switch (d.datatype()) {
    case v1::ATTRIBUTE_DATATYPE_NUMBER:
      return "1";
    case v1::ATTRIBUTE_DATATYPE_DATETIME:
      return "2026-01-01T08:00:00Z";
    default:
      return "sim";
  }
}

// The identity every call of this process carries (header until set).
std::unique_ptr<auth::ClientIdentity>& Identity() {
  static auto* identity = new std::unique_ptr<auth::ClientIdentity>();
  return *identity;
}

}  // namespace

absl::Status UseIdentityFromEnvironment() {
  absl::StatusOr<std::unique_ptr<auth::ClientIdentity>> identity =
      auth::ClientIdentity::FromEnvironment();
  if (!identity.ok()) return identity.status();
  Identity() = *std::move(identity);
  return absl::OkStatus();
}

std::unique_ptr<grpc::ClientContext> CallAs(const v1::Actor& as,
                                            absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (Identity() == nullptr) Identity() = auth::ClientIdentity::Header();
  // A failure to mint leaves the call without identity; the service then
  // answers UNAUTHENTICATED, which the simulation reports like any error.
  Identity()->Attach(context.get(), as).IgnoreError();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

const v1::Actor& World::Inspector(const Grid& grid) const {
  auto it = grid_managers.find(grid.manager);
  return it == grid_managers.end() ? duty_chief : it->second;
}

const Grid* World::FindGrid(const std::string& code) const {
  for (const Grid& g : grids) {
    if (g.code == code) return &g;
  }
  return nullptr;
}

absl::StatusOr<World> LoadWorld(const std::shared_ptr<grpc::Channel>& channel,
                                const v1::Actor& caller) {
  auto stub = v1::RegistryService::NewStub(channel);
  World w;
  v1::ListRegionsRequest regions;
  regions.set_page_size(1000);
  std::map<std::string, std::string> town_of_community;
  absl::Status s =
      EachPage(*stub, caller, &Stub::ListRegions, regions,
               [&](const v1::ListRegionsResponse& page) {
                 for (const v1::Region& r : page.regions()) {
                   if (r.level() == v1::REGION_LEVEL_TOWN) {
                     w.towns.push_back({r.code(), r.name()});
                   } else if (r.level() == v1::REGION_LEVEL_COMMUNITY) {
                     town_of_community[r.code()] = r.parent_code();
                   } else if (r.level() == v1::REGION_LEVEL_GRID) {
                     // The community for now; its town once every region is
                     // read.
                     w.grids.push_back({r.code(), r.parent_code(),
                                        r.centroid().latitude(),
                                        r.centroid().longitude(), ""});
                   }
                 }
               });
  if (!s.ok()) return s;

  v1::ListMembersRequest members;
  members.set_page_size(1000);
  std::map<std::string, std::string> manager_of;  // grid -> member
  s = EachPage(
      *stub, caller, &Stub::ListMembers, members,
      [&](const v1::ListMembersResponse& page) {
        for (const v1::Member& m : page.members()) {
          if (Has(m, v1::ROLE_GRID_MANAGER)) {
            w.grid_managers[m.id()] = ActorOf(m, v1::ROLE_GRID_MANAGER);
            for (const std::string& g : m.grid_codes()) {
              manager_of.emplace(g, m.id());
            }
          }
          if (Has(m, v1::ROLE_DEPARTMENT_STAFF) && !m.department_id().empty()) {
            w.staff.emplace(m.department_id(),
                            ActorOf(m, v1::ROLE_DEPARTMENT_STAFF));
          }
          if (Has(m, v1::ROLE_DISPATCHER) && w.dispatcher.subject().empty()) {
            w.dispatcher = ActorOf(m, v1::ROLE_DISPATCHER);
          }
          if (Has(m, v1::ROLE_DUTY_CHIEF) && w.duty_chief.subject().empty()) {
            w.duty_chief = ActorOf(m, v1::ROLE_DUTY_CHIEF);
          }
        }
      });
  if (!s.ok()) return s;
  // Keep the grids whose centre lies inside them (not in a hole, not in a
  // neighbour): reports there locate as planned.
  std::vector<Grid> usable;
  for (Grid& g : w.grids) {
    auto context = CallAs(caller, absl::Seconds(10));
    v1::LocateGridRequest req;
    req.set_latitude(g.lat);
    req.set_longitude(g.lng);
    v1::LocateGridResponse resp;
    absl::Status located =
        FromGrpcStatus(stub->LocateGrid(context.get(), req, &resp));
    if (!located.ok() && !absl::IsNotFound(located)) return located;
    if (located.ok() && resp.grid().code() == g.code) usable.push_back(g);
  }
  w.grids = std::move(usable);
  for (Grid& g : w.grids) {
    g.town = town_of_community[g.town];
    auto it = manager_of.find(g.code);
    if (it != manager_of.end()) g.manager = it->second;
  }

  v1::ListDepartmentsRequest departments;
  departments.set_page_size(1000);
  s = EachPage(*stub, caller, &Stub::ListDepartments, departments,
               [&](const v1::ListDepartmentsResponse& page) {
                 for (const v1::Department& d : page.departments()) {
                   if (d.active()) w.departments[d.id()] = d.name();
                 }
               });
  if (!s.ok()) return s;

  v1::ListCategoriesRequest categories;
  categories.set_page_size(1000);
  s = EachPage(*stub, caller, &Stub::ListCategories, categories,
               [&](const v1::ListCategoriesResponse& page) {
                 for (const v1::Category& c : page.categories()) {
                   if (!c.enabled()) continue;
                   Category out{c.code(), c.name(), {}};
                   for (const v1::AttributeDefinition& d : c.attributes()) {
                     if (d.required()) out.required[d.code()] = SampleValue(d);
                   }
                   w.categories[c.code()] = std::move(out);
                 }
               });
  if (!s.ok()) return s;

  // Only active departments get cases: a department without staff here
  // would leave its cases unworked, so the dispatcher avoids it.
  for (auto it = w.staff.begin(); it != w.staff.end();) {
    it = w.departments.count(it->first) ? std::next(it) : w.staff.erase(it);
  }
  if (w.towns.empty() || w.grids.empty()) {
    return absl::FailedPreconditionError(
        "registry: no towns or grids; load a registry first (gridctl "
        "registry load tools/sample-data/tongxiang ...)");
  }
  if (w.dispatcher.subject().empty() || w.duty_chief.subject().empty()) {
    return absl::FailedPreconditionError(
        "registry: the simulation needs a DISPATCHER and a DUTY_CHIEF member");
  }
  if (w.categories.empty()) {
    return absl::FailedPreconditionError("registry: no enabled categories");
  }
  return w;
}

}  // namespace gridcase::sim
