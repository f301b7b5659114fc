// Routes: who hears of which case event, and where each kind of recipient
// is reached. DefaultRoutes() holds the defaults of issue #18; a JSON file
// (gridcase-notify --routes) overrides them (docs/notifications.md,
// "Routing"):
//
//   {"events": {"DISPATCHED": ["DEPARTMENT"], "RETURNED": []},
//    "endpoints": {"department_default": "https://…", "departments":
//                  {"works": "https://…"}, "duty_chief": "https://…",
//                  "inspectors": "https://…", "hotline": "https://…",
//                  "wechat_gateway": "https://…", "sms_gateway": "https://…"},
//    "templates": {"wechat": "<template id>", "sms": "<template code>"}}
//
// An event listed in "events" replaces its default recipients (an empty list
// silences it); endpoints and templates given replace their defaults, which
// are empty: a recipient without an endpoint is skipped, not an error.
#ifndef GRIDCASE_SERVICES_NOTIFY_ROUTES_H_
#define GRIDCASE_SERVICES_NOTIFY_ROUTES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/notify.pb.h"

namespace gridcase::notify {

struct Endpoints {
  std::map<std::string, std::string> departments;  // department id → URL
  std::string department_default;  // a department not in `departments`
  std::string duty_chief;
  std::string inspectors;      // the grids' inspectors (their staff app)
  std::string hotline;         // the 12345 system, for SOURCE_HOTLINE cases
  std::string wechat_gateway;  // WeChat subscribe messages
  std::string sms_gateway;     // SMS for citizens with a contact
};

struct Templates {
  std::string wechat;  // the subscribe message's template_id
  std::string sms;     // the SMS gateway's template code
};

struct Routes {
  std::map<v1::CaseEventType, std::vector<v1::RecipientKind>> by_event;
  Endpoints endpoints;
  Templates templates;

  // The recipients of events of `type` (none if not routed).
  const std::vector<v1::RecipientKind>& RecipientsOf(
      v1::CaseEventType type) const;
  // The URL that reaches a department ("" if none).
  const std::string& DepartmentUrl(const std::string& department_id) const;
};

// Dispatched and reworked → the department; warning and overdue → the
// department and the duty chief; handled → the grid's inspectors;
// registered, voided, the closing events (verified, self-closed, closed)
// and a staff merge or unmerge → the reporter and the followers. No
// endpoints.
Routes DefaultRoutes();

// `base` with the overrides of a routes file. INVALID_ARGUMENT naming the
// JSON path for malformed JSON, unknown keys, event types or recipient
// kinds, and URLs that are not http:// or https://.
absl::StatusOr<Routes> ParseRoutes(absl::string_view json, Routes base);

// "DEPARTMENT" for RECIPIENT_KIND_DEPARTMENT, "WEBHOOK" for
// NOTIFY_CHANNEL_WEBHOOK: the names the outbox stores and ids use.
std::string KindName(v1::RecipientKind kind);
std::string ChannelName(v1::NotifyChannel channel);

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_ROUTES_H_
