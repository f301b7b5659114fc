#include "common/redis/cluster_slots.h"

#include <array>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gridcase::redis {
namespace {

constexpr std::array<uint16_t, 256> MakeCrc16Table() {
  std::array<uint16_t, 256> table{};
  for (int i = 0; i < 256; ++i) {
    uint16_t crc = static_cast<uint16_t>(i << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
    table[i] = crc;
  }
  return table;
}
constexpr std::array<uint16_t, 256> kCrc16Table = MakeCrc16Table();

bool Is(absl::string_view arg, absl::string_view name) {
  return absl::EqualsIgnoreCase(arg, name);
}

// Commands that touch no key (see RoutingKey).
bool IsKeyless(absl::string_view command) {
  static constexpr absl::string_view kKeyless[] = {
      "ACL",       "ASKING",       "AUTH",     "BGREWRITEAOF", "BGSAVE",
      "CLIENT",    "CLUSTER",      "COMMAND",  "CONFIG",       "DBSIZE",
      "DEBUG",     "DISCARD",      "ECHO",     "EXEC",         "FAILOVER",
      "FLUSHALL",  "FLUSHDB",      "FUNCTION", "HELLO",        "INFO",
      "KEYS",      "LASTSAVE",     "LATENCY",  "LOLWUT",       "MODULE",
      "MONITOR",   "MULTI",        "PING",     "PSUBSCRIBE",   "PUBLISH",
      "PUBSUB",    "PUNSUBSCRIBE", "QUIT",     "RANDOMKEY",    "READONLY",
      "READWRITE", "REPLICAOF",    "RESET",    "ROLE",         "SAVE",
      "SCRIPT",    "SELECT",       "SHUTDOWN", "SLAVEOF",      "SLOWLOG",
      "SUBSCRIBE", "SWAPDB",       "TIME",     "UNSUBSCRIBE",  "UNWATCH",
      "WAIT"};
  for (absl::string_view k : kKeyless) {
    if (Is(command, k)) return true;
  }
  return false;
}

// EVAL script numkeys key... / FCALL function numkeys key...
std::optional<absl::string_view> ScriptKey(const Args& args) {
  int numkeys = 0;
  if (args.size() < 4 || !absl::SimpleAtoi(args[2], &numkeys) || numkeys < 1) {
    return std::nullopt;
  }
  return args[3];
}

// XREAD [COUNT n] [BLOCK ms] STREAMS key... id...
// XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id...
std::optional<absl::string_view> StreamsKey(const Args& args) {
  size_t i = 1;
  if (Is(args[0], "XREADGROUP")) {
    if (args.size() < 4 || !Is(args[1], "GROUP")) return std::nullopt;
    i = 4;
  }
  while (i < args.size()) {
    if (Is(args[i], "COUNT") || Is(args[i], "BLOCK")) {
      i += 2;
    } else if (Is(args[i], "NOACK")) {
      i += 1;
    } else if (Is(args[i], "STREAMS")) {
      if (i + 1 < args.size()) return args[i + 1];
      return std::nullopt;
    } else {
      return std::nullopt;  // malformed: Redis will say so
    }
  }
  return std::nullopt;
}

// SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]: the pattern when every key
// it matches has one hash tag, i.e. no glob character comes before the end
// of the pattern's hash tag.
std::optional<absl::string_view> ScanKey(const Args& args) {
  for (size_t i = 2; i + 1 < args.size(); i += 2) {
    if (!Is(args[i], "MATCH")) continue;
    absl::string_view pattern = args[i + 1];
    absl::string_view tag = HashTag(pattern);
    if (tag.size() == pattern.size()) return std::nullopt;  // no tag
    size_t tag_end = static_cast<size_t>(tag.data() - pattern.data()) +
                     tag.size();  // index of the closing '}'
    if (pattern.substr(0, tag_end).find_first_of("*?[\\") !=
        absl::string_view::npos) {
      return std::nullopt;
    }
    return pattern;
  }
  return std::nullopt;
}

// The fields of a flat [name, value, name, value, ...] array.
const Reply* Field(const Reply& pairs, absl::string_view name) {
  const std::vector<Reply>& e = pairs.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) {
    if (e[i].str() == name) return &e[i + 1];
  }
  return nullptr;
}

std::string FieldText(const Reply& pairs, absl::string_view name) {
  const Reply* r = Field(pairs, name);
  return r == nullptr ? std::string() : r->str();
}

absl::Status Malformed(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("CLUSTER SHARDS: unexpected reply: ", what));
}

// "host:port" of a CLUSTER SHARDS node; empty when it has no plain-text port.
std::string NodeAddress(const Reply& node) {
  const Reply* port = Field(node, "port");
  if (port == nullptr || port->integer() <= 0) return "";
  std::string host = FieldText(node, "endpoint");
  if (host.empty() || host == "?") host = FieldText(node, "ip");
  if (host.empty()) return "";
  return absl::StrCat(host, ":", port->integer());
}

bool IsOnline(const Reply& node) {
  const Reply* health = Field(node, "health");
  return health == nullptr || health->str() == "online";
}

}  // namespace

uint16_t Crc16(absl::string_view data) {
  uint16_t crc = 0;
  for (unsigned char c : data) {
    crc = static_cast<uint16_t>((crc << 8) ^
                                kCrc16Table[((crc >> 8) ^ c) & 0xff]);
  }
  return crc;
}

absl::string_view HashTag(absl::string_view key) {
  size_t open = key.find('{');
  if (open == absl::string_view::npos) return key;
  size_t close = key.find('}', open + 1);
  if (close == absl::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

int KeySlot(absl::string_view key) {
  return Crc16(HashTag(key)) & (kClusterSlots - 1);
}

std::optional<absl::string_view> RoutingKey(const Args& args) {
  if (args.empty()) return std::nullopt;
  absl::string_view command = args[0];
  if (IsKeyless(command)) return std::nullopt;
  if (Is(command, "EVAL") || Is(command, "EVALSHA") || Is(command, "EVAL_RO") ||
      Is(command, "EVALSHA_RO") || Is(command, "FCALL") ||
      Is(command, "FCALL_RO")) {
    return ScriptKey(args);
  }
  if (Is(command, "XREAD") || Is(command, "XREADGROUP")) {
    return StreamsKey(args);
  }
  if (Is(command, "SCAN")) return ScanKey(args);
  if (Is(command, "XINFO") || Is(command, "XGROUP") || Is(command, "OBJECT") ||
      Is(command, "MEMORY")) {
    if (args.size() < 3) return std::nullopt;
    return args[2];
  }
  if (args.size() < 2) return std::nullopt;
  return args[1];
}

SlotMap::SlotMap() : owner_(kClusterSlots, -1) {}

absl::StatusOr<SlotMap> SlotMap::FromClusterShards(const Reply& reply) {
  if (reply.type() != Reply::Type::kArray) return Malformed("not an array");
  SlotMap map;
  for (const Reply& shard : reply.elements()) {
    const Reply* slots = Field(shard, "slots");
    const Reply* nodes = Field(shard, "nodes");
    if (slots == nullptr || nodes == nullptr ||
        slots->elements().size() % 2 != 0) {
      return Malformed("a shard without slots and nodes");
    }
    ClusterMaster master;
    std::vector<std::string> replicas;
    for (const Reply& node : nodes->elements()) {
      std::string address = NodeAddress(node);
      if (address.empty() || !IsOnline(node)) continue;
      if (FieldText(node, "role") == "master") {
        if (master.address.empty()) {
          master.id = FieldText(node, "id");
          master.address = std::move(address);
        }
      } else {
        replicas.push_back(std::move(address));
      }
    }
    if (master.address.empty() || slots->elements().empty()) {
      // No online master, or one without slots (a node just added, a
      // failed master's leftover shard): nothing to route to here, but its
      // nodes can still be asked for the map.
      if (!master.address.empty()) map.others_.push_back(master.address);
      for (std::string& r : replicas) map.others_.push_back(std::move(r));
      continue;
    }
    master.replicas = std::move(replicas);
    int16_t index = static_cast<int16_t>(map.masters_.size());
    const std::vector<Reply>& bounds = slots->elements();
    for (size_t i = 0; i < bounds.size(); i += 2) {
      int64_t first = bounds[i].integer();
      int64_t last = bounds[i + 1].integer();
      if (first < 0 || last >= kClusterSlots || first > last) {
        return Malformed(absl::StrCat("slot range ", first, "-", last));
      }
      for (int64_t s = first; s <= last; ++s) {
        if (map.owner_[s] < 0) ++map.covered_;
        map.owner_[s] = index;
      }
    }
    map.masters_.push_back(std::move(master));
  }
  return map;
}

const std::string* SlotMap::MasterOf(int slot) const {
  if (slot < 0 || slot >= kClusterSlots || owner_[slot] < 0) return nullptr;
  return &masters_[owner_[slot]].address;
}

SlotMap SlotMap::WithSlotMovedTo(int slot, const std::string& address) const {
  SlotMap out = *this;
  if (slot < 0 || slot >= kClusterSlots) return out;
  int16_t index = -1;
  for (size_t i = 0; i < out.masters_.size(); ++i) {
    if (out.masters_[i].address == address) index = static_cast<int16_t>(i);
  }
  if (index < 0) {
    index = static_cast<int16_t>(out.masters_.size());
    out.masters_.push_back({"", address, {}});
  }
  if (out.owner_[slot] < 0) ++out.covered_;
  out.owner_[slot] = index;
  return out;
}

std::vector<std::string> SlotMap::addresses() const {
  std::vector<std::string> out;
  absl::flat_hash_set<std::string> seen;
  for (const ClusterMaster& m : masters_) {
    if (seen.insert(m.address).second) out.push_back(m.address);
  }
  for (const ClusterMaster& m : masters_) {
    for (const std::string& r : m.replicas) {
      if (seen.insert(r).second) out.push_back(r);
    }
  }
  for (const std::string& r : others_) {
    if (seen.insert(r).second) out.push_back(r);
  }
  return out;
}

std::optional<Redirect> ParseRedirect(absl::string_view error,
                                      absl::string_view default_host) {
  std::vector<absl::string_view> parts = absl::StrSplit(error, ' ');
  if (parts.size() != 3) return std::nullopt;
  Redirect r;
  if (parts[0] == "MOVED") {
    r.kind = Redirect::Kind::kMoved;
  } else if (parts[0] == "ASK") {
    r.kind = Redirect::Kind::kAsk;
  } else {
    return std::nullopt;
  }
  if (!absl::SimpleAtoi(parts[1], &r.slot) || r.slot < 0 ||
      r.slot >= kClusterSlots) {
    return std::nullopt;
  }
  absl::string_view address = parts[2];
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port <= 0 ||
      port > 65535) {
    return std::nullopt;
  }
  absl::string_view host = address.substr(0, colon);
  if (host.empty()) host = default_host;
  r.address = absl::StrCat(host, ":", port);
  return r;
}

}  // namespace gridcase::redis
