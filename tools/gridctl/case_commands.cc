#include "tools/gridctl/case_commands.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "tools/gridctl/case_filter.h"
#include "tools/gridctl/cli.h"
#include "tools/gridctl/export_commands.h"

namespace gridcase::gridctl {
namespace {

constexpr char kReportUsage[] =
    R"(gridctl report: report a problem (IntakeService.ReportCase).

Usage:
  gridctl report --category=CODE --lat=LATITUDE --lng=LONGITUDE
                 --description=TEXT [--source=wechat] [--address=TEXT]
                 [--photo=URI]... [--request-id=ID]
                 [--external-ref=SYSTEM:ID] [--json]

  --source      grid_patrol, citizen_app, wechat (default), hotline, video,
                instruction; the --actor's roles must allow it
  --request-id  idempotency key; default: a random one. Repeat a report with
                the same key to retry it safely.
  --target / $GRIDCASE_INTAKE_TARGET, --actor / $GRIDCASE_ACTOR as for every
  command.
)";

constexpr char kCaseUsage[] = R"(gridctl case: read cases (IntakeService).

Usage:
  gridctl case get CASE_ID [--timeline] [--json]
  gridctl case get --external-ref=SYSTEM:ID [--timeline] [--json]
  gridctl case list [FILTER] [--page-size=N] [--page-token=T] [--json]
  gridctl case export [FILTER] --csv=FILE|--xlsx=FILE [--page-size=N]
      Every case the filter selects, page by page, as CSV (UTF-8 with BOM,
      "-" for stdout) and/or XLSX: states, deadlines and completion of every
      stage, department, closure type and rating; no personal data.
  FILTER: --region=CODE --reporter=ID --category=CODE --state=S[,S...]
          --source=NAME (grid_patrol, wechat, ...) --department=ID
          --period=P (reported: today, yesterday, week, month, YYYY-MM,
          YYYY-MM-DD or FROM..TO, Asia/Shanghai)
  gridctl case nearby LATITUDE LONGITUDE [--radius=METRES] [--json]
  gridctl case watch --case=ID|--reporter=ID|--region=CODE [--count=N]
                     [--resume-token=T] [--timeout=1h] [--json]
      Live events (WatchCases), one line each (--json: one JSON object per
      line), until --count events or --timeout (default 30s).
)";

std::string StateName(v1::CaseState s) {
  return std::string(absl::StripPrefix(v1::CaseState_Name(s), "CASE_STATE_"));
}

void PrintCaseLine(const v1::Case& c) {
  std::printf("%-24s %-11s %-6s %-16s %s\n", c.id().c_str(),
              StateName(c.state()).c_str(), c.category_code().c_str(),
              c.grid_code().c_str(), c.description().c_str());
}

std::unique_ptr<v1::IntakeService::Stub> Stub(const Invocation& in) {
  return v1::IntakeService::NewStub(Channel(in, "GRIDCASE_INTAKE_TARGET"));
}

// --external-ref=SYSTEM:ID, e.g. 12345:GD-20261205-0042 (the id may hold ':').
absl::StatusOr<v1::ExternalRef> ParseExternalRef(const Invocation& in) {
  std::string value = in.Get("external-ref", nullptr);
  std::pair<std::string, std::string> parts =
      absl::StrSplit(value, absl::MaxSplits(':', 1));
  if (parts.first.empty() || parts.second.empty()) {
    return absl::InvalidArgumentError(
        "--external-ref: give SYSTEM:ID, e.g. --external-ref=12345:GD-0042");
  }
  v1::ExternalRef ref;
  ref.set_system(parts.first);
  ref.set_id(parts.second);
  return ref;
}

absl::StatusOr<v1::ReportCaseRequest> BuildReport(const Invocation& in) {
  v1::ReportCaseRequest r;
  r.set_category_code(in.Get("category", nullptr));
  r.set_description(in.Get("description", nullptr));
  double lat = 0;
  double lng = 0;
  if (!absl::SimpleAtod(in.Get("lat", nullptr), &lat) ||
      !absl::SimpleAtod(in.Get("lng", nullptr), &lng)) {
    return absl::InvalidArgumentError(
        "--lat and --lng: give WGS84 degrees, e.g. --lat=30.684 --lng=120.63");
  }
  r.mutable_location()->set_latitude(lat);
  r.mutable_location()->set_longitude(lng);
  r.mutable_location()->set_address(in.Get("address", nullptr));
  std::string source =
      absl::AsciiStrToUpper(in.Get("source", nullptr, "wechat"));
  v1::Source parsed;
  if (!v1::Source_Parse(absl::StrCat("SOURCE_", source), &parsed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--source: unknown source '", source, "'"));
  }
  r.set_source(parsed);
  if (in.Has("photo")) {
    v1::Media* m = r.add_media();
    m->set_kind(v1::MEDIA_KIND_PHOTO);
    m->set_uri(in.Get("photo", nullptr));
  }
  r.set_request_id(RequestId(in));
  if (in.Has("external-ref")) {
    ASSIGN_OR_RETURN(*r.mutable_external_ref(), ParseExternalRef(in));
  }
  return r;
}

}  // namespace

int RunReport(const std::vector<std::string>& args) {
  absl::StatusOr<Invocation> in =
      Parse(args, {"target", "actor", "timeout", "json", "help", "category",
                   "lat", "lng", "description", "source", "address", "photo",
                   "request-id", "external-ref"});
  if (!in.ok()) return Fail(in.status());
  if (in->Has("help") || args.empty()) {
    std::fputs(kReportUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  absl::StatusOr<v1::ReportCaseRequest> request = BuildReport(*in);
  if (!request.ok()) return Fail(request.status());
  auto context = Context(*in);
  v1::ReportCaseResponse response;
  absl::Status s =
      FromGrpcStatus(Stub(*in)->ReportCase(context.get(), *request, &response));
  if (!s.ok()) return Fail(s);
  if (in->Has("json")) {
    PrintJson(response);
    return 0;
  }
  const v1::Case& c = response.case_();
  if (response.outcome() == v1::REPORT_OUTCOME_EXISTING) {
    std::printf("%s %s: the case of %s reference %s, reported before\n",
                c.id().c_str(), StateName(c.state()).c_str(),
                request->external_ref().system().c_str(),
                request->external_ref().id().c_str());
  } else if (response.outcome() == v1::REPORT_OUTCOME_MERGED) {
    std::printf("%s MERGED into %s: already reported by %d people\n",
                c.id().c_str(), response.merged_into_case_id().c_str(),
                response.report_count());
  } else {
    std::printf(
        "%s %s in grid %s (%s), expected by %s%s\n", c.id().c_str(),
        StateName(c.state()).c_str(), c.grid_code().c_str(),
        c.category_name().c_str(),
        absl::FormatTime("%Y-%m-%d %H:%M",
                         absl::FromUnixSeconds(c.expected_at().seconds()),
                         absl::FixedTimeZone(8 * 3600))
            .c_str(),
        response.replayed() ? " (replayed)" : "");
  }
  return 0;
}

namespace {

int Watch(const Invocation& in, v1::IntakeService::Stub* stub,
          grpc::ClientContext* context) {
  v1::WatchCasesRequest request;
  if (in.Has("case")) request.set_case_id(in.Get("case", nullptr));
  if (in.Has("reporter")) request.set_reporter_id(in.Get("reporter", nullptr));
  if (in.Has("region")) request.set_region_code(in.Get("region", nullptr));
  request.set_resume_token(in.Get("resume-token", nullptr));
  int count = 0;
  if (in.Has("count") && !absl::SimpleAtoi(in.Get("count", nullptr), &count)) {
    return Fail(absl::InvalidArgumentError("--count: a number of events"));
  }
  auto reader = stub->WatchCases(context, request);
  v1::WatchCasesResponse message;
  int seen = 0;
  bool live = false;
  while ((count == 0 || seen < count) && reader->Read(&message)) {
    if (!message.has_event()) {  // the live marker, or a heartbeat
      if (!live) std::fprintf(stderr, "watching (live)\n");
      live = true;
      continue;
    }
    ++seen;
    const v1::CaseEvent& e = message.event();
    if (in.Has("json")) {
      PrintJson(message, /*one_line=*/true);
    } else {
      std::printf(
          "%s  %s  %-20s %s\n", e.id().c_str(), e.case_id().c_str(),
          std::string(absl::StripPrefix(v1::CaseEventType_Name(e.type()),
                                        "CASE_EVENT_TYPE_"))
              .c_str(),
          StateName(e.to_state()).c_str());
    }
    std::fflush(stdout);
  }
  if (count > 0 && seen >= count) {
    context->TryCancel();
    return 0;
  }
  absl::Status s = FromGrpcStatus(reader->Finish());
  // The --timeout deadline ends a watch normally.
  if (s.code() == absl::StatusCode::kDeadlineExceeded) return 0;
  return s.ok() ? 0 : Fail(s);
}

}  // namespace

int RunCase(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::fputs(kCaseUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  absl::StatusOr<Invocation> in =
      Parse(std::vector<std::string>(args.begin() + 1, args.end()),
            {"target",       "actor",        "timeout",  "json",       "help",
             "timeline",     "region",       "reporter", "category",   "state",
             "page-size",    "page-token",   "radius",   "case",       "count",
             "resume-token", "external-ref", "source",   "department", "period",
             "csv",          "xlsx"});
  if (!in.ok()) return Fail(in.status());
  auto stub = Stub(*in);
  auto context = Context(*in);
  absl::Status s;
  bool by_ref = in->positional.empty() && in->Has("external-ref");
  if (args[0] == "get" && (in->positional.size() == 1 || by_ref)) {
    v1::GetCaseRequest request;
    if (by_ref) {
      absl::StatusOr<v1::ExternalRef> ref = ParseExternalRef(*in);
      if (!ref.ok()) return Fail(ref.status());
      *request.mutable_external_ref() = *ref;
    } else {
      request.set_case_id(in->positional[0]);
    }
    request.set_include_timeline(in->Has("timeline"));
    v1::GetCaseResponse response;
    s = FromGrpcStatus(stub->GetCase(context.get(), request, &response));
    if (!s.ok()) return Fail(s);
    if (in->Has("json")) {
      PrintJson(response);
      return 0;
    }
    PrintCaseLine(response.case_());
    for (const v1::CaseEvent& e : response.timeline()) {
      std::printf("  %s %-22s %s\n", e.id().c_str(),
                  v1::CaseEventType_Name(e.type()).c_str(), e.note().c_str());
    }
    return 0;
  }
  if (args[0] == "watch") return Watch(*in, stub.get(), context.get());
  if (args[0] == "export") return ExportCases(*in);
  if (args[0] == "list") {
    absl::StatusOr<v1::ListCasesRequest> filter =
        ParseCaseFilter(*in, absl::Now());
    if (!filter.ok()) return Fail(filter.status());
    v1::ListCasesRequest request = *std::move(filter);
    int size = 0;
    (void)absl::SimpleAtoi(in->Get("page-size", nullptr, "0"), &size);
    request.set_page_size(size);
    request.set_page_token(in->Get("page-token", nullptr));
    v1::ListCasesResponse response;
    s = FromGrpcStatus(stub->ListCases(context.get(), request, &response));
    if (!s.ok()) return Fail(s);
    if (in->Has("json")) {
      PrintJson(response);
      return 0;
    }
    for (const v1::Case& c : response.cases()) PrintCaseLine(c);
    if (!response.next_page_token().empty()) {
      std::printf("next page: --page-token=%s\n",
                  response.next_page_token().c_str());
    }
    return 0;
  }
  if (args[0] == "nearby" && in->positional.size() == 2) {
    v1::ListNearbyRequest request;
    double lat = 0;
    double lng = 0;
    int radius = 0;
    if (!absl::SimpleAtod(in->positional[0], &lat) ||
        !absl::SimpleAtod(in->positional[1], &lng)) {
      return Fail(absl::InvalidArgumentError("nearby: LATITUDE LONGITUDE"));
    }
    (void)absl::SimpleAtoi(in->Get("radius", nullptr, "0"), &radius);
    request.mutable_location()->set_latitude(lat);
    request.mutable_location()->set_longitude(lng);
    request.set_radius_m(radius);
    v1::ListNearbyResponse response;
    s = FromGrpcStatus(stub->ListNearby(context.get(), request, &response));
    if (!s.ok()) return Fail(s);
    if (in->Has("json")) {
      PrintJson(response);
      return 0;
    }
    for (const v1::NearbyCase& n : response.cases()) {
      std::printf("%6.0f m  ", n.distance_m());
      PrintCaseLine(n.case_());
    }
    return 0;
  }
  std::fprintf(stderr, "gridctl case: bad arguments\n\n%s", kCaseUsage);
  return 2;
}

}  // namespace gridcase::gridctl
