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
#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/auth/policy.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_identity.h"
#include "gmock/gmock.h"
#include "gridcase/v1/dispatch.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "gridcase/v1/notify.pb.h"
#include "gridcase/v1/patrol.pb.h"
#include "gridcase/v1/registry.pb.h"
#include "gridcase/v1/stats.pb.h"
#include "gtest/gtest.h"

namespace gridcase::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Calls `method` ("/gridcase.v1.X/Y") with the encoded request `body`.
grpc::Status CallWith(grpc::GenericStub& stub, const std::string& method,
                      const std::string& body,
                      const std::function<void(grpc::ClientContext*)>& who) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  who(&context);
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1);
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

// Calls `method` with an empty request.
grpc::Status CallEmpty(grpc::GenericStub& stub, const std::string& method,
                       const std::function<void(grpc::ClientContext*)>& who) {
  return CallWith(stub, method, "", who);
}

// Every enum field reachable from `type` (through singular and repeated
// message fields, google.protobuf types and cycles excluded): the chain of
// fields from the top.
using FieldChain = std::vector<const google::protobuf::FieldDescriptor*>;
void EnumFields(const google::protobuf::Descriptor* type, FieldChain* chain,
                std::vector<FieldChain>* out) {
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = type->field(i);
    if (f->is_map()) continue;
    if (f->enum_type() != nullptr) {
      chain->push_back(f);
      out->push_back(*chain);
      chain->pop_back();
    } else if (f->message_type() != nullptr &&
               !absl::StartsWith(f->message_type()->full_name(),
                                 "google.protobuf.")) {
      bool cycle = f->message_type() == type;
      for (const auto* up : *chain)
        cycle |= up->message_type() == f->message_type();
      if (cycle || chain->size() >= 4) continue;
      chain->push_back(f);
      EnumFields(f->message_type(), chain, out);
      chain->pop_back();
    }
  }
}

// A request of `type` whose field at the end of `chain` holds `value` (one
// element of each repeated field on the way), and the field's path as the
// services name it ("filter.states[0]").
std::pair<std::string, std::string> RequestWith(
    const google::protobuf::Descriptor* type, const FieldChain& chain,
    int value) {
  std::unique_ptr<google::protobuf::Message> root(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(type)
          ->New());
  google::protobuf::Message* m = root.get();
  std::string path;
  for (size_t i = 0; i < chain.size(); ++i) {
    const google::protobuf::FieldDescriptor* f = chain[i];
    const google::protobuf::Reflection* r = m->GetReflection();
    absl::StrAppend(&path, path.empty() ? "" : ".", f->name(),
                    f->is_repeated() ? "[0]" : "");
    if (i + 1 < chain.size()) {
      m = f->is_repeated() ? r->AddMessage(m, f) : r->MutableMessage(m, f);
    } else if (f->is_repeated()) {
      r->AddEnumValue(m, f, value);
    } else {
      r->SetEnumValue(m, f, value);
    }
  }
  return {root->SerializeAsString(), path};
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
    // Intake asks the registry on every report here (not its own copy of
    // the registry data), so that ErrorsAtTheEdgeAreClearAndSafe can take
    // the registry away under it.
    ASSERT_OK_AND_ASSIGN(
        intake_, ServiceProcess::Start(
                     {.binary = GRIDCASE_INTAKE_BIN,
                      .redis = redis_->address(),
                      .extra_args = {reg, "--registry_replica=false"}}));
    ASSERT_OK_AND_ASSIGN(dispatch_,
                         ServiceProcess::Start({.binary = GRIDCASE_DISPATCH_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = {reg}}));
    ASSERT_OK_AND_ASSIGN(stats_,
                         ServiceProcess::Start({.binary = GRIDCASE_STATS_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = {reg}}));
    ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
    notify_dir_ = std::make_unique<TempDir>(std::move(dir));
    std::ofstream(notify_dir_->File("secret"))
        << "authz-test-secret-0123456789";
    ASSERT_OK_AND_ASSIGN(
        notify_,
        ServiceProcess::Start({.binary = GRIDCASE_NOTIFY_BIN,
                               .redis = redis_->address(),
                               .extra_args = {"--webhook_secret_file=" +
                                              notify_dir_->File("secret")}}));
  }

  // The process that serves `service` ("gridcase.v1.X").
  ServiceProcess& ServerOf(const std::string& service) {
    if (service == "gridcase.v1.RegistryService") return *registry_;
    if (service == "gridcase.v1.IntakeService" ||
        service == "gridcase.v1.PatrolService") {
      return *intake_;
    }
    if (service == "gridcase.v1.DispatchService") return *dispatch_;
    if (service == "gridcase.v1.NotifyService") return *notify_;
    return *stats_;
  }

  std::vector<const google::protobuf::ServiceDescriptor*> Services() {
    std::vector<const google::protobuf::ServiceDescriptor*> out;
    for (const google::protobuf::FileDescriptor* file :
         {v1::ImportGridsRequest::descriptor()->file(),
          v1::ReportCaseRequest::descriptor()->file(),
          v1::RegisterCaseRequest::descriptor()->file(),
          v1::SummaryRequest::descriptor()->file(),
          v1::ListDeliveriesRequest::descriptor()->file(),
          v1::StartPatrolRequest::descriptor()->file()}) {
      for (int s = 0; s < file->service_count(); ++s) {
        out.push_back(file->service(s));
      }
    }
    return out;
  }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<TempDir> notify_dir_;
  std::unique_ptr<ServiceProcess> registry_, intake_, dispatch_, stats_,
      notify_;
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

// Every enum field of every request message, set to a number the contract
// does not define, is INVALID_ARGUMENT naming the field, whichever RPC it
// reaches (as a role the table admits to it).
TEST_F(AuthzProcessTest, EveryEnumFieldOfEveryRequestRefusesUnknownValues) {
  int checked = 0;
  for (const auto* service : Services()) {
    grpc::GenericStub stub(ServerOf(service->full_name()).NewChannel());
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      std::string name =
          absl::StrCat(service->full_name(), "/", method->name());
      const auth::MethodPolicy* policy = auth::FindPolicy(name);
      ASSERT_NE(policy, nullptr) << name;
      v1::Role role = v1::ROLE_UNSPECIFIED;
      for (v1::Role r : auth::TableRoles()) {
        if (policy->ScopeOf(r) != auth::Scope::kDenied) {
          role = r;
          break;
        }
      }
      ASSERT_NE(role, v1::ROLE_UNSPECIFIED) << name << " admits nobody";
      FieldChain chain;
      std::vector<FieldChain> fields;
      EnumFields(method->input_type(), &chain, &fields);
      for (const FieldChain& field : fields) {
        const google::protobuf::EnumDescriptor* e = field.back()->enum_type();
        int undefined = e->value(e->value_count() - 1)->number() + 1000;
        auto [body, path] = RequestWith(method->input_type(), field, undefined);
        SCOPED_TRACE(absl::StrCat(name, " ", path));
        grpc::Status s = CallWith(
            stub, absl::StrCat("/", name), body,
            [&](grpc::ClientContext* c) { Identify(c, ActorWith(role)); });
        EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
            << s.error_message();
        EXPECT_THAT(s.error_message(),
                    HasSubstr(absl::StrCat(path, ": ", undefined, " is not a ",
                                           e->full_name(), " value")));
        ++checked;
      }
    }
  }
  std::cout << checked << " enum fields checked\n";
  EXPECT_GT(checked, 40);
}

// The rest of the edge: a request that does not decode (invalid UTF-8 in a
// string) is INVALID_ARGUMENT, not an INTERNAL without a message; an error
// never echoes an oversized input whole, nor names an internal address.
TEST_F(AuthzProcessTest, ErrorsAtTheEdgeAreClearAndSafe) {
  auto as = [](v1::Role role) {
    return [role](grpc::ClientContext* c) { Identify(c, ActorWith(role)); };
  };
  grpc::GenericStub intake(intake_->NewChannel());
  v1::ReportCaseRequest report;
  report.set_request_id("r-utf8");
  report.set_description("\xff\xfe broken");
  grpc::Status utf8 =
      CallWith(intake, "/gridcase.v1.IntakeService/ReportCase",
               report.SerializeAsString(), as(v1::ROLE_CITIZEN));
  EXPECT_EQ(utf8.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(utf8.error_message(), HasSubstr("not valid UTF-8"));

  v1::GetCaseRequest get;
  get.set_case_id(std::string(5000, '7'));
  grpc::Status long_id =
      CallWith(intake, "/gridcase.v1.IntakeService/GetCase",
               get.SerializeAsString(), as(v1::ROLE_CITIZEN));
  EXPECT_EQ(long_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(long_id.error_message().size(), 600u);
  // GetCase runs on the callback API; its undecodable requests read the same.
  get.set_case_id("\xff\xfe");
  grpc::Status get_utf8 =
      CallWith(intake, "/gridcase.v1.IntakeService/GetCase",
               get.SerializeAsString(), as(v1::ROLE_CITIZEN));
  EXPECT_EQ(get_utf8.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(get_utf8.error_message(), HasSubstr("not valid UTF-8"));

  grpc::GenericStub dispatch(dispatch_->NewChannel());
  v1::ListQueueRequest queue;
  queue.set_queue(v1::QUEUE_REVIEW);
  queue.set_region_code("abc");
  grpc::Status region =
      CallWith(dispatch, "/gridcase.v1.DispatchService/ListQueue",
               queue.SerializeAsString(), as(v1::ROLE_DISPATCHER));
  EXPECT_EQ(region.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(region.error_message(), HasSubstr("region_code: must be"));

  v1::ListCasesRequest reversed;
  reversed.mutable_reported()->mutable_start()->set_seconds(1782784800);
  reversed.mutable_reported()->mutable_end()->set_seconds(1782700000);
  grpc::Status range =
      CallWith(intake, "/gridcase.v1.IntakeService/ListCases",
               reversed.SerializeAsString(), as(v1::ROLE_DUTY_CHIEF));
  EXPECT_EQ(range.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(range.error_message(),
              HasSubstr("reported: end must be after start"));

  // The registry gone: intake's answer says so without its address.
  std::string registry_port = absl::StrCat(registry_->grpc_port());
  registry_.reset();
  v1::ReportCaseRequest valid;
  valid.set_request_id("r-down");
  valid.set_source(v1::SOURCE_WECHAT);
  valid.set_category_code("E0101");
  valid.set_description("绿化带旁暴露垃圾");
  valid.mutable_location()->set_latitude(30.6843);
  valid.mutable_location()->set_longitude(120.6283);
  grpc::Status down = CallWith(intake, "/gridcase.v1.IntakeService/ReportCase",
                               valid.SerializeAsString(), as(v1::ROLE_CITIZEN));
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE)
      << down.error_message();
  EXPECT_THAT(down.error_message(), Not(HasSubstr("127.0.0.1")));
  EXPECT_THAT(down.error_message(), Not(HasSubstr(registry_port)));
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
