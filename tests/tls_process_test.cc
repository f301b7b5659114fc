// The whole stack with TLS on every gRPC port, once: certificates made by
// `openssl` for this test (a CA, a server certificate for 127.0.0.1, a
// client certificate), mutual TLS required by every service, and the
// services' own calls to the registry over TLS with a client certificate.
// A case is reported, dispatched and read back through TLS, by the C++
// client and by gridctl; a plaintext client and a client without a
// certificate are refused.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <sys/wait.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_identity.h"
#include "gmock/gmock.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/sample_registry.h"

namespace gridcase::testing {
namespace {

using ::testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a command to completion; fails the test if it does not exit 0.
void RunCommand(const std::vector<std::string>& argv, const TempDir& dir) {
  auto p = Subprocess::Spawn({.argv = argv,
                              .stdout_path = dir.File("cmd.out"),
                              .stderr_path = dir.File("cmd.err")});
  ASSERT_TRUE(p.ok()) << p.status();
  absl::StatusOr<int> status = (*p)->Wait(absl::Seconds(60));
  ASSERT_TRUE(status.ok() && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << argv[0] << " " << argv[1] << ": " << Slurp(dir.File("cmd.err"));
}

class TlsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("gridcase-tls"));
    dir_ = std::make_unique<TempDir>(std::move(dir));
    MakeCertificates();
    ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(registry_,
                         ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = TlsArgs()}));
    LoadRegistry();
    std::vector<std::string> args = TlsArgs();
    args.push_back(
        absl::StrCat("--registry=127.0.0.1:", registry_->grpc_port()));
    ASSERT_OK_AND_ASSIGN(intake_,
                         ServiceProcess::Start({.binary = GRIDCASE_INTAKE_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = args}));
    ASSERT_OK_AND_ASSIGN(dispatch_,
                         ServiceProcess::Start({.binary = GRIDCASE_DISPATCH_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = args}));
  }

  std::string Path(const std::string& name) const { return dir_->File(name); }

  void MakeCertificates() {
    auto openssl = [&](std::vector<std::string> args) {
      args.insert(args.begin(), "openssl");
      RunCommand(args, *dir_);
    };
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
             "/CN=gridcase test CA", "-keyout", Path("ca.key"), "-out",
             Path("ca.pem")});
    for (const std::string who : {"server", "client"}) {
      openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
               "-nodes", "-subj", absl::StrCat("/CN=gridcase-", who), "-keyout",
               Path(who + ".key"), "-out", Path(who + ".csr")});
      std::ofstream(Path(who + ".ext"))
          << (who == "server" ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                "extendedKeyUsage=serverAuth\n"
                              : "extendedKeyUsage=clientAuth\n");
      openssl({"x509", "-req", "-in", Path(who + ".csr"), "-CA", Path("ca.pem"),
               "-CAkey", Path("ca.key"), "-CAcreateserial", "-days", "2",
               "-extfile", Path(who + ".ext"), "-out", Path(who + ".pem")});
    }
  }

  // Server TLS with client certificates required; outbound TLS with ours.
  std::vector<std::string> TlsArgs() const {
    return {absl::StrCat("--tls_cert_file=", Path("server.pem")),
            absl::StrCat("--tls_key_file=", Path("server.key")),
            absl::StrCat("--tls_client_ca_file=", Path("ca.pem")),
            absl::StrCat("--tls_ca_file=", Path("ca.pem")),
            absl::StrCat("--tls_client_cert_file=", Path("client.pem")),
            absl::StrCat("--tls_client_key_file=", Path("client.key"))};
  }

  std::shared_ptr<grpc::Channel> Channel(const ServiceProcess& p,
                                         bool with_certificate = true) const {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = Slurp(Path("ca.pem"));
    if (with_certificate) {
      ssl.pem_cert_chain = Slurp(Path("client.pem"));
      ssl.pem_private_key = Slurp(Path("client.key"));
    }
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", p.grpc_port()),
                               grpc::SslCredentials(ssl));
  }

  static void As(grpc::ClientContext* context, const std::string& actor) {
    Identify(context, actor);
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  }

  void LoadRegistry() {
    auto registry = v1::RegistryService::NewStub(Channel(*registry_));
    ASSERT_OK_AND_ASSIGN(std::vector<v1::Category> categories,
                         CatalogueCategories({"E0101"}));
    ASSERT_OK(LoadSampleRegistry(*registry, categories,
                                 [](grpc::ClientContext* context) {
                                   As(context, "subject=m-admin; roles=admin");
                                 }));
    v1::UpsertDepartmentRequest department;
    department.mutable_department()->set_id("sanitation");
    department.mutable_department()->set_name("环卫处");
    department.mutable_department()->set_kind(v1::DEPARTMENT_KIND_DEPARTMENT);
    department.mutable_department()->set_active(true);
    grpc::ClientContext c3;
    As(&c3, "subject=m-admin; roles=admin");
    v1::UpsertDepartmentResponse dept;
    grpc::Status s = registry->UpsertDepartment(&c3, department, &dept);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> registry_, intake_, dispatch_;
};

TEST_F(TlsProcessTest, TheStackWorksOverMutualTls) {
  // Report: intake checks the category and locates the point through the
  // registry, over TLS with its client certificate.
  auto intake = v1::IntakeService::NewStub(Channel(*intake_));
  v1::ReportCaseRequest report;
  report.set_request_id("tls-1");
  report.set_source(v1::SOURCE_WECHAT);
  report.set_category_code("E0101");
  report.set_description("绿化带旁暴露垃圾");
  report.mutable_location()->set_latitude(30.6843);
  report.mutable_location()->set_longitude(120.6283);
  grpc::ClientContext c1;
  As(&c1, "subject=wx-1; roles=citizen");
  v1::ReportCaseResponse reported;
  grpc::Status s = intake->ReportCase(&c1, report, &reported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::string id = reported.case_().id();
  EXPECT_EQ(reported.case_().grid_code(), "330483101002002");

  // Register and dispatch by hand: dispatch asks the registry too.
  auto dispatch = v1::DispatchService::NewStub(Channel(*dispatch_));
  v1::RegisterCaseRequest reg;
  reg.set_case_id(id);
  grpc::ClientContext c2;
  As(&c2, "subject=acc-1; roles=acceptor");
  v1::RegisterCaseResponse registered;
  s = dispatch->RegisterCase(&c2, reg, &registered);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::DispatchCaseRequest send;
  send.set_case_id(id);
  send.set_department_id("sanitation");
  grpc::ClientContext c3;
  As(&c3, "subject=dsp-1; roles=dispatcher");
  v1::DispatchCaseResponse sent;
  s = dispatch->DispatchCase(&c3, send, &sent);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(sent.case_().department_name(), "环卫处");

  // gridctl reads it over TLS, with its own client certificate.
  auto dir = TempDir::Create();
  ASSERT_OK(dir.status());
  auto p = Subprocess::Spawn(
      {.argv = {GRIDCASE_GRIDCTL_BIN, "case", "get", id,
                absl::StrCat("--target=127.0.0.1:", intake_->grpc_port()),
                absl::StrCat("--tls_ca=", Path("ca.pem")),
                absl::StrCat("--tls_cert=", Path("client.pem")),
                absl::StrCat("--tls_key=", Path("client.key")),
                absl::StrCat("--token=",
                             TokenFor("subject=m-1; roles=dispatcher"))},
       .stdout_path = dir->File("out"),
       .stderr_path = dir->File("err")});
  ASSERT_OK(p.status());
  ASSERT_OK_AND_ASSIGN(int status, (*p)->Wait(absl::Seconds(30)));
  EXPECT_EQ(WEXITSTATUS(status), 0) << Slurp(dir->File("err"));
  EXPECT_THAT(Slurp(dir->File("out")), HasSubstr(id));
  EXPECT_THAT(Slurp(dir->File("out")), HasSubstr("DISPATCHED"));
}

TEST_F(TlsProcessTest, PlaintextAndCertificatelessClientsAreRefused) {
  for (auto channel :
       {grpc::CreateChannel(absl::StrCat("127.0.0.1:", intake_->grpc_port()),
                            grpc::InsecureChannelCredentials()),
        Channel(*intake_, /*with_certificate=*/false)}) {
    auto intake = v1::IntakeService::NewStub(channel);
    grpc::ClientContext context;
    As(&context, "subject=wx-1; roles=citizen");
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(3)));
    v1::GetCaseRequest req;
    req.set_case_id("330483-20261204-000001");
    v1::GetCaseResponse resp;
    grpc::Status s = intake->GetCase(&context, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE)
        << s.error_message();
  }
}

}  // namespace
}  // namespace gridcase::testing
