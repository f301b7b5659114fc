#include "common/cases/present.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/roles.h"

namespace gridcase::cases {

std::string MaskContact(absl::string_view contact) {
  if (contact.empty()) return "";
  size_t at = contact.find('@');
  if (at != absl::string_view::npos) {
    return absl::StrCat(contact.substr(0, 1), "***", contact.substr(at));
  }
  if (contact.size() <= 4) return std::string(contact.size(), '*');
  size_t head = contact.size() >= 11 ? 3 : 2;
  return absl::StrCat(contact.substr(0, head),
                      std::string(contact.size() - head - 4, '*'),
                      contact.substr(contact.size() - 4));
}

bool OnlyCitizen(const v1::Actor& a) {
  for (int r : a.roles()) {
    if (r != v1::ROLE_CITIZEN) return false;
  }
  return true;
}

v1::Case Present(v1::Case c, const v1::Actor& viewer) {
  v1::Reporter* r = c.mutable_reporter();
  r->set_contact(MaskContact(r->contact()));
  bool own = r->id() == viewer.subject();
  bool centre =
      false;  // 受理员, 派遣员, 值班长, administrators, gridcase itself
  for (v1::Role role : {v1::ROLE_ACCEPTOR, v1::ROLE_DISPATCHER,
                        v1::ROLE_DUTY_CHIEF, v1::ROLE_ADMIN, v1::ROLE_SYSTEM}) {
    centre |= auth::HasRole(viewer, role);
  }
  // Citizens see only their own identity; an anonymous reporter is hidden
  // from everybody but the reporter and centre staff.
  if (!own && (OnlyCitizen(viewer) || (r->anonymous() && !centre))) {
    r->clear_id();
    r->clear_name();
    r->clear_contact();
  }
  return c;
}

}  // namespace gridcase::cases
