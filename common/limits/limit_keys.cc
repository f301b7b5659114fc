#include "common/limits/limit_keys.h"

#include "absl/strings/str_cat.h"

namespace gridcase::limits {

std::string RateKey(absl::string_view scope, absl::string_view bucket) {
  return absl::StrCat("{rl:", scope, ":", bucket, "}");
}

std::string ReportQuotaKey(absl::string_view reporter_id,
                           absl::string_view yyyymmdd) {
  return absl::StrCat("{rq:", reporter_id, "}:", yyyymmdd);
}

}  // namespace gridcase::limits
