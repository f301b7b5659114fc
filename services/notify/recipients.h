// Recipients: who hears of one case event and how, by the routes
// (routes.h). Pure: the event, the case as stored (unmasked, for the
// reporter's contact and external reference) and its followers in, the
// targets out, each with its stable delivery id.
//
//   DEPARTMENT  the event's department (dimensions.department_id), WEBHOOK
//               to its URL or the default department URL;
//   DUTY_CHIEF  "duty_chief", WEBHOOK;
//   INSPECTOR   the case's grid (its inspectors, reached through the staff
//               app's webhook, which knows who they are), WEBHOOK;
//   REPORTER    a citizen reporter on the channel they reported from: a
//               WeChat report → WECHAT (touser: the id without "wx:"), a
//               12345 report → WEBHOOK to the hotline system (with the
//               case's external reference), any other report with a
//               contact → SMS; staff and grid managers are not notified as
//               reporters;
//   FOLLOWER    each follower but the reporter who is a WeChat user
//               ("wx:…") → WECHAT; others left no contact.
// A target without an endpoint is skipped and counted.
#ifndef GRIDCASE_SERVICES_NOTIFY_RECIPIENTS_H_
#define GRIDCASE_SERVICES_NOTIFY_RECIPIENTS_H_

#include <string>
#include <vector>

#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/notify.pb.h"
#include "services/notify/routes.h"

namespace gridcase::notify {

struct Target {
  std::string delivery_id;
  v1::Recipient recipient;
  v1::NotifyChannel channel = v1::NOTIFY_CHANNEL_UNSPECIFIED;
  std::string endpoint;
  // The address on the channel: the WeChat openid or the phone number;
  // empty for webhooks.
  std::string address;
};

struct Plan {
  std::vector<Target> targets;
  // Recipients the routes name but no endpoint (or contact) reaches.
  std::vector<v1::RecipientKind> skipped;
};

// "<shard>/<event id>/<kind>/<recipient id>/<channel>".
std::string DeliveryId(int shard, const std::string& event_id,
                       const v1::Recipient& recipient,
                       v1::NotifyChannel channel);

Plan PlanTargets(const Routes& routes, const v1::CaseEvent& event,
                 const v1::Case& c, const std::vector<std::string>& followers);

// True for the recipient kinds that are citizens (they see only what a
// citizen may: docs/security.md, "Privacy").
bool IsCitizen(v1::RecipientKind kind);

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_RECIPIENTS_H_
