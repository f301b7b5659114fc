// Redis Cluster's routing arithmetic, as pure functions without I/O:
// - the slot of a key (CRC16 of the key or of its {hash tag}, mod 16384);
// - the key a command is routed by;
// - the slot map of a CLUSTER SHARDS reply: which master serves each slot;
// - the MOVED / ASK redirections a node answers with.
// ClusterClient (cluster_client.h) routes with these.
#ifndef GRIDCASE_COMMON_REDIS_CLUSTER_SLOTS_H_
#define GRIDCASE_COMMON_REDIS_CLUSTER_SLOTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"
#include "common/redis/reply.h"

namespace gridcase::redis {

inline constexpr int kClusterSlots = 16384;

// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum
// Redis Cluster hashes keys with: Crc16("123456789") == 0x31C3.
uint16_t Crc16(absl::string_view data);

// The part of `key` that is hashed: when the key has a '{' followed later by
// a '}' with at least one character between them, the text between the
// first '{' and the first '}' after it; else the whole key. So
// "{s:7}:events" and "{s:7}:case:x" share a slot, "foo{}{bar}" is hashed
// whole, "foo{{bar}}" hashes "{bar".
absl::string_view HashTag(absl::string_view key);

// The slot of `key`: Crc16(HashTag(key)) mod 16384.
int KeySlot(absl::string_view key);

// The key that decides which node runs `args`, or nullopt for a command
// that touches no key (PING, INFO, WAIT, SCRIPT, CLUSTER, MULTI, EXEC, ...),
// which may run on any node and goes with the commands around it:
// - most commands: their first argument;
// - EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, FCALL, FCALL_RO: KEYS[1] (none when
//   numkeys is 0);
// - XREAD, XREADGROUP: the first stream after STREAMS;
// - XINFO, XGROUP, OBJECT, MEMORY USAGE: the argument after the subcommand;
// - SCAN with a MATCH pattern whose hash tag is literal ("{s:3}:st:*"):
//   the pattern, since every key it can match lives in the tag's slot.
// Commands with several keys must keep them in one slot (Redis answers
// CROSSSLOT otherwise); the first one routes.
std::optional<absl::string_view> RoutingKey(const Args& args);

// A master serving slots, as CLUSTER SHARDS describes it.
struct ClusterMaster {
  std::string id;       // node id; empty when learned from a redirection
  std::string address;  // "host:port", to connect to
  std::vector<std::string> replicas;  // addresses of its online replicas
};

// Which master serves each slot. Built from CLUSTER SHARDS and patched by
// MOVED redirections; cheap to copy (about 33 KB).
class SlotMap final {
 public:
  // An empty map: no slot is served.
  SlotMap();

  // The map of a CLUSTER SHARDS reply (Redis 7). Only masters whose health
  // is "online" serve their slots: a failed master ("fail"/"failed") or a
  // "loading" one serves nothing, and its slots stay unserved until a
  // replica is promoted and the map is read again. A master without slots
  // is not listed in masters() (its address is in addresses()). INTERNAL
  // when the reply is not shaped like CLUSTER SHARDS.
  static absl::StatusOr<SlotMap> FromClusterShards(const Reply& reply);

  // The address of the master serving `slot`; nullptr when none does (or
  // `slot` is out of range).
  const std::string* MasterOf(int slot) const;
  // The same map with `slot` served by `address` (after MOVED).
  SlotMap WithSlotMovedTo(int slot, const std::string& address) const;

  const std::vector<ClusterMaster>& masters() const { return masters_; }
  // Slots served by some master.
  int covered_slots() const { return covered_; }
  // Every address the map knows, masters first, without repetitions.
  std::vector<std::string> addresses() const;

 private:
  std::vector<ClusterMaster> masters_;
  // Online nodes of shards without an online master or without slots.
  std::vector<std::string> others_;
  std::vector<int16_t> owner_;  // slot -> index into masters_, -1: none
  int covered_ = 0;
};

// A MOVED or ASK error reply: "MOVED 3999 127.0.0.1:6381".
struct Redirect {
  enum class Kind { kMoved, kAsk };
  Kind kind = Kind::kMoved;
  int slot = 0;
  // "host:port"; when the node does not know the target's host it sends
  // ":port", and the host is then `default_host` (the host of the node that
  // answered, as the cluster specification says).
  std::string address;
};
// nullopt unless `error` is a well-formed MOVED or ASK reply.
std::optional<Redirect> ParseRedirect(absl::string_view error,
                                      absl::string_view default_host);

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_CLUSTER_SLOTS_H_
