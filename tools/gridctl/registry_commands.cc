#include "tools/gridctl/registry_commands.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "tools/gridctl/cli.h"
#include "tools/gridctl/registry_lists.h"

namespace gridcase::gridctl {
namespace {

constexpr char kUsage[] = R"(gridctl registry: reference data.

Usage:
  gridctl registry import FILE.geojson [--validate-only] [--json]
      Import grids (and towns, communities) from a GeoJSON FeatureCollection,
      e.g. a QGIS export. All or nothing; rejected features are listed.
  gridctl registry load DIR [--catalogue=FILE] [--calendar=FILE]
      Load a data directory in order: categories (--catalogue, or
      DIR/catalogue.json), departments.json, duties.json, grids.geojson,
      members.json, rules.json, calendar (--calendar, or DIR/calendar.json).
      Missing files are skipped. Files use the gridcase.v1 JSON mapping, as List*Response.
  gridctl registry locate LATITUDE LONGITUDE [--json]
      The grid, community, town and city of a WGS84 point.
  gridctl registry regions [--level=town] [--parent=CODE] [--json]
  gridctl registry members [--role=grid_manager] [--grid=CODE]
                           [--department=ID] [--json]
  gridctl registry departments|categories [--major=E01]|calendar [--json]
  gridctl registry duties [--group=ag-road-occupation|routine] [--json]
  gridctl registry rules [--category=CODE] [--scope=CODE] [--department=ID]
      The registry's lists, every page.
  gridctl registry audit [--kind=category] [--id=E0101] [--by=SUBJECT]
      [--limit=50] [--json]
      who changed reference data or the routing policy, when, and what
      (newest first; admins only)

Options:
  --target=HOST:PORT  registry address ($GRIDCASE_REGISTRY_TARGET,
                      $GRIDCASE_TARGET, default 127.0.0.1:8080)
  --actor=HEADER      identity, e.g. 'subject=m-admin; roles=admin'
                      ($GRIDCASE_ACTOR)
  --timeout=DURATION  per call (default 30s)
  --json              print the response as JSON
)";

const std::vector<std::string> kOptions = {
    "target",     "actor",    "timeout",  "json",   "help", "validate-only",
    "catalogue",  "calendar", "level",    "parent", "role", "grid",
    "department", "major",    "category", "scope",  "kind", "id",
    "by",         "limit",    "group"};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

template <typename T>
absl::StatusOr<T> ReadJson(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  T message;
  auto status = google::protobuf::util::JsonStringToMessage(text, &message);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", status.ToString()));
  }
  return message;
}

class Registry {
 public:
  explicit Registry(const Invocation& in)
      : in_(in),
        stub_(v1::RegistryService::NewStub(
            Channel(in, "GRIDCASE_REGISTRY_TARGET"))) {}

  template <typename Req, typename Resp>
  absl::Status Call(grpc::Status (v1::RegistryService::Stub::*rpc)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const Req& request, Resp* response) {
    auto context = Context(in_);
    return FromGrpcStatus(
        (stub_.get()->*rpc)(context.get(), request, response));
  }

  // Sends the file through UploadGrids in 1 MiB chunks: files may exceed
  // the 4 MiB message limit of a single ImportGrids request.
  absl::StatusOr<v1::ImportGridsResponse> Import(const std::string& path,
                                                 bool validate_only) {
    constexpr size_t kChunk = size_t{1} << 20;
    ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    auto context = Context(in_);
    v1::UploadGridsResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::UploadGridsRequest>> writer =
        stub_->UploadGrids(context.get(), &response);
    for (size_t at = 0; at == 0 || at < text.size(); at += kChunk) {
      v1::UploadGridsRequest chunk;
      if (at == 0) {
        chunk.set_validate_only(validate_only);
        chunk.set_source_name(path.substr(path.find_last_of('/') + 1));
      }
      chunk.set_geojson_chunk(text.substr(at, kChunk));
      if (!writer->Write(chunk)) break;  // the registry has answered
    }
    writer->WritesDone();
    RETURN_IF_ERROR(FromGrpcStatus(writer->Finish()));
    return response.result();
  }

 private:
  const Invocation& in_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

void PrintImport(const v1::ImportGridsResponse& r) {
  std::printf(
      "registry version %lld: %d features, %d created, %d updated, %d "
      "unchanged; %d grids\n",
      static_cast<long long>(r.registry_version()), r.feature_count(),
      r.created_count(), r.updated_count(), r.unchanged_count(),
      r.grid_count());
  for (const v1::FeatureRejection& x : r.rejections()) {
    std::printf("  feature[%d] %s: %s: %s\n", x.feature_index(),
                x.code().c_str(),
                v1::FeatureRejectionReason_Name(x.reason())
                    .substr(sizeof("FEATURE_REJECTION_REASON_") - 1)
                    .c_str(),
                x.message().c_str());
  }
}

int Import(const Invocation& in) {
  if (in.positional.size() != 1) {
    return Fail(absl::InvalidArgumentError("import: give one FILE.geojson"));
  }
  Registry registry(in);
  absl::StatusOr<v1::ImportGridsResponse> r =
      registry.Import(in.positional[0], in.Has("validate-only"));
  if (!r.ok()) return Fail(r.status());
  if (in.Has("json")) {
    PrintJson(*r);
  } else {
    PrintImport(*r);
  }
  return 0;
}

// Upserts every item of a List*Response file.
template <typename File, typename Req, typename Resp, typename Items,
          typename Set>
absl::Status UpsertAll(Registry& registry, const std::string& path,
                       grpc::Status (v1::RegistryService::Stub::*rpc)(
                           grpc::ClientContext*, const Req&, Resp*),
                       Items items, Set set, const char* what) {
  if (!Exists(path)) return absl::OkStatus();
  ASSIGN_OR_RETURN(File file, ReadJson<File>(path));
  int n = 0;
  for (const auto& item : items(file)) {
    Req request;
    set(request, item);
    Resp response;
    absl::Status s = registry.Call(rpc, request, &response);
    if (!s.ok()) {
      return absl::Status(
          s.code(), absl::StrCat(path, ": ", what, " #", n, ": ", s.message()));
    }
    ++n;
  }
  std::printf("%-12s %5d from %s\n", what, n, path.c_str());
  return absl::OkStatus();
}

absl::Status Load(const Invocation& in) {
  if (in.positional.size() != 1) {
    return absl::InvalidArgumentError("load: give one DIR");
  }
  const std::string dir = in.positional[0];
  Registry registry(in);
  RETURN_IF_ERROR(
      (UpsertAll<v1::ListCategoriesResponse, v1::UpsertCategoryRequest,
                 v1::UpsertCategoryResponse>(
          registry, in.Get("catalogue", nullptr, dir + "/catalogue.json"),
          &v1::RegistryService::Stub::UpsertCategory,
          [](const auto& f) { return f.categories(); },
          [](auto& req, const auto& c) { *req.mutable_category() = c; },
          "categories")));
  RETURN_IF_ERROR(
      (UpsertAll<v1::ListDepartmentsResponse, v1::UpsertDepartmentRequest,
                 v1::UpsertDepartmentResponse>(
          registry, dir + "/departments.json",
          &v1::RegistryService::Stub::UpsertDepartment,
          [](const auto& f) { return f.departments(); },
          [](auto& req, const auto& d) { *req.mutable_department() = d; },
          "departments")));
  if (Exists(dir + "/duties.json")) {
    RETURN_IF_ERROR(
        (UpsertAll<v1::ListDutyItemsResponse, v1::UpsertDutyItemRequest,
                   v1::UpsertDutyItemResponse>(
            registry, dir + "/duties.json",
            &v1::RegistryService::Stub::UpsertDutyItem,
            [](const auto& f) { return f.duties(); },
            [](auto& req, const auto& d) { *req.mutable_duty() = d; },
            "duties")));
  }
  if (Exists(dir + "/grids.geojson")) {
    ASSIGN_OR_RETURN(v1::ImportGridsResponse imported,
                     registry.Import(dir + "/grids.geojson", false));
    std::printf("%-12s %5d from %s/grids.geojson (registry version %lld)\n",
                "regions", imported.feature_count(), dir.c_str(),
                static_cast<long long>(imported.registry_version()));
  }
  RETURN_IF_ERROR((UpsertAll<v1::ListMembersResponse, v1::UpsertMemberRequest,
                             v1::UpsertMemberResponse>(
      registry, dir + "/members.json", &v1::RegistryService::Stub::UpsertMember,
      [](const auto& f) { return f.members(); },
      [](auto& req, const auto& m) { *req.mutable_member() = m; }, "members")));
  RETURN_IF_ERROR((UpsertAll<v1::ListRulesResponse, v1::UpsertRuleRequest,
                             v1::UpsertRuleResponse>(
      registry, dir + "/rules.json", &v1::RegistryService::Stub::UpsertRule,
      [](const auto& f) { return f.rules(); },
      [](auto& req, const auto& r) { *req.mutable_rule() = r; }, "rules")));
  std::string calendar = in.Get("calendar", nullptr, dir + "/calendar.json");
  if (Exists(calendar)) {
    ASSIGN_OR_RETURN(v1::GetCalendarResponse file,
                     ReadJson<v1::GetCalendarResponse>(calendar));
    v1::UpsertCalendarRequest request;
    *request.mutable_calendar() = file.calendar();
    v1::UpsertCalendarResponse response;
    RETURN_IF_ERROR(registry.Call(&v1::RegistryService::Stub::UpsertCalendar,
                                  request, &response));
    std::printf("%-12s %5d years from %s (version %lld)\n", "calendar",
                response.calendar().years_size(), calendar.c_str(),
                static_cast<long long>(response.calendar().version()));
  }
  return absl::OkStatus();
}

int Locate(const Invocation& in) {
  double lat = 0;
  double lng = 0;
  if (in.positional.size() != 2 || !absl::SimpleAtod(in.positional[0], &lat) ||
      !absl::SimpleAtod(in.positional[1], &lng)) {
    return Fail(absl::InvalidArgumentError(
        "locate: give LATITUDE LONGITUDE in WGS84 degrees, e.g. 30.63 120.56"));
  }
  Registry registry(in);
  v1::LocateGridRequest request;
  request.set_latitude(lat);
  request.set_longitude(lng);
  v1::LocateGridResponse response;
  absl::Status s =
      registry.Call(&v1::RegistryService::Stub::LocateGrid, request, &response);
  if (!s.ok()) return Fail(s);
  if (in.Has("json")) {
    PrintJson(response);
    return 0;
  }
  for (const v1::Region* r : {&response.grid(), &response.community(),
                              &response.town(), &response.city()}) {
    std::printf("%-10s %-16s %s\n",
                v1::RegionLevel_Name(r->level()).substr(13).c_str(),
                r->code().c_str(), r->name().c_str());
  }
  return 0;
}

}  // namespace

int RunRegistry(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  absl::StatusOr<Invocation> in =
      Parse(std::vector<std::string>(args.begin() + 1, args.end()), kOptions);
  if (!in.ok()) return Fail(in.status());
  if (in->Has("help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (args[0] == "import") return Import(*in);
  if (args[0] == "locate") return Locate(*in);
  if (IsRegistryList(args[0])) return RunRegistryList(args[0], *in);
  if (args[0] == "load") {
    absl::Status s = Load(*in);
    return s.ok() ? 0 : Fail(s);
  }
  std::fprintf(stderr, "gridctl registry: unknown command '%s'\n\n%s",
               args[0].c_str(), kUsage);
  return 2;
}

}  // namespace gridcase::gridctl
