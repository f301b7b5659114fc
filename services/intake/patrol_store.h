// PatrolStore: a grid member's patrols in Redis, under {pt:<member>}
// (common/store/keys.h): the patrol record, its track and check-ins, the
// member's index of patrols and, per Asia/Shanghai date, the member's grids
// their patrols reached (what statistics read for patrol coverage) and
// their patrol and check-in counts. Each write is one script
// (patrol_start.lua, patrol_record.lua, patrol_end.lua), idempotent by
// request: a retry with the same request_id and fingerprint changes nothing
// and reports kReplayed.
//
// A patrol id is "<member>-<YYYYMMDD>-<n>": the member (so every read finds
// the member's slot), the date it started, and the member's counter.
#ifndef GRIDCASE_SERVICES_INTAKE_PATROL_STORE_H_
#define GRIDCASE_SERVICES_INTAKE_PATROL_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "gridcase/v1/patrol.pb.h"

namespace gridcase::intake {

// The most track points and check-ins one patrol holds.
inline constexpr int kMaxTrackPoints = 20000;
inline constexpr int kMaxCheckIns = 1000;
// Patrols, their tracks and the per-date records live this long.
inline constexpr absl::Duration kPatrolRetention = absl::Hours(24 * 400);

// The member a patrol id names; INVALID_ARGUMENT naming `field` when `id` is
// not "<member>-<YYYYMMDD>-<n>".
absl::StatusOr<std::string> MemberOfPatrol(absl::string_view id,
                                           absl::string_view field);

// NOT_FOUND naming patrol_id.
absl::Status PatrolNotFound(absl::string_view patrol_id);

// How much of a patrol a read returns.
enum class PatrolDetail {
  kRecord,    // state, times, counts: no grids, check-ins or track
  kCheckIns,  // and its grids and check-ins
  kTrack,     // and its track too
};

// Who writes, and the idempotency of the write.
struct PatrolWrite {
  std::string member_id;
  std::string request_id;
  std::string fingerprint;
};

enum class WriteOutcome { kDone, kReplayed };

// A track point as stored: where, when, and the grid it lies in ("" for
// none). `own` is whether that grid is one of the member's.
struct LocatedPoint {
  double latitude = 0;
  double longitude = 0;
  absl::Time at;
  std::string grid_code;
  bool own = false;
};

struct PatrolPage {
  std::vector<v1::Patrol> patrols;
  std::string next;  // the last patrol id returned when more follow
};

class PatrolStore {
 public:
  virtual ~PatrolStore() = default;

  // Starts a patrol at `now`; returns its id. FAILED_PRECONDITION naming the
  // active patrol when there is one; ALREADY_EXISTS for a reused request_id.
  virtual absl::StatusOr<std::pair<std::string, WriteOutcome>> Start(
      const PatrolWrite& write, absl::Time now) = 0;
  // Appends points. NOT_FOUND, FAILED_PRECONDITION (ended, or past
  // kMaxTrackPoints), ALREADY_EXISTS as above.
  virtual absl::StatusOr<WriteOutcome> AppendTrack(
      const PatrolWrite& write, const std::string& patrol_id,
      const std::vector<LocatedPoint>& points) = 0;
  // Appends a check-in (in one of the member's grids) made at `now`.
  virtual absl::StatusOr<WriteOutcome> AppendCheckIn(
      const PatrolWrite& write, const std::string& patrol_id,
      const v1::PatrolCheckIn& check_in, absl::Time now) = 0;
  virtual absl::StatusOr<WriteOutcome> End(const PatrolWrite& write,
                                           const std::string& patrol_id,
                                           absl::Time now) = 0;
  // The patrol in `detail`; nullopt when unknown.
  virtual absl::StatusOr<std::optional<v1::Patrol>> Get(
      const std::string& patrol_id, PatrolDetail detail) = 0;
  // The member's patrols newest first, after the patrol id `after` ("" for
  // the start), without tracks or check-ins.
  virtual absl::StatusOr<PatrolPage> List(const std::string& member_id,
                                          int page_size,
                                          const std::string& after) = 0;
};

class RedisPatrolStore final : public PatrolStore {
 public:
  explicit RedisPatrolStore(redis::RedisClient* redis);

  absl::StatusOr<std::pair<std::string, WriteOutcome>> Start(
      const PatrolWrite& write, absl::Time now) override;
  absl::StatusOr<WriteOutcome> AppendTrack(
      const PatrolWrite& write, const std::string& patrol_id,
      const std::vector<LocatedPoint>& points) override;
  absl::StatusOr<WriteOutcome> AppendCheckIn(const PatrolWrite& write,
                                             const std::string& patrol_id,
                                             const v1::PatrolCheckIn& check_in,
                                             absl::Time now) override;
  absl::StatusOr<WriteOutcome> End(const PatrolWrite& write,
                                   const std::string& patrol_id,
                                   absl::Time now) override;
  absl::StatusOr<std::optional<v1::Patrol>> Get(const std::string& patrol_id,
                                                PatrolDetail detail) override;
  absl::StatusOr<PatrolPage> List(const std::string& member_id, int page_size,
                                  const std::string& after) override;

 private:
  // YYYYMMDD of `t` in Asia/Shanghai.
  std::string Day(absl::Time t) const;

  redis::RedisClient* redis_;
  absl::TimeZone zone_;
};

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_PATROL_STORE_H_
