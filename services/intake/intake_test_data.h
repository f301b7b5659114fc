// Requests and categories shared by intake's tests.
#ifndef GRIDCASE_SERVICES_INTAKE_INTAKE_TEST_DATA_H_
#define GRIDCASE_SERVICES_INTAKE_INTAKE_TEST_DATA_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "gridcase/v1/intake.pb.h"
#include "gridcase/v1/registry.pb.h"

namespace gridcase::intake::testdata {

// A valid WeChat report of exposed garbage (E0102) in Puyuan.
inline v1::ReportCaseRequest GoodReport(const std::string& request_id) {
  v1::ReportCaseRequest r;
  r.set_request_id(request_id);
  r.set_source(v1::SOURCE_WECHAT);
  r.set_category_code("E0102");
  r.set_description("绿化带旁暴露垃圾，已两天无人清理");
  r.mutable_location()->set_latitude(30.6840);
  r.mutable_location()->set_longitude(120.6300);
  r.mutable_location()->set_address("桐星大道718号");
  v1::Media* photo = r.add_media();
  photo->set_kind(v1::MEDIA_KIND_PHOTO);
  photo->set_uri("cases/2026/06/30/3f1c.jpg");
  return r;
}

// E0102 exposed garbage: HANDLE 1 working day, duplicate radius 50 m, and a
// list attribute "amount" (small/large) plus a number "bags".
inline v1::Category GarbageCategory() {
  v1::Category c;
  c.set_code("E0102");
  c.set_family(v1::CATEGORY_FAMILY_EVENT);
  c.set_major_code("E01");
  c.set_major_name("市容环境");
  c.set_minor_code("02");
  c.set_name("暴露垃圾");
  c.set_enabled(true);
  c.set_duplicate_radius_m(50);
  v1::StageLimit* handle = c.add_limits();
  handle->set_stage(v1::STAGE_HANDLE);
  handle->mutable_limit()->set_amount(1);
  handle->mutable_limit()->set_unit(v1::TIME_UNIT_WORKING_DAYS);
  v1::AttributeDefinition* amount = c.add_attributes();
  amount->set_code("amount");
  amount->set_datatype(v1::ATTRIBUTE_DATATYPE_SINGLE_VALUE_LIST);
  for (const char* key : {"small", "large"}) {
    v1::AttributeValue* v = amount->add_values();
    v->set_key(key);
    v->set_name(key);
  }
  v1::AttributeDefinition* bags = c.add_attributes();
  bags->set_code("bags");
  bags->set_datatype(v1::ATTRIBUTE_DATATYPE_NUMBER);
  return c;
}

}  // namespace gridcase::intake::testdata

#endif  // GRIDCASE_SERVICES_INTAKE_INTAKE_TEST_DATA_H_
