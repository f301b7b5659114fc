#include "tests/sample_registry.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"

namespace gridcase::testing {
namespace {

absl::StatusOr<std::string> ReadSourceFile(const std::string& relative) {
  std::string path = absl::StrCat(GRIDCASE_SOURCE_DIR, "/", relative);
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<std::string> SampleGridsGeoJson() {
  return ReadSourceFile("tools/sample-data/tongxiang/grids.geojson");
}

absl::StatusOr<std::vector<v1::Category>> CatalogueCategories(
    const std::vector<std::string>& codes) {
  ASSIGN_OR_RETURN(std::string json,
                   ReadSourceFile("services/registry/data/catalogue.json"));
  v1::ListCategoriesResponse catalogue;
  if (auto s = google::protobuf::util::JsonStringToMessage(json, &catalogue);
      !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("catalogue.json: ", s.ToString()));
  }
  std::vector<v1::Category> out;
  for (const v1::Category& c : catalogue.categories()) {
    if (codes.empty() ||
        std::find(codes.begin(), codes.end(), c.code()) != codes.end()) {
      out.push_back(c);
    }
  }
  if (!codes.empty() && out.size() != codes.size()) {
    return absl::NotFoundError("a requested category is not in catalogue.json");
  }
  return out;
}

absl::Status LoadSampleRegistry(
    v1::RegistryService::Stub& registry,
    const std::vector<v1::Category>& categories,
    const std::function<void(grpc::ClientContext*)>& prepare) {
  {
    v1::ImportGridsRequest request;
    ASSIGN_OR_RETURN(*request.mutable_geojson(), SampleGridsGeoJson());
    grpc::ClientContext context;
    prepare(&context);
    v1::ImportGridsResponse response;
    RETURN_IF_ERROR(
        FromGrpcStatus(registry.ImportGrids(&context, request, &response)));
  }
  for (const v1::Category& category : categories) {
    v1::UpsertCategoryRequest request;
    *request.mutable_category() = category;
    grpc::ClientContext context;
    prepare(&context);
    v1::UpsertCategoryResponse response;
    RETURN_IF_ERROR(
        FromGrpcStatus(registry.UpsertCategory(&context, request, &response)));
  }
  return absl::OkStatus();
}

}  // namespace gridcase::testing
