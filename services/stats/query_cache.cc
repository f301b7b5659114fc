#include "services/stats/query_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/cache/make_room.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace gridcase::stats {

std::string QueryCache::Key(absl::string_view method,
                            const google::protobuf::Message& request) {
  // Deterministic, so that equal requests (maps included) are one key.
  std::string key = absl::StrCat(method, "\n");
  {
    google::protobuf::io::StringOutputStream out(&key);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return key;
}

std::shared_ptr<const google::protobuf::Message> QueryCache::Find(
    const std::string& key) {
  absl::Time now = clock_->Now();
  absl::ReaderMutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || now >= it->second.expires) return nullptr;
  return it->second.response;
}

void QueryCache::Put(
    std::string key,
    std::shared_ptr<const google::protobuf::Message> response) {
  absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  if (!entries_.contains(key)) {
    cache::MakeRoom(entries_, capacity_,
                    [now](const Entry& e) { return now >= e.expires; });
  }
  entries_.insert_or_assign(std::move(key),
                            Entry{now + ttl_, std::move(response)});
}

size_t QueryCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace gridcase::stats
