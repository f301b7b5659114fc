#include "common/registry_client/registry_client.h"

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "common/calendar/calendar_proto.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"

namespace gridcase::registry_client {

absl::Status FromRegistry(const grpc::Status& status, absl::string_view hint) {
  absl::Status s = FromGrpcStatus(status);
  if (s.code() == absl::StatusCode::kUnavailable ||
      s.code() == absl::StatusCode::kDeadlineExceeded) {
    return absl::UnavailableError(
        absl::StrCat("registry unavailable: ", s.message(), hint));
  }
  return s;
}

absl::StatusOr<std::unique_ptr<grpc::ClientContext>> RegistryContext(
    const auth::OutboundIdentity& identity, absl::Duration deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  RETURN_IF_ERROR(identity.Attach(context.get()));
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return context;
}

GrpcRegistryClient::GrpcRegistryClient(
    std::unique_ptr<v1::RegistryService::StubInterface> stub,
    absl::Duration deadline, absl::Duration cache_ttl, const Clock* clock,
    const auth::OutboundIdentity* identity)
    : stub_(std::move(stub)),
      deadline_(deadline),
      cache_ttl_(cache_ttl),
      clock_(clock),
      identity_(identity) {}

template <typename Req, typename Resp>
absl::Status GrpcRegistryClient::Call(
    grpc::Status (v1::RegistryService::StubInterface::*rpc)(
        grpc::ClientContext*, const Req&, Resp*),
    const Req& request, Resp* response) {
  ASSIGN_OR_RETURN(auto context, RegistryContext(*identity_, deadline_));
  return FromRegistry((stub_.get()->*rpc)(context.get(), request, response),
                      "; retry with the same request_id");
}

absl::StatusOr<v1::LocateGridResponse> GrpcRegistryClient::Locate(
    double latitude, double longitude) {
  v1::LocateGridRequest request;
  request.set_latitude(latitude);
  request.set_longitude(longitude);
  v1::LocateGridResponse response;
  RETURN_IF_ERROR(Call(&v1::RegistryService::StubInterface::LocateGrid, request,
                       &response));
  return response;
}

absl::StatusOr<v1::Category> GrpcRegistryClient::GetCategory(
    const std::string& code) {
  absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = categories_.find(code);
    if (it != categories_.end() && now - it->second.first < cache_ttl_) {
      return it->second.second;
    }
  }
  v1::GetCategoryRequest request;
  request.set_code(code);
  v1::GetCategoryResponse response;
  RETURN_IF_ERROR(Call(&v1::RegistryService::StubInterface::GetCategory,
                       request, &response));
  absl::MutexLock lock(&mu_);
  categories_[code] = {now, response.category()};
  return response.category();
}

absl::StatusOr<std::shared_ptr<const calendar::WorkingCalendar>>
RegistryClient::GetWorkingCalendar() {
  ASSIGN_OR_RETURN(v1::WorkingCalendar proto, GetCalendar());
  return calendar::SharedFromProto(proto);
}

absl::StatusOr<v1::WorkingCalendar> GrpcRegistryClient::GetCalendar() {
  absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&mu_);
    if (now - calendar_.first < cache_ttl_) return calendar_.second;
  }
  v1::GetCalendarResponse response;
  RETURN_IF_ERROR(Call(&v1::RegistryService::StubInterface::GetCalendar,
                       v1::GetCalendarRequest(), &response));
  absl::MutexLock lock(&mu_);
  calendar_ = {now, response.calendar()};
  return response.calendar();
}

absl::StatusOr<v1::Region> GrpcRegistryClient::GetRegion(
    const std::string& code) {
  v1::GetRegionRequest request;
  request.set_code(code);
  v1::GetRegionResponse response;
  RETURN_IF_ERROR(
      Call(&v1::RegistryService::StubInterface::GetRegion, request, &response));
  return response.region();
}

absl::StatusOr<v1::ResolveResponsibilityResponse> GrpcRegistryClient::Resolve(
    const std::string& category_code, const std::string& grid_code) {
  v1::ResolveResponsibilityRequest request;
  request.set_category_code(category_code);
  request.set_grid_code(grid_code);
  v1::ResolveResponsibilityResponse response;
  RETURN_IF_ERROR(
      Call(&v1::RegistryService::StubInterface::ResolveResponsibility, request,
           &response));
  return response;
}

absl::StatusOr<v1::Department> GrpcRegistryClient::GetDepartment(
    const std::string& id) {
  v1::GetDepartmentRequest request;
  request.set_id(id);
  v1::GetDepartmentResponse response;
  RETURN_IF_ERROR(Call(&v1::RegistryService::StubInterface::GetDepartment,
                       request, &response));
  return response.department();
}

absl::StatusOr<v1::Member> GrpcRegistryClient::GetMember(
    const std::string& id) {
  v1::GetMemberRequest request;
  request.set_id(id);
  v1::GetMemberResponse response;
  RETURN_IF_ERROR(
      Call(&v1::RegistryService::StubInterface::GetMember, request, &response));
  return response.member();
}

}  // namespace gridcase::registry_client
