#include "tests/fault/workflow_load.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/test_identity.h"
#include "gridcase/v1/dispatch.grpc.pb.h"

namespace gridcase::fault {
namespace {

constexpr char kSanitation[] =
    "subject=s-load; roles=department_staff; department=sanitation";
// The inspector of 濮院社区's six grids: a third of the load's points.
constexpr char kInspector[] =
    "subject=gm-inspector; roles=grid_manager; "
    "grids=330483101002001,330483101002002,330483101002003,"
    "330483101002004,330483101002005,330483101002006";

std::unique_ptr<v1::DispatchService::Stub> NewStub(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return v1::DispatchService::NewStub(grpc::CreateCustomChannel(
      target, grpc::InsecureChannelCredentials(), args));
}

// A request for `c` as last seen: its version, and an idempotency key that
// names the step, so that a retry of a call that did go through replays it.
template <typename Req>
Req For(const v1::Case& c, const std::string& step) {
  Req r;
  r.set_case_id(c.id());
  r.set_expected_version(c.version());
  r.set_request_id(absl::StrCat(step, "-", c.id(), "-v", c.version()));
  return r;
}

}  // namespace

WorkflowLoad::WorkflowLoad(Options options) : options_(std::move(options)) {}

WorkflowLoad::~WorkflowLoad() { Stop(); }

void WorkflowLoad::Start() {
  running_ = true;
  threads_.emplace_back([this] { Department(); });
  threads_.emplace_back([this] { Inspector(); });
}

void WorkflowLoad::Stop() {
  running_ = false;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

std::map<std::string, int> WorkflowLoad::outcomes() const {
  absl::MutexLock lock(&mu_);
  return outcomes_;
}

void WorkflowLoad::Note(const std::string& rpc, const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  ++outcomes_[absl::StrCat(
      rpc, " ",
      absl::StatusCodeToString(
          static_cast<absl::StatusCode>(status.error_code())))];
}

void WorkflowLoad::Department() {
  auto stub = NewStub(options_.dispatch_target);
  while (running_) {
    v1::ListQueueRequest list;
    list.set_queue(v1::QUEUE_DEPARTMENT);
    list.set_owner_id("sanitation");
    list.set_page_size(100);
    v1::ListQueueResponse queue;
    {
      grpc::ClientContext context;
      testing::Identify(&context, kSanitation);
      context.set_deadline(
          absl::ToChronoTime(absl::Now() + options_.call_timeout));
      grpc::Status s = stub->ListQueue(&context, list, &queue);
      Note("ListQueue", s);
    }
    for (const v1::QueueItem& item : queue.items()) {
      if (!running_) break;
      const v1::Case& c = item.case_();
      grpc::ClientContext context;
      testing::Identify(&context, kSanitation);
      context.set_deadline(
          absl::ToChronoTime(absl::Now() + options_.call_timeout));
      if (c.state() == v1::CASE_STATE_DISPATCHED) {
        v1::AcknowledgeCaseResponse resp;
        Note("AcknowledgeCase",
             stub->AcknowledgeCase(
                 &context, For<v1::AcknowledgeCaseRequest>(c, "ack"), &resp));
      } else if (c.state() == v1::CASE_STATE_IN_PROGRESS) {
        auto handled = For<v1::SubmitHandlingRequest>(c, "handle");
        handled.set_note("已清运");
        v1::Media* m = handled.add_attachments();
        m->set_kind(v1::MEDIA_KIND_PHOTO);
        m->set_uri("https://oss.example.cn/after.jpg");
        v1::SubmitHandlingResponse resp;
        Note("SubmitHandling", stub->SubmitHandling(&context, handled, &resp));
      }
    }
    absl::SleepFor(options_.round_pause);
  }
}

void WorkflowLoad::Inspector() {
  auto stub = NewStub(options_.dispatch_target);
  while (running_) {
    v1::ListQueueRequest list;
    list.set_queue(v1::QUEUE_VERIFICATION);
    list.set_page_size(100);
    v1::ListQueueResponse queue;
    {
      grpc::ClientContext context;
      testing::Identify(&context, kInspector);
      context.set_deadline(
          absl::ToChronoTime(absl::Now() + options_.call_timeout));
      Note("ListQueue", stub->ListQueue(&context, list, &queue));
    }
    for (const v1::QueueItem& item : queue.items()) {
      if (!running_) break;
      const v1::Case& c = item.case_();
      if (c.state() != v1::CASE_STATE_HANDLED) continue;
      auto verify = For<v1::VerifyCaseRequest>(c, "verify");
      verify.set_passed(c.rework_count() > 0 ||
                        std::hash<std::string>()(c.id()) % 5 != 0);
      verify.set_note(verify.passed() ? "核查通过" : "仍有垃圾");
      grpc::ClientContext context;
      testing::Identify(&context, kInspector);
      context.set_deadline(
          absl::ToChronoTime(absl::Now() + options_.call_timeout));
      v1::VerifyCaseResponse resp;
      Note("VerifyCase", stub->VerifyCase(&context, verify, &resp));
    }
    absl::SleepFor(options_.round_pause);
  }
}

}  // namespace gridcase::fault
