// ListPage: one page of an ordered map for a List* RPC, with keyset paging
// (see common/paging). Items are visited in key order after the token's key;
// `keep` filters, `emit` appends to the response.
#ifndef GRIDCASE_SERVICES_REGISTRY_LIST_PAGE_H_
#define GRIDCASE_SERVICES_REGISTRY_LIST_PAGE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/paging/page_token.h"
#include "common/status/status_macros.h"

namespace gridcase::registry {

// Returns the next page token ("" on the last page).
template <typename V, typename Keep, typename Emit>
absl::StatusOr<std::string> ListPage(const std::map<std::string, V>& items,
                                     int requested_size,
                                     const std::string& token,
                                     const std::string& fingerprint,
                                     paging::PageLimits limits, Keep keep,
                                     Emit emit) {
  ASSIGN_OR_RETURN(int size, paging::PageSize(requested_size, limits));
  ASSIGN_OR_RETURN(std::string after,
                   paging::DecodePageToken(token, fingerprint));
  auto it = after.empty() ? items.begin() : items.upper_bound(after);
  int emitted = 0;
  std::string last;
  for (; it != items.end(); ++it) {
    if (!keep(it->second)) continue;
    if (emitted == size) return paging::EncodePageToken(last, fingerprint);
    emit(it->second);
    last = it->first;
    ++emitted;
  }
  return std::string();
}

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_LIST_PAGE_H_
