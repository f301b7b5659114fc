// Every case stored in Redis, read straight from the case hashes (SCAN over
// {s:N}:case:<id>), not through a service: what the fault suite counts must
// not depend on the indexes the services keep.
#ifndef GRIDCASE_TESTS_FAULT_STORED_CASES_H_
#define GRIDCASE_TESTS_FAULT_STORED_CASES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"
#include "tests/fault/census.h"

namespace gridcase::fault {

// The hash holds the Case serialized in "pb" and, beside it, the fields that
// change without rewriting it; of those this reads "state" (see
// services/intake/case_store.h).
absl::StatusOr<std::vector<StoredCase>> ReadStoredCases(
    redis::RedisClient* redis, int shards);

}  // namespace gridcase::fault

#endif  // GRIDCASE_TESTS_FAULT_STORED_CASES_H_
