// RegistryServiceImpl::ImportGrids and UploadGrids: validate a GeoJSON
// FeatureCollection, then store every changed region and bump the registry
// version in one compare-and-set, or store nothing. UploadGrids brings the
// text in chunks, for files above the message limit.
#include <google/protobuf/struct.pb.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_record.h"
#include "common/auth/roles.h"
#include "common/auth/serve.h"
#include "common/clock/timestamp.h"
#include "common/geo/geojson_import.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"
#include "services/registry/registry_service.h"

namespace gridcase::registry {
namespace {

constexpr int kMaxSourceName = 200;
constexpr int kImportAttempts = 3;

v1::Region ToRegion(const geo::ImportedRegion& imported) {
  v1::Region region;
  region.set_code(imported.code);
  region.set_name(imported.name);
  region.set_level(imported.level);
  region.set_parent_code(imported.parent_code);
  region.set_geometry_geojson(imported.geometry_geojson);
  if (imported.centroid.has_value()) {
    *region.mutable_centroid() = *imported.centroid;
  }
  return region;
}

bool SameContent(const v1::Region& a, const v1::Region& b) {
  return a.name() == b.name() && a.level() == b.level() &&
         a.parent_code() == b.parent_code() &&
         a.geometry_geojson() == b.geometry_geojson();
}

}  // namespace

absl::StatusOr<v1::ImportGridsRequest> ReadUpload(
    grpc::ServerReaderInterface<v1::UploadGridsRequest>* reader,
    size_t max_bytes) {
  v1::ImportGridsRequest request;
  v1::UploadGridsRequest message;
  for (bool first = true; reader->Read(&message); first = false) {
    if (first) {
      request.set_validate_only(message.validate_only());
      request.set_source_name(message.source_name());
    } else if (message.validate_only() || !message.source_name().empty()) {
      return absl::InvalidArgumentError(
          "validate_only, source_name: set them in the first message only");
    }
    if (request.geojson().size() + message.geojson_chunk().size() > max_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("geojson_chunk: the GeoJSON text exceeds ",
                       max_bytes >> 20, " MiB; split the file"));
    }
    request.mutable_geojson()->append(message.geojson_chunk());
  }
  return request;
}

grpc::Status RegistryServiceImpl::UploadGrids(
    grpc::ServerContext* context,
    grpc::ServerReader<v1::UploadGridsRequest>* reader,
    v1::UploadGridsResponse* response) {
  // ServeAs checks the caller before the first chunk is read. The chunks
  // have no enum or timestamp fields for it to check.
  return auth::ServeAs(
      context, *authenticator_, "gridcase.v1.RegistryService/UploadGrids",
      v1::UploadGridsRequest::default_instance(),
      [&](const v1::Actor& actor) -> absl::Status {
        ASSIGN_OR_RETURN(v1::ImportGridsRequest request, ReadUpload(reader));
        return DoImportGrids(actor, request, response->mutable_result());
      });
}

absl::Status RegistryServiceImpl::DoImportGrids(
    const v1::Actor& actor, const v1::ImportGridsRequest& req,
    v1::ImportGridsResponse* resp) {
  if (req.source_name().size() > kMaxSourceName) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source_name: must be at most ", kMaxSourceName, " characters"));
  }
  for (int attempt = 1;; ++attempt) {
    // Validate against the latest stored registry, not a stale snapshot.
    absl::Status refreshed = snapshots_->RefreshIfChanged();
    if (!refreshed.ok()) {
      metrics_->imports_failed.Increment();
      return refreshed;
    }
    auto snapshot = snapshots_->Get();
    absl::StatusOr<geo::ImportPlan> plan = geo::ParseFeatureCollection(
        req.geojson(),
        [&](const std::string& code) -> std::optional<v1::RegionLevel> {
          const v1::Region* r = snapshot->FindRegion(code);
          if (r == nullptr) return std::nullopt;
          return r->level();
        });
    if (!plan.ok()) {
      metrics_->imports_rejected.Increment();
      return plan.status();
    }
    resp->Clear();
    resp->set_feature_count(plan->feature_count);
    resp->set_registry_version(snapshot->versions().registry);
    if (!plan->ok() && !req.validate_only()) {
      metrics_->imports_rejected.Increment();
      return absl::InvalidArgumentError(
          absl::StrCat("geojson: ", plan->rejections.size(),
                       " feature(s) rejected, nothing imported: ",
                       geo::FormatRejections(plan->rejections)));
    }

    int64_t next_version = snapshot->versions().registry + 1;
    absl::Time now = clock_->Now();
    std::vector<v1::Region> changed;
    int new_grids = 0;
    for (const geo::ImportedRegion& imported : plan->regions) {
      v1::Region region = ToRegion(imported);
      const v1::Region* old = snapshot->FindRegion(region.code());
      if (old != nullptr && SameContent(*old, region)) {
        resp->set_unchanged_count(resp->unchanged_count() + 1);
        continue;
      }
      if (old == nullptr) {
        resp->set_created_count(resp->created_count() + 1);
        new_grids += region.level() == v1::REGION_LEVEL_GRID;
      } else {
        resp->set_updated_count(resp->updated_count() + 1);
      }
      region.set_registry_version(next_version);
      *region.mutable_updated_at() = ToTimestamp(now);
      changed.push_back(std::move(region));
    }
    resp->set_grid_count(snapshot->grid_count() + new_grids);

    if (req.validate_only()) {
      for (v1::FeatureRejection& r : plan->rejections) {
        *resp->add_rejections() = std::move(r);
      }
      metrics_->imports_validated.Increment();
      return absl::OkStatus();
    }
    if (changed.empty()) {
      metrics_->imports_unchanged.Increment();
      return absl::OkStatus();
    }
    // The audit shows what the import did, not its geometry.
    google::protobuf::Struct summary;
    auto& fields = *summary.mutable_fields();
    fields["source_name"].set_string_value(req.source_name());
    fields["created"].set_number_value(resp->created_count());
    fields["updated"].set_number_value(resp->updated_count());
    fields["unchanged"].set_number_value(resp->unchanged_count());
    fields["grid_count"].set_number_value(resp->grid_count());
    fields["registry_version"].set_number_value(
        static_cast<double>(snapshot->versions().registry + 1));
    std::optional<v1::AuditRecord> record =
        audit::Describe(actor, now, "ImportGrids", "grids", req.source_name(),
                        nullptr, &summary);
    absl::StatusOr<int64_t> version = store_->ImportRegions(
        snapshot->versions().registry, changed, now,
        record.has_value() ? record->SerializeAsString() : "");
    if (version.status().code() == absl::StatusCode::kAborted &&
        attempt < kImportAttempts) {
      continue;  // another import won the race: validate again on top of it
    }
    if (!version.ok()) {
      metrics_->imports_failed.Increment();
      return version.status();
    }
    metrics_->imports_imported.Increment();
    resp->set_registry_version(*version);
    log::Info("grids imported", {{"subject", actor.subject()},
                                 {"source_name", req.source_name()},
                                 {"registry_version", *version},
                                 {"created", resp->created_count()},
                                 {"updated", resp->updated_count()},
                                 {"unchanged", resp->unchanged_count()}});
    // Serve it here at once; other replicas pick it up by polling.
    RETURN_IF_ERROR(snapshots_->Reload());
    resp->set_grid_count(snapshots_->Get()->grid_count());
    return absl::OkStatus();
  }
}

}  // namespace gridcase::registry
