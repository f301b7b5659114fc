// Validation of what reporters send (ReportCase, AddFollowUp). Every error is
// INVALID_ARGUMENT naming the field and the rule; nothing is stored after an
// error. Rules follow Open311 GeoReport v2 where it has them (plain-text
// descriptions of at most 4000 characters) and WeChat's limit of 9 media.
#ifndef GRIDCASE_SERVICES_INTAKE_REPORT_VALIDATION_H_
#define GRIDCASE_SERVICES_INTAKE_REPORT_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/validation/content.h"
#include "google/protobuf/repeated_field.h"
#include "gridcase/v1/intake.pb.h"
#include "gridcase/v1/registry.pb.h"

namespace gridcase::intake {

using validation::kMaxMedia;
using validation::kMaxTextChars;
using validation::ValidateMedia;
using validation::ValidateRequestId;
using validation::ValidateText;
inline constexpr absl::Duration kFutureSkew = absl::Minutes(5);
inline constexpr absl::Duration kMaxAge = absl::Hours(24 * 30);

// Everything of a ReportCaseRequest that needs no registry data.
absl::Status ValidateReport(const v1::ReportCaseRequest& request,
                            absl::Time now);

// An external reference: system 1–32 characters of [A-Za-z0-9_.-], id 1–64
// characters of [A-Za-z0-9_.:/-] (the fields named "external_ref.system"
// and "external_ref.id").
absl::Status ValidateExternalRef(const v1::ExternalRef& ref);

// What the category allows: enabled, and the attributes it defines.
absl::Status ValidateAgainstCategory(const v1::ReportCaseRequest& request,
                                     const v1::Category& category);

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_REPORT_VALIDATION_H_
