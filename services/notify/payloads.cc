#include "services/notify/payloads.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/store/event_type.h"
#include "common/store/visibility.h"
#include "nlohmann/json.hpp"

namespace gridcase::notify {
namespace {

using json = nlohmann::json;

std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  absl::Time t =
      absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

std::string StateName(v1::CaseState s) {
  return std::string(absl::StripPrefix(v1::CaseState_Name(s), "CASE_STATE_"));
}

// At most `n` code points of UTF-8 `s` (WeChat "thing" values take 20).
std::string Truncate(const std::string& s, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == n) return s.substr(0, i);
      ++chars;
    }
  }
  return s;
}

// What happened, in the words a citizen reads.
std::string CitizenStatus(v1::CaseEventType type) {
  switch (type) {
    case v1::CASE_EVENT_TYPE_REGISTERED:
      return "已立案";
    case v1::CASE_EVENT_TYPE_VOIDED:
      return "不予立案";
    case v1::CASE_EVENT_TYPE_VERIFIED:
    case v1::CASE_EVENT_TYPE_SELF_CLOSED:
    case v1::CASE_EVENT_TYPE_CLOSED:
      return "已办结";
    case v1::CASE_EVENT_TYPE_SUSPENDED:
      return "暂缓处理";
    case v1::CASE_EVENT_TYPE_MERGED_BY_STAFF:
      return "已合并";
    case v1::CASE_EVENT_TYPE_UNMERGED:
      return "重新受理";
    default:
      return "处理中";
  }
}

// The case a citizen follows from now on: after a staff merge, the case it
// joined (they follow it and hear of it from then on); else this one.
const std::string& FollowedCase(const v1::CaseEvent& event, const v1::Case& c) {
  return event.type() == v1::CASE_EVENT_TYPE_MERGED_BY_STAFF
             ? event.related_case_id()
             : c.id();
}

json ExternalRef(const v1::Case& c) {
  return {{"system", c.external_ref().system()}, {"id", c.external_ref().id()}};
}

json EventJson(const v1::CaseEvent& e, bool with_note) {
  json out = {{"id", e.id()},
              {"type", store::EventTypeName(e.type())},
              {"time", Rfc3339(e.time())},
              {"from_state", StateName(e.from_state())},
              {"to_state", StateName(e.to_state())}};
  if (with_note && !e.note().empty()) out["note"] = e.note();
  return out;
}

json Webhook(const Target& t, const v1::CaseEvent& event, const v1::Case& c) {
  bool citizen = IsCitizen(t.recipient.kind());
  json out = {
      {"delivery_id", t.delivery_id},
      {"recipient",
       {{"kind", KindName(t.recipient.kind())}, {"id", t.recipient.id()}}}};
  json case_json = {{"id", c.id()},
                    {"state", StateName(event.to_state())},
                    {"category_code", c.category_code()},
                    {"category_name", c.category_name()},
                    {"department_name", c.department_name()}};
  if (citizen) {
    out["event"] = EventJson(event, store::PublicNote(event.type()));
    case_json["status"] = CitizenStatus(event.type());
    if (event.type() == v1::CASE_EVENT_TYPE_MERGED_BY_STAFF) {
      case_json["merged_into"] = event.related_case_id();
    }
  } else {
    // As staff see it: an anonymous reporter's id and actor removed.
    v1::Actor staff;
    staff.add_roles(v1::ROLE_DEPARTMENT_STAFF);
    v1::CaseEvent shown =
        store::PresentEvent(event, staff, store::ReporterFacts::Of(event));
    json e = EventJson(shown, /*with_note=*/true);
    e["stage"] =
        std::string(absl::StripPrefix(v1::Stage_Name(shown.stage()), "STAGE_"));
    if (shown.stage() != v1::STAGE_UNSPECIFIED) {
      e["deadline"] = Rfc3339(shown.stage_deadline().effective_deadline());
    }
    out["event"] = std::move(e);
    case_json["description"] = c.description();
    case_json["grid_code"] = c.grid_code();
    case_json["department_id"] = event.dimensions().department_id();
    case_json["urgent"] = c.urgent();
    case_json["address"] = c.location().address();
  }
  out["case"] = std::move(case_json);
  if (c.has_external_ref() &&
      t.recipient.kind() != v1::RECIPIENT_KIND_FOLLOWER) {
    out["external_ref"] = ExternalRef(c);
  }
  return out;
}

json WeChat(const Target& t, const v1::CaseEvent& event, const v1::Case& c,
            const Templates& templates) {
  std::string note = store::PublicNote(event.type()) ? event.note() : "";
  if (note.empty()) {
    note = event.type() == v1::CASE_EVENT_TYPE_MERGED_BY_STAFF
               ? "与同一问题的案件合并办理"
               : CitizenStatus(event.type());
  }
  absl::Time time = absl::FromUnixSeconds(event.time().seconds());
  return {
      {"delivery_id", t.delivery_id},
      {"touser", t.address},
      {"template_id", templates.wechat},
      {"page", absl::StrCat("pages/case/detail?id=", FollowedCase(event, c))},
      {"data",
       {{"character_string1", {{"value", c.id()}}},
        {"thing2", {{"value", Truncate(c.category_name(), 20)}}},
        {"phrase3", {{"value", Truncate(CitizenStatus(event.type()), 5)}}},
        {"time4",
         {{"value", absl::FormatTime("%Y-%m-%d %H:%M", time,
                                     absl::FixedTimeZone(8 * 3600))}}},
        {"thing5", {{"value", Truncate(note, 20)}}}}}};
}

json Sms(const Target& t, const v1::CaseEvent& event, const v1::Case& c,
         const Templates& templates) {
  json params = {{"case_id", c.id()},
                 {"category", c.category_name()},
                 {"status", CitizenStatus(event.type())}};
  if (event.type() == v1::CASE_EVENT_TYPE_MERGED_BY_STAFF) {
    params["merged_into"] = event.related_case_id();
  }
  if (store::PublicNote(event.type()) && !event.note().empty()) {
    params["note"] = Truncate(event.note(), 60);
  }
  return {{"delivery_id", t.delivery_id},
          {"phone", t.address},
          {"template", templates.sms},
          {"params", std::move(params)}};
}

}  // namespace

std::string BuildBody(const Target& target, const v1::CaseEvent& event,
                      const v1::Case& c, const Templates& templates) {
  json body;
  switch (target.channel) {
    case v1::NOTIFY_CHANNEL_WECHAT:
      body = WeChat(target, event, c, templates);
      break;
    case v1::NOTIFY_CHANNEL_SMS:
      body = Sms(target, event, c, templates);
      break;
    default:
      body = Webhook(target, event, c);
      break;
  }
  return body.dump(-1, ' ', /*ensure_ascii=*/false,
                   json::error_handler_t::replace);
}

}  // namespace gridcase::notify
