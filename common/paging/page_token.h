// Keyset paging for List* RPCs (the convention is in common.proto):
// page_size 0 means the RPC's default, larger than its maximum is clamped,
// negative is INVALID_ARGUMENT; page_token is opaque: it carries the last key
// returned and a fingerprint of the request's filters, so a token replayed
// with other filters is rejected instead of silently skipping items.
#ifndef GRIDCASE_COMMON_PAGING_PAGE_TOKEN_H_
#define GRIDCASE_COMMON_PAGING_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::paging {

struct PageLimits {
  int default_size = 50;
  int max_size = 500;
};

// The effective page size for a request's page_size.
absl::StatusOr<int> PageSize(int requested, PageLimits limits);

// A token resuming after `last_key` for requests whose filters have
// `fingerprint` (any string that changes when a filter changes).
std::string EncodePageToken(absl::string_view last_key,
                            absl::string_view fingerprint);

// The last key of a token; "" for an empty token (the first page).
// INVALID_ARGUMENT "page_token: ..." when malformed or made for other filters.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view fingerprint);

}  // namespace gridcase::paging

#endif  // GRIDCASE_COMMON_PAGING_PAGE_TOKEN_H_
