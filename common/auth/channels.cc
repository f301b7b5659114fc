#include "common/auth/channels.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace gridcase::auth {
namespace {

constexpr Channel kChannels[] = {
    {"wechat", v1::SOURCE_WECHAT, "wx:"},
    {"app", v1::SOURCE_CITIZEN_APP, "app:"},
    {"hotline", v1::SOURCE_HOTLINE, "12345:"},
    {"video", v1::SOURCE_VIDEO, "video:"},
};

constexpr size_t kMaxUserIdChars = 120;

bool UserIdChar(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == ':' ||
         c == '@' || c == '-';
}

}  // namespace

absl::Span<const Channel> AllChannels() { return kChannels; }

const Channel* FindChannelByName(absl::string_view name) {
  for (const Channel& c : kChannels) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const Channel* FindChannelBySource(v1::Source source) {
  for (const Channel& c : kChannels) {
    if (c.source == source) return &c;
  }
  return nullptr;
}

std::string KnownChannelNames() {
  std::vector<absl::string_view> names;
  for (const Channel& c : kChannels) names.push_back(c.name);
  return absl::StrJoin(names, ", ");
}

absl::Status CheckEndUserId(const Channel& channel, absl::string_view id) {
  if (!absl::ConsumePrefix(&id, channel.user_prefix)) {
    return absl::PermissionDeniedError(absl::StrCat(
        kOnBehalfOfHeader, ": the ", channel.name, " backend speaks only for '",
        channel.user_prefix, "' users"));
  }
  if (id.empty() || id.size() > kMaxUserIdChars ||
      !std::all_of(id.begin(), id.end(), UserIdChar)) {
    return absl::UnauthenticatedError(
        absl::StrCat(kOnBehalfOfHeader, ": '", channel.user_prefix,
                     "' must be followed by 1 to ", kMaxUserIdChars,
                     " characters of [A-Za-z0-9_.:@-]"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Actor> EndUserActor(const Channel& channel,
                                       absl::string_view id,
                                       absl::string_view backend_subject) {
  if (absl::Status s = CheckEndUserId(channel, id); !s.ok()) return s;
  v1::Actor actor;
  actor.set_subject(std::string(id));
  actor.add_roles(v1::ROLE_CITIZEN);
  actor.set_channel(channel.source);
  actor.set_via(std::string(backend_subject));
  return actor;
}

}  // namespace gridcase::auth
