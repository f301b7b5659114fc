#include "services/stats/counters.h"

namespace gridcase::stats {
namespace {

constexpr std::array<absl::string_view, kNumCounters> kCodes = {
    "rp",  "vr",  "rg",  "rgt", "dp", "dpa", "hd", "hdt", "hdd", "hds", "cl",
    "clt", "clo", "cls", "cld", "rw", "rt",  "ex", "sp",  "sv",  "vf",  "vft",
    "vfd", "sh",  "vd",  "mg",  "ra", "rs",  "rb", "ru",  "ck",  "ckt", "ckd"};

}  // namespace

absl::string_view CodeOf(Counter c) { return kCodes[static_cast<int>(c)]; }

std::optional<Counter> CounterOfCode(absl::string_view code) {
  for (int i = 0; i < kNumCounters; ++i) {
    if (kCodes[i] == code) return static_cast<Counter>(i);
  }
  return std::nullopt;
}

}  // namespace gridcase::stats
