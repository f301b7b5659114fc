// The authorization table, enforced: every RPC of every gridcase service,
// called as every role on the real services (jwt mode), is denied with
// PERMISSION_DENIED naming the rule exactly when common/auth/policy.cc (and
// docs/security.md, held equal by policy_test) says so. A call with no
// token, or with only the insecure-dev header, is UNAUTHENTICATED.
//
// Requests are empty: a role the table admits gets past the gate and fails
// on the request itself (INVALID_ARGUMENT, NOT_FOUND, ...), never
// PERMISSION_DENIED; a role it refuses never reaches the handler.
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/auth/policy.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "common/testing/test_identity.h"
#include "gmock/gmock.h"
#include "gridcase/v1/dispatch.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "gridcase/v1/registry.pb.h"
#include "gridcase/v1/stats.pb.h"
#include "gtest/gtest.h"

namespace gridcase::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Calls `method` ("/gridcase.v1.X/Y") with an empty request.
grpc::Status CallEmpty(grpc::GenericStub& stub, const std::string& method,
                       const std::function<void(grpc::ClientContext*)>& who) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  who(&context);
  grpc::ByteBuffer request;  // zero bytes: the empty message
  grpc::Slice empty("", 0);
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status;
}

v1::Actor ActorWith(v1::Role role) {
  v1::Actor a;
  a.set_subject(absl::StrCat("authz-", v1::Role_Name(role)));
  a.add_roles(role);
  a.add_grid_codes("330483101002002");
  if (role == v1::ROLE_DEPARTMENT_STAFF) a.set_department_id("sanitation");
  return a;
}

class AuthzProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(registry_,
                         ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                                .redis = redis_->address()}));
    std::string reg = absl::StrCat("--registry=", registry_->target());
    ASSERT_OK_AND_ASSIGN(intake_,
                         ServiceProcess::Start({.binary = GRIDCASE_INTAKE_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = {reg}}));
    ASSERT_OK_AND_ASSIGN(dispatch_,
                         ServiceProcess::Start({.binary = GRIDCASE_DISPATCH_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = {reg}}));
    ASSERT_OK_AND_ASSIGN(stats_,
                         ServiceProcess::Start({.binary = GRIDCASE_STATS_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = {reg}}));
  }

  // The process that serves `service` ("gridcase.v1.X").
  ServiceProcess& ServerOf(const std::string& service) {
    if (service == "gridcase.v1.RegistryService") return *registry_;
    if (service == "gridcase.v1.IntakeService") return *intake_;
    if (service == "gridcase.v1.DispatchService") return *dispatch_;
    return *stats_;
  }

  std::vector<const google::protobuf::ServiceDescriptor*> Services() {
    std::vector<const google::protobuf::ServiceDescriptor*> out;
    for (const google::protobuf::FileDescriptor* file :
         {v1::ImportGridsRequest::descriptor()->file(),
          v1::ReportCaseRequest::descriptor()->file(),
          v1::RegisterCaseRequest::descriptor()->file(),
          v1::SummaryRequest::descriptor()->file()}) {
      for (int s = 0; s < file->service_count(); ++s) {
        out.push_back(file->service(s));
      }
    }
    return out;
  }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> registry_, intake_, dispatch_, stats_;
};

TEST_F(AuthzProcessTest, EveryRpcAsEveryRoleIsAllowedOrDeniedAsTheTableSays) {
  int allowed = 0, denied = 0;
  for (const auto* service : Services()) {
    grpc::GenericStub stub(ServerOf(service->full_name()).NewChannel());
    for (int m = 0; m < service->method_count(); ++m) {
      std::string method =
          absl::StrCat(service->full_name(), "/", service->method(m)->name());
      const auth::MethodPolicy* policy = auth::FindPolicy(method);
      ASSERT_NE(policy, nullptr) << method << " has no row";
      for (v1::Role role : auth::TableRoles()) {
        SCOPED_TRACE(absl::StrCat(method, " as ", v1::Role_Name(role)));
        grpc::Status s = CallEmpty(
            stub, absl::StrCat("/", method),
            [&](grpc::ClientContext* c) { Identify(c, ActorWith(role)); });
        if (policy->ScopeOf(role) == auth::Scope::kDenied) {
          EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << s.error_message();
          EXPECT_THAT(s.error_message(),
                      HasSubstr(absl::StrCat(method, " needs role")));
          ++denied;
        } else {
          EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << s.error_message();
          EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
              << s.error_message();
          EXPECT_NE(s.error_code(), grpc::StatusCode::UNIMPLEMENTED)
              << s.error_message();
          ++allowed;
        }
      }
    }
  }
  EXPECT_EQ(allowed + denied,
            static_cast<int>(auth::Policies().size()) * auth::kRoleCount);
  EXPECT_GT(allowed, 100);
  EXPECT_GT(denied, 100);
}

TEST_F(AuthzProcessTest, NoTokenOrAForgedActorHeaderIsUnauthenticated) {
  for (const auto* service : Services()) {
    grpc::GenericStub stub(ServerOf(service->full_name()).NewChannel());
    for (int m = 0; m < service->method_count(); ++m) {
      std::string method = absl::StrCat("/", service->full_name(), "/",
                                        service->method(m)->name());
      SCOPED_TRACE(method);
      grpc::Status none = CallEmpty(stub, method, [](grpc::ClientContext*) {});
      EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_THAT(none.error_message(), HasSubstr("authorization"));
      grpc::Status forged = CallEmpty(stub, method, [](grpc::ClientContext* c) {
        c->AddMetadata("x-gridcase-actor", "subject=evil; roles=admin");
      });
      EXPECT_EQ(forged.error_code(), grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_THAT(forged.error_message(), Not(HasSubstr("evil")));
    }
  }
}

}  // namespace
}  // namespace gridcase::testing
