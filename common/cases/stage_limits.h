// The effective time limit of each stage of a case: a responsibility rule's
// override, else the category's limit, else the default (REGISTER and
// DISPATCH: 30 working minutes, 10 for urgent categories; VERIFY and CHECK:
// 60 working minutes; HANDLE is required on every category).
#ifndef GRIDCASE_COMMON_CASES_STAGE_LIMITS_H_
#define GRIDCASE_COMMON_CASES_STAGE_LIMITS_H_

#include <vector>

#include "google/protobuf/repeated_field.h"
#include "gridcase/v1/registry.pb.h"

namespace gridcase::cases {

// All five stages in Stage order. `overrides` may be null.
std::vector<v1::StageLimit> EffectiveLimits(
    const v1::Category& category,
    const google::protobuf::RepeatedPtrField<v1::StageLimit>* overrides);

}  // namespace gridcase::cases

#endif  // GRIDCASE_COMMON_CASES_STAGE_LIMITS_H_
