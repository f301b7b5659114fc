#include "tools/gridctl/notify_commands.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/time_util.h"
#include "gridcase/v1/notify.grpc.pb.h"
#include "tools/gridctl/cli.h"

namespace gridcase::gridctl {
namespace {

constexpr char kNotifyUsage[] =
    R"(gridctl notify: what gridcase-notify sent (NotifyService).

Usage:
  gridctl notify deliveries --case=CASE_ID | --recipient=KIND:ID
                 [--page-size=N] [--page-token=T] [--json]

One line per delivery (one event, one recipient, one channel), newest
first: when it was created, its status (PENDING, RETRYING, SENT, DEAD),
attempts, channel, recipient, event and the last result (HTTP status or
error). KIND is department, duty_chief, inspector, reporter or follower,
e.g. --recipient=department:works, --recipient=inspector:330483101002002.
Acceptors, dispatchers, duty chiefs and admins see every delivery;
department staff those to their department.

--target / $GRIDCASE_NOTIFY_TARGET, --actor / $GRIDCASE_ACTOR as for every
command.
)";

std::string Short(const std::string& name, absl::string_view prefix) {
  return std::string(absl::StripPrefix(name, prefix));
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return google::protobuf::util::TimeUtil::ToString(t);
}

}  // namespace

absl::StatusOr<v1::Recipient> ParseRecipient(const std::string& text) {
  size_t colon = text.find(':');
  v1::RecipientKind kind = v1::RECIPIENT_KIND_UNSPECIFIED;
  if (colon == std::string::npos || colon + 1 == text.size() ||
      !v1::RecipientKind_Parse(
          absl::StrCat("RECIPIENT_KIND_",
                       absl::AsciiStrToUpper(text.substr(0, colon))),
          &kind) ||
      kind == v1::RECIPIENT_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "--recipient: KIND:ID, KIND one of department, duty_chief, "
        "inspector, reporter, follower (e.g. department:works)");
  }
  v1::Recipient r;
  r.set_kind(kind);
  r.set_id(text.substr(colon + 1));
  return r;
}

int RunNotify(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::fputs(kNotifyUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] != "deliveries") {
    std::fprintf(stderr, "gridctl notify: unknown command '%s'\n\n%s",
                 args[0].c_str(), kNotifyUsage);
    return 2;
  }
  absl::StatusOr<Invocation> in =
      Parse(std::vector<std::string>(args.begin() + 1, args.end()),
            {"target", "actor", "timeout", "json", "help", "case", "recipient",
             "page-size", "page-token"});
  if (!in.ok()) return Fail(in.status());
  if (in->Has("help")) {
    std::fputs(kNotifyUsage, stdout);
    return 0;
  }
  v1::ListDeliveriesRequest req;
  req.set_case_id(in->Get("case", nullptr));
  if (in->Has("recipient")) {
    absl::StatusOr<v1::Recipient> r =
        ParseRecipient(in->Get("recipient", nullptr));
    if (!r.ok()) return Fail(r.status());
    *req.mutable_recipient() = *r;
  }
  if (req.case_id().empty() == !req.has_recipient()) {
    return Fail(absl::InvalidArgumentError(
        "notify deliveries: give --case=CASE_ID or --recipient=KIND:ID"));
  }
  absl::StatusOr<int> page_size = PageSize(*in);
  if (!page_size.ok()) return Fail(page_size.status());
  req.set_page_size(*page_size);
  req.set_page_token(in->Get("page-token", nullptr));
  auto stub =
      v1::NotifyService::NewStub(Channel(*in, "GRIDCASE_NOTIFY_TARGET"));
  auto context = Context(*in);
  v1::ListDeliveriesResponse resp;
  absl::Status s =
      FromGrpcStatus(stub->ListDeliveries(context.get(), req, &resp));
  if (!s.ok()) return Fail(s);
  if (in->Has("json")) {
    PrintJson(resp);
    return 0;
  }
  for (const v1::Delivery& d : resp.deliveries()) {
    std::printf(
        "%-20s %-8s %2d  %-7s %-10s %-24s %-24s %-18s %s\n",
        Time(d.created_at()).c_str(),
        Short(v1::DeliveryStatus_Name(d.status()), "DELIVERY_STATUS_").c_str(),
        d.attempts(),
        Short(v1::NotifyChannel_Name(d.channel()), "NOTIFY_CHANNEL_").c_str(),
        Short(v1::RecipientKind_Name(d.recipient().kind()), "RECIPIENT_KIND_")
            .c_str(),
        d.recipient().id().c_str(), d.case_id().c_str(),
        Short(v1::CaseEventType_Name(d.event_type()), "CASE_EVENT_TYPE_")
            .c_str(),
        d.last_result().c_str());
  }
  PrintNextPage(resp.next_page_token());
  return 0;
}

}  // namespace gridcase::gridctl
