// Payloads: the body POSTed for one delivery, fixed when the event is
// consumed (the outbox stores it, so every retry sends the same bytes).
//
//   WEBHOOK  {"delivery_id", "recipient": {kind, id}, "event": {id, type,
//            time, from_state, to_state, stage, note?}, "case": {…},
//            "external_ref"?}
//   WECHAT   a subscribe message for the city's WeChat gateway:
//            {"touser", "template_id", "page", "data": {"character_string1",
//            "thing2", "phrase3", "time4", "thing5"}, "delivery_id"}
//   SMS      {"phone", "template", "params": {case_id, category, status,
//            note}, "delivery_id"}
//
// Privacy (docs/security.md): staff recipients see the event and case as
// staff do (an anonymous reporter stays hidden; no reporter fields are
// sent at all). A citizen recipient (reporter, follower) sees only what
// the public view shows: the event's note only when it is public
// (store::PublicNote: voided, closing, suspended), never a return reason,
// dispatch instruction or handling note, and no description, address or
// reporter. The external reference goes to staff and to the hotline system
// (the reporter's own channel), never to a follower.
#ifndef GRIDCASE_SERVICES_NOTIFY_PAYLOADS_H_
#define GRIDCASE_SERVICES_NOTIFY_PAYLOADS_H_

#include <string>

#include "gridcase/v1/common.pb.h"
#include "services/notify/recipients.h"
#include "services/notify/routes.h"

namespace gridcase::notify {

// The JSON body for `target`; `c` is the case as stored (unmasked).
std::string BuildBody(const Target& target, const v1::CaseEvent& event,
                      const v1::Case& c, const Templates& templates);

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_PAYLOADS_H_
