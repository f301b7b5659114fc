// Test fixtures of gridcase-notify's unit tests: a case, its events and
// routes that reach every recipient.
#ifndef GRIDCASE_SERVICES_NOTIFY_NOTIFY_FIXTURE_H_
#define GRIDCASE_SERVICES_NOTIFY_NOTIFY_FIXTURE_H_

#include <string>

#include "gridcase/v1/common.pb.h"
#include "services/notify/routes.h"

namespace gridcase::notify::testing {

inline v1::Case WeChatCase() {
  v1::Case c;
  c.set_id("330483-20261205-000042");
  c.set_source(v1::SOURCE_WECHAT);
  c.set_category_code("E0101");
  c.set_category_name("暴露垃圾");
  c.set_description("垃圾堆在路口");
  c.set_grid_code("330483101002007");
  c.set_department_id("works");
  c.set_department_name("环卫所");
  c.mutable_reporter()->set_id("wx:o6_1");
  c.mutable_reporter()->set_kind(v1::REPORTER_KIND_CITIZEN);
  c.mutable_reporter()->set_contact("13800001234");
  c.mutable_location()->set_address("梧桐街道 1 号");
  c.mutable_external_ref()->set_system("12345");
  c.mutable_external_ref()->set_id("GD-20261205-00042");
  return c;
}

inline v1::CaseEvent EventOf(const v1::Case& c, v1::CaseEventType type,
                             std::string note = "") {
  v1::CaseEvent e;
  e.set_id("1764900000000-0");
  e.set_shard(3);
  e.set_case_id(c.id());
  e.set_type(type);
  e.set_note(std::move(note));
  e.mutable_time()->set_seconds(1764900000);
  e.mutable_dimensions()->set_grid_code(c.grid_code());
  e.mutable_dimensions()->set_department_id(c.department_id());
  e.mutable_dimensions()->set_reporter_id(c.reporter().id());
  e.mutable_dimensions()->set_source(c.source());
  return e;
}

inline Routes EverywhereRoutes() {
  Routes r = DefaultRoutes();
  r.endpoints.department_default = "http://127.0.0.1:1/dept";
  r.endpoints.departments["water"] = "http://127.0.0.1:1/water";
  r.endpoints.duty_chief = "http://127.0.0.1:1/chief";
  r.endpoints.inspectors = "http://127.0.0.1:1/inspectors";
  r.endpoints.hotline = "http://127.0.0.1:1/hotline";
  r.endpoints.wechat_gateway = "http://127.0.0.1:1/wechat";
  r.endpoints.sms_gateway = "http://127.0.0.1:1/sms";
  r.templates.wechat = "tmpl-1";
  r.templates.sms = "SMS_1";
  return r;
}

}  // namespace gridcase::notify::testing

#endif  // GRIDCASE_SERVICES_NOTIFY_NOTIFY_FIXTURE_H_
