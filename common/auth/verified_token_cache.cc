#include "common/auth/verified_token_cache.h"

#include <utility>

#include "common/cache/make_room.h"

namespace gridcase::auth {

std::optional<v1::Actor> VerifiedTokenCache::Find(
    absl::string_view token, absl::Time now,
    const KeyIsCurrent& key_is_current) {
  if (capacity_ == 0) return std::nullopt;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = entries_.find(token);
    if (it == entries_.end()) return std::nullopt;
    const VerifiedToken& entry = it->second;
    if (now >= entry.valid_from && now < entry.valid_until &&
        key_is_current(entry)) {
      return entry.actor;
    }
    // Not yet valid: keep it for later. Expired or its key gone: drop it
    // below.
    if (now < entry.valid_from && key_is_current(entry)) return std::nullopt;
  }
  absl::MutexLock lock(&mu_);
  entries_.erase(std::string(token));
  return std::nullopt;
}

void VerifiedTokenCache::Insert(absl::string_view token, VerifiedToken verified,
                                absl::Time now) {
  if (capacity_ == 0) return;
  absl::MutexLock lock(&mu_);
  if (!entries_.contains(token)) {
    cache::MakeRoom(entries_, capacity_, [now](const VerifiedToken& entry) {
      return now >= entry.valid_until;
    });
  }
  entries_.insert_or_assign(std::string(token), std::move(verified));
}

size_t VerifiedTokenCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace gridcase::auth
