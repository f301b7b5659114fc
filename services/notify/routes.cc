#include "services/notify/routes.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/validation/field_errors.h"
#include "nlohmann/json.hpp"

namespace gridcase::notify {
namespace {

using json = nlohmann::json;

absl::Status CheckUrl(const std::string& path, const json& value,
                      std::string* out) {
  if (!value.is_string())
    return validation::FieldError(path, "must be a string");
  std::string url = value.get<std::string>();
  if (!url.empty() && !absl::StartsWith(url, "http://") &&
      !absl::StartsWith(url, "https://")) {
    return validation::FieldError(path, "must be an http:// or https:// URL");
  }
  *out = std::move(url);
  return absl::OkStatus();
}

absl::Status CheckString(const std::string& path, const json& value,
                         std::string* out) {
  if (!value.is_string())
    return validation::FieldError(path, "must be a string");
  *out = value.get<std::string>();
  return absl::OkStatus();
}

absl::Status ParseEvents(const json& events, Routes* routes) {
  if (!events.is_object()) {
    return validation::FieldError("events", "must be an object");
  }
  for (const auto& [name, kinds] : events.items()) {
    std::string path = absl::StrCat("events.", name);
    v1::CaseEventType type;
    if (!v1::CaseEventType_Parse(absl::StrCat("CASE_EVENT_TYPE_", name),
                                 &type) ||
        type == v1::CASE_EVENT_TYPE_UNSPECIFIED) {
      return validation::FieldError(
          path, "unknown event type (e.g. DISPATCHED, WARNING, VERIFIED)");
    }
    if (!kinds.is_array()) {
      return validation::FieldError(path, "must be a list of recipient kinds");
    }
    std::vector<v1::RecipientKind> out;
    for (const json& k : kinds) {
      v1::RecipientKind kind;
      if (!k.is_string() ||
          !v1::RecipientKind_Parse(
              absl::StrCat("RECIPIENT_KIND_", k.get<std::string>()), &kind) ||
          kind == v1::RECIPIENT_KIND_UNSPECIFIED) {
        return validation::FieldError(
            path,
            "unknown recipient kind (DEPARTMENT, DUTY_CHIEF, INSPECTOR, "
            "REPORTER, FOLLOWER)");
      }
      out.push_back(kind);
    }
    routes->by_event[type] = std::move(out);
  }
  return absl::OkStatus();
}

absl::Status ParseEndpoints(const json& endpoints, Endpoints* e) {
  if (!endpoints.is_object()) {
    return validation::FieldError("endpoints", "must be an object");
  }
  const std::map<std::string, std::string*> urls = {
      {"department_default", &e->department_default},
      {"duty_chief", &e->duty_chief},
      {"inspectors", &e->inspectors},
      {"hotline", &e->hotline},
      {"wechat_gateway", &e->wechat_gateway},
      {"sms_gateway", &e->sms_gateway}};
  for (const auto& [name, value] : endpoints.items()) {
    std::string path = absl::StrCat("endpoints.", name);
    if (name == "departments") {
      if (!value.is_object()) {
        return validation::FieldError(path, "must be an object");
      }
      for (const auto& [id, url] : value.items()) {
        std::string parsed;
        if (absl::Status s =
                CheckUrl(absl::StrCat(path, ".", id), url, &parsed);
            !s.ok()) {
          return s;
        }
        e->departments[id] = std::move(parsed);
      }
      continue;
    }
    auto it = urls.find(name);
    if (it == urls.end()) return validation::FieldError(path, "unknown key");
    if (absl::Status s = CheckUrl(path, value, it->second); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ParseTemplates(const json& templates, Templates* t) {
  if (!templates.is_object()) {
    return validation::FieldError("templates", "must be an object");
  }
  for (const auto& [name, value] : templates.items()) {
    std::string path = absl::StrCat("templates.", name);
    if (name == "wechat") {
      if (absl::Status s = CheckString(path, value, &t->wechat); !s.ok()) {
        return s;
      }
    } else if (name == "sms") {
      if (absl::Status s = CheckString(path, value, &t->sms); !s.ok()) {
        return s;
      }
    } else {
      return validation::FieldError(path, "unknown key");
    }
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<v1::RecipientKind>& Routes::RecipientsOf(
    v1::CaseEventType type) const {
  static const std::vector<v1::RecipientKind> kNone;
  auto it = by_event.find(type);
  return it == by_event.end() ? kNone : it->second;
}

const std::string& Routes::DepartmentUrl(
    const std::string& department_id) const {
  auto it = endpoints.departments.find(department_id);
  return it == endpoints.departments.end() ? endpoints.department_default
                                           : it->second;
}

Routes DefaultRoutes() {
  Routes r;
  const std::vector<v1::RecipientKind> department = {
      v1::RECIPIENT_KIND_DEPARTMENT};
  const std::vector<v1::RecipientKind> escalate = {
      v1::RECIPIENT_KIND_DEPARTMENT, v1::RECIPIENT_KIND_DUTY_CHIEF};
  const std::vector<v1::RecipientKind> citizens = {v1::RECIPIENT_KIND_REPORTER,
                                                   v1::RECIPIENT_KIND_FOLLOWER};
  r.by_event[v1::CASE_EVENT_TYPE_DISPATCHED] = department;
  r.by_event[v1::CASE_EVENT_TYPE_REWORKED] = department;
  r.by_event[v1::CASE_EVENT_TYPE_WARNING] = escalate;
  r.by_event[v1::CASE_EVENT_TYPE_OVERDUE] = escalate;
  r.by_event[v1::CASE_EVENT_TYPE_HANDLED] = {v1::RECIPIENT_KIND_INSPECTOR};
  for (v1::CaseEventType t :
       {v1::CASE_EVENT_TYPE_REGISTERED, v1::CASE_EVENT_TYPE_VOIDED,
        v1::CASE_EVENT_TYPE_VERIFIED, v1::CASE_EVENT_TYPE_SELF_CLOSED,
        v1::CASE_EVENT_TYPE_CLOSED, v1::CASE_EVENT_TYPE_MERGED_BY_STAFF,
        v1::CASE_EVENT_TYPE_UNMERGED}) {
    r.by_event[t] = citizens;
  }
  return r;
}

absl::StatusOr<Routes> ParseRoutes(absl::string_view text, Routes base) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return validation::FieldError("routes", "not valid JSON");
  }
  if (!doc.is_object()) {
    return validation::FieldError("routes", "must be a JSON object");
  }
  for (const auto& [name, value] : doc.items()) {
    absl::Status s;
    if (name == "events") {
      s = ParseEvents(value, &base);
    } else if (name == "endpoints") {
      s = ParseEndpoints(value, &base.endpoints);
    } else if (name == "templates") {
      s = ParseTemplates(value, &base.templates);
    } else {
      s = validation::FieldError(name, "unknown key");
    }
    if (!s.ok()) return s;
  }
  return base;
}

std::string KindName(v1::RecipientKind kind) {
  return std::string(
      absl::StripPrefix(v1::RecipientKind_Name(kind), "RECIPIENT_KIND_"));
}

std::string ChannelName(v1::NotifyChannel channel) {
  return std::string(
      absl::StripPrefix(v1::NotifyChannel_Name(channel), "NOTIFY_CHANNEL_"));
}

}  // namespace gridcase::notify
