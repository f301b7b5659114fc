#include "common/cases/stage_limits.h"

namespace gridcase::cases {
namespace {

const v1::TimeLimit* FindLimit(
    const google::protobuf::RepeatedPtrField<v1::StageLimit>& limits,
    v1::Stage stage) {
  for (const v1::StageLimit& l : limits) {
    if (l.stage() == stage) return &l.limit();
  }
  return nullptr;
}

}  // namespace

std::vector<v1::StageLimit> EffectiveLimits(
    const v1::Category& category,
    const google::protobuf::RepeatedPtrField<v1::StageLimit>* overrides) {
  std::vector<v1::StageLimit> out;
  for (v1::Stage stage :
       {v1::STAGE_REGISTER, v1::STAGE_DISPATCH, v1::STAGE_HANDLE,
        v1::STAGE_VERIFY, v1::STAGE_CHECK}) {
    v1::StageLimit l;
    l.set_stage(stage);
    const v1::TimeLimit* chosen =
        overrides != nullptr ? FindLimit(*overrides, stage) : nullptr;
    if (chosen == nullptr) chosen = FindLimit(category.limits(), stage);
    if (chosen != nullptr) {
      *l.mutable_limit() = *chosen;
    } else {
      l.mutable_limit()->set_unit(v1::TIME_UNIT_WORKING_MINUTES);
      l.mutable_limit()->set_amount(
          stage == v1::STAGE_VERIFY || stage == v1::STAGE_CHECK ? 60
          : category.urgent()                                   ? 10
                                                                : 30);
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace gridcase::cases
