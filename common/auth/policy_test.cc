#include "common/auth/policy.h"

#include <google/protobuf/descriptor.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gridcase/v1/dispatch.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "gridcase/v1/notify.pb.h"
#include "gridcase/v1/patrol.pb.h"
#include "gridcase/v1/registry.pb.h"
#include "gridcase/v1/stats.pb.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

v1::Actor As(v1::Role role) {
  v1::Actor a;
  a.set_subject("x-1");
  a.add_roles(role);
  return a;
}

// "gridcase.v1.X/Y" for every method of every service in the gridcase
// protos, from the compiled descriptors.
std::set<std::string> DeclaredMethods() {
  std::set<std::string> methods;
  for (const google::protobuf::FileDescriptor* file :
       {v1::ImportGridsRequest::descriptor()->file(),
        v1::ReportCaseRequest::descriptor()->file(),
        v1::RegisterCaseRequest::descriptor()->file(),
        v1::SummaryRequest::descriptor()->file(),
        v1::ListDeliveriesRequest::descriptor()->file(),
        v1::StartPatrolRequest::descriptor()->file()}) {
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.insert(absl::StrCat(service->full_name(), "/",
                                    service->method(m)->name()));
      }
    }
  }
  return methods;
}

TEST(Policy, EveryDeclaredMethodHasExactlyOneRowAndNoRowIsStale) {
  std::set<std::string> declared = DeclaredMethods();
  ASSERT_GE(declared.size(), 50u);
  std::set<std::string> rows;
  for (const MethodPolicy& p : Policies()) {
    EXPECT_TRUE(rows.insert(p.method).second) << "two rows for " << p.method;
    EXPECT_TRUE(declared.count(p.method)) << "stale row " << p.method;
  }
  for (const std::string& m : declared) {
    EXPECT_TRUE(rows.count(m)) << m << " has no row in the authorization table";
  }
}

TEST(Policy, EveryRowAllowsSomebodyAndNoCitizenIsEverCentreWide) {
  for (const MethodPolicy& p : Policies()) {
    EXPECT_FALSE(AllowedRoles(p.method).empty()) << p.method;
    Scope citizen = p.ScopeOf(v1::ROLE_CITIZEN);
    EXPECT_TRUE(citizen == Scope::kDenied || citizen == Scope::kSelf ||
                citizen == Scope::kOwnOrPublic ||
                p.method.find("RegistryService") != std::string::npos)
        << p.method << ": citizens act only on their own cases or read "
        << "public reference data";
  }
}

// The table in docs/security.md, rows "| `X/Y` | cell | ... |" under a
// header naming the roles in TableRoles() order.
std::map<std::string, std::vector<std::string>> DocumentedTable() {
  std::ifstream in(std::string(GRIDCASE_SOURCE_DIR) + "/docs/security.md");
  std::map<std::string, std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!absl::StartsWith(line, "| `")) continue;
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    // "", " `Service/Method` ", cells..., ""
    if (cells.size() != kRoleCount + 3) continue;
    std::string method(absl::StripAsciiWhitespace(cells[1]));
    method = absl::StrCat(
        "gridcase.v1.", absl::StripSuffix(absl::StripPrefix(method, "`"), "`"));
    std::vector<std::string> scopes;
    for (int i = 2; i < kRoleCount + 2; ++i) {
      scopes.emplace_back(absl::StripAsciiWhitespace(cells[i]));
    }
    rows[method] = scopes;
  }
  return rows;
}

TEST(Policy, DocsSecurityTableIsTheCodeTable) {
  std::map<std::string, std::vector<std::string>> documented =
      DocumentedTable();
  EXPECT_EQ(documented.size(), Policies().size())
      << "docs/security.md has a different number of RPC rows";
  for (const MethodPolicy& p : Policies()) {
    auto it = documented.find(p.method);
    if (it == documented.end()) {
      ADD_FAILURE() << p.method << " is missing from docs/security.md";
      continue;
    }
    for (int i = 0; i < kRoleCount; ++i) {
      EXPECT_EQ(it->second[i], ScopeLabel(p.scopes[i]))
          << p.method << " as " << v1::Role_Name(TableRoles()[i]);
    }
  }
}

TEST(Authorize, DenialNamesTheMethodTheRolesAndTheCaller) {
  EXPECT_THAT(
      Authorize(As(v1::ROLE_CITIZEN), "gridcase.v1.DispatchService/VoidCase"),
      StatusIs(absl::StatusCode::kPermissionDenied,
               "gridcase.v1.DispatchService/VoidCase needs role ACCEPTOR, "
               "DISPATCHER or DUTY_CHIEF; caller x-1 has CITIZEN "
               "(docs/security.md)"));
  EXPECT_OK(
      Authorize(As(v1::ROLE_ACCEPTOR), "gridcase.v1.DispatchService/VoidCase"));
}

TEST(Authorize, AnUnknownMethodIsDeniedToEverybody) {
  for (v1::Role role : TableRoles()) {
    EXPECT_THAT(Authorize(As(role), "gridcase.v1.IntakeService/DeleteCase"),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         HasSubstr("has no row in the authorization table")));
  }
}

TEST(Authorize, AnActorWithoutRolesIsDenied) {
  v1::Actor nobody;
  nobody.set_subject("n");
  EXPECT_THAT(
      Authorize(nobody, "gridcase.v1.RegistryService/GetRegion"),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("has no role")));
}

TEST(ScopeFor, TheWidestScopeOfTheActorsRolesWins) {
  v1::Actor both = As(v1::ROLE_GRID_MANAGER);
  both.add_roles(v1::ROLE_DUTY_CHIEF);
  EXPECT_EQ(ScopeFor(both, "gridcase.v1.DispatchService/VerifyCase"),
            Scope::kAll);
  EXPECT_EQ(ScopeFor(As(v1::ROLE_GRID_MANAGER),
                     "gridcase.v1.DispatchService/VerifyCase"),
            Scope::kOwnGrids);
  EXPECT_EQ(ScopeFor(As(v1::ROLE_CITIZEN), "gridcase.v1.IntakeService/GetCase"),
            Scope::kOwnOrPublic);
  EXPECT_EQ(ScopeFor(As(v1::ROLE_CITIZEN), "gridcase.v1.StatsService/Summary"),
            Scope::kDenied);
}

}  // namespace
}  // namespace gridcase::auth
