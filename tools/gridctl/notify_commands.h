// gridctl notify: what gridcase-notify sent (NotifyService.ListDeliveries),
// per case or per recipient.
#ifndef GRIDCASE_TOOLS_GRIDCTL_NOTIFY_COMMANDS_H_
#define GRIDCASE_TOOLS_GRIDCTL_NOTIFY_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gridcase/v1/notify.pb.h"

namespace gridcase::gridctl {

int RunNotify(const std::vector<std::string>& args);

// "DEPARTMENT:works", "reporter:wx:o6_1" (the kind case-insensitive; the id
// is everything after the first colon).
absl::StatusOr<v1::Recipient> ParseRecipient(const std::string& text);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_NOTIFY_COMMANDS_H_
