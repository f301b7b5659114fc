#include "services/notify/recipients.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gridcase::notify {
namespace {

constexpr absl::string_view kWeChatPrefix = "wx:";
constexpr char kDutyChief[] = "duty_chief";

v1::Recipient Make(v1::RecipientKind kind, std::string id) {
  v1::Recipient r;
  r.set_kind(kind);
  r.set_id(std::move(id));
  return r;
}

class Planner {
 public:
  Planner(const Routes& routes, const v1::CaseEvent& event)
      : routes_(routes), event_(event) {}

  void Add(v1::Recipient recipient, v1::NotifyChannel channel,
           const std::string& endpoint, std::string address = "") {
    if (recipient.id().empty() || endpoint.empty()) {
      plan_.skipped.push_back(recipient.kind());
      return;
    }
    Target t;
    t.delivery_id = DeliveryId(event_.shard(), event_.id(), recipient, channel);
    for (const Target& seen : plan_.targets) {
      if (seen.delivery_id == t.delivery_id) return;
    }
    t.recipient = std::move(recipient);
    t.channel = channel;
    t.endpoint = endpoint;
    t.address = std::move(address);
    plan_.targets.push_back(std::move(t));
  }

  // A citizen (reporter or follower) by id, on the channel of `source`.
  void AddCitizen(v1::RecipientKind kind, const std::string& id,
                  v1::Source source, const std::string& contact) {
    const Endpoints& e = routes_.endpoints;
    if (absl::StartsWith(id, kWeChatPrefix) || source == v1::SOURCE_WECHAT) {
      Add(Make(kind, id), v1::NOTIFY_CHANNEL_WECHAT, e.wechat_gateway,
          std::string(absl::StripPrefix(id, kWeChatPrefix)));
    } else if (source == v1::SOURCE_HOTLINE) {
      Add(Make(kind, id), v1::NOTIFY_CHANNEL_WEBHOOK, e.hotline);
    } else if (!contact.empty()) {
      Add(Make(kind, id), v1::NOTIFY_CHANNEL_SMS, e.sms_gateway, contact);
    } else {
      plan_.skipped.push_back(kind);
    }
  }

  Plan Take() { return std::move(plan_); }

 private:
  const Routes& routes_;
  const v1::CaseEvent& event_;
  Plan plan_;
};

}  // namespace

std::string DeliveryId(int shard, const std::string& event_id,
                       const v1::Recipient& recipient,
                       v1::NotifyChannel channel) {
  return absl::StrCat(shard, "/", event_id, "/", KindName(recipient.kind()),
                      "/", recipient.id(), "/", ChannelName(channel));
}

bool IsCitizen(v1::RecipientKind kind) {
  return kind == v1::RECIPIENT_KIND_REPORTER ||
         kind == v1::RECIPIENT_KIND_FOLLOWER;
}

Plan PlanTargets(const Routes& routes, const v1::CaseEvent& event,
                 const v1::Case& c, const std::vector<std::string>& followers) {
  Planner p(routes, event);
  const Endpoints& e = routes.endpoints;
  const v1::CaseDimensions& d = event.dimensions();
  for (v1::RecipientKind kind : routes.RecipientsOf(event.type())) {
    switch (kind) {
      case v1::RECIPIENT_KIND_DEPARTMENT: {
        std::string dept = d.department_id();
        if (dept.empty() && event.data().contains("department_id")) {
          dept = event.data().at("department_id");
        }
        p.Add(Make(kind, dept), v1::NOTIFY_CHANNEL_WEBHOOK,
              routes.DepartmentUrl(dept));
        break;
      }
      case v1::RECIPIENT_KIND_DUTY_CHIEF:
        p.Add(Make(kind, kDutyChief), v1::NOTIFY_CHANNEL_WEBHOOK, e.duty_chief);
        break;
      case v1::RECIPIENT_KIND_INSPECTOR:
        p.Add(Make(kind, d.grid_code().empty() ? c.grid_code() : d.grid_code()),
              v1::NOTIFY_CHANNEL_WEBHOOK, e.inspectors);
        break;
      case v1::RECIPIENT_KIND_REPORTER: {
        v1::ReporterKind rk = c.reporter().kind();
        if (rk != v1::REPORTER_KIND_CITIZEN &&
            rk != v1::REPORTER_KIND_UNSPECIFIED) {
          break;  // staff reported it: they see it at work
        }
        p.AddCitizen(kind, c.reporter().id(), c.source(),
                     c.reporter().contact());
        break;
      }
      case v1::RECIPIENT_KIND_FOLLOWER: {
        std::vector<std::string> sorted = followers;
        std::sort(sorted.begin(), sorted.end());
        for (const std::string& f : sorted) {
          if (f == c.reporter().id()) continue;
          if (!absl::StartsWith(f, kWeChatPrefix)) {
            p.AddCitizen(kind, f, v1::SOURCE_UNSPECIFIED, "");
            continue;
          }
          p.AddCitizen(kind, f, v1::SOURCE_WECHAT, "");
        }
        break;
      }
      default:
        break;
    }
  }
  return p.Take();
}

}  // namespace gridcase::notify
