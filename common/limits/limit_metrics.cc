#include "common/limits/limit_metrics.h"

namespace gridcase::limits {
namespace {

prometheus::Family<prometheus::Counter>& RefusedFamily(
    prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("gridcase_rate_limited_total")
      .Help(
          "Calls refused RESOURCE_EXHAUSTED by a limit: a caller's or a "
          "channel's rate limit, or the daily report quota.")
      .Register(registry);
}

}  // namespace

LimitMetrics::LimitMetrics(prometheus::Registry& registry)
    : caller_(RefusedFamily(registry).Add({{"kind", "caller"}})),
      channel_(RefusedFamily(registry).Add({{"kind", "channel"}})),
      quota_(RefusedFamily(registry).Add({{"kind", "quota"}})),
      check_errors_(prometheus::BuildCounter()
                        .Name("gridcase_rate_limit_errors_total")
                        .Help("Rate-limit checks that failed (Redis did not "
                              "answer); those calls were served unchecked.")
                        .Register(registry)
                        .Add({})) {}

prometheus::Counter& LimitMetrics::refused(LimitKind kind) const {
  switch (kind) {
    case LimitKind::kCaller:
      return caller_;
    case LimitKind::kChannel:
      return channel_;
    case LimitKind::kQuota:
      break;
  }
  return quota_;
}

}  // namespace gridcase::limits
