// How a case is shown to a caller: contacts always masked; the reporter's
// identity hidden from citizens other than the reporter, and an anonymous
// reporter hidden from everybody but the reporter and centre staff
// (acceptor, dispatcher, duty chief, admin, system). Used by every service
// that returns cases.
#ifndef GRIDCASE_COMMON_CASES_PRESENT_H_
#define GRIDCASE_COMMON_CASES_PRESENT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::cases {

// True if the caller holds no role but CITIZEN.
bool OnlyCitizen(const v1::Actor& actor);

// "138****5678", "z***@example.cn".
std::string MaskContact(absl::string_view contact);

v1::Case Present(v1::Case c, const v1::Actor& viewer);

}  // namespace gridcase::cases

#endif  // GRIDCASE_COMMON_CASES_PRESENT_H_
