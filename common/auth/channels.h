// Channel backends: the systems that speak for end users (a WeChat
// mini-program backend, the citizen app backend, the 12345 hotline system,
// the video platform). Each has a name (a JWT's `channel` claim), the Source
// its reports come from, and the prefix of the end-user ids it may speak
// for ("wx:"); this table is the one place that pairs them.
//
// A backend authenticates with its own token and names the end user in
// x-gridcase-on-behalf-of; the caller is then a CITIZEN with that id as
// subject, the channel as Actor.channel and the backend as Actor.via.
#ifndef GRIDCASE_COMMON_AUTH_CHANNELS_H_
#define GRIDCASE_COMMON_AUTH_CHANNELS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

// The metadata key naming the end user a channel backend acts for.
inline constexpr absl::string_view kOnBehalfOfHeader =
    "x-gridcase-on-behalf-of";

struct Channel {
  absl::string_view name;         // "wechat"
  v1::Source source;              // SOURCE_WECHAT
  absl::string_view user_prefix;  // "wx:"
};

// wechat, app, hotline, video.
absl::Span<const Channel> AllChannels();
// nullptr when no channel has that name or source.
const Channel* FindChannelByName(absl::string_view name);
const Channel* FindChannelBySource(v1::Source source);
// "wechat, app, hotline, video", for error messages.
std::string KnownChannelNames();

// Checks an end-user id the backend of `channel` names: its prefix, then 1
// to 120 characters of [A-Za-z0-9_.:@-]. PERMISSION_DENIED for another
// prefix ("the wechat backend speaks only for 'wx:' users"),
// UNAUTHENTICATED for a malformed id.
absl::Status CheckEndUserId(const Channel& channel, absl::string_view id);

// The end user as an Actor: subject `id`, role CITIZEN, the channel's
// Source, via `backend_subject`. Checks `id` as CheckEndUserId does.
absl::StatusOr<v1::Actor> EndUserActor(const Channel& channel,
                                       absl::string_view id,
                                       absl::string_view backend_subject);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_CHANNELS_H_
