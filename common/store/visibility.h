// What a caller may see of a case and of each of its events: the one place
// that decides it, part of the data layer. Intake reads (GetCase,
// ListCases, ListNearby, the ReportCase and AddFollowUp answers),
// WatchCases, and dispatch's answers, timelines and queues all return what
// these functions give, and list, watch or refuse what they say; gridctl
// shows what the server gave. The rules (docs/security.md, "Privacy"):
//
//   centre staff (ACCEPTOR, DISPATCHER, DUTY_CHIEF, ADMIN, SYSTEM)
//       everything; contacts masked.
//   other staff (GRID_MANAGER, DEPARTMENT_STAFF)
//       everything but an anonymous reporter: the reporter's id, name and
//       contact, the reporter as an event actor, dimensions.reporter_id.
//   the reporter (a citizen reading their own case)
//       the case in full; of its events, public notes and their own, no
//       attachment marked internal, every other actor reduced to its roles.
//   any other citizen
//       the public view: category, state, public status note, coarse
//       location (about 100 m; no address), times and the department; events
//       reduced to type, time, states and public notes.
//
// Listing or watching by somebody else's reporter id skips their anonymous
// reports for everyone but centre staff, and a citizen reads the timeline
// (GetTimeline) of their own reports only.
//
// Contacts are masked the same way for everybody (privacy::MaskContact).
// Notes are public only on events that explain a state to the public:
// voided, closed (verified, self-closed, specially closed) and suspended.
// Everything else — dispatch instructions, return reasons, 督办 and
// extension notes, handling notes — is internal.
#ifndef GRIDCASE_COMMON_STORE_VISIBILITY_H_
#define GRIDCASE_COMMON_STORE_VISIBILITY_H_

#include <string>

#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::store {

// Who a viewer is to one case.
enum class Audience {
  kCentre,    // centre staff: sees everything
  kStaff,     // grid managers and departments: all but an anonymous reporter
  kReporter,  // the citizen who reported it
  kPublic,    // any other citizen
};

// The facts about a case that decide visibility.
struct ReporterFacts {
  std::string id;
  bool anonymous = false;

  static ReporterFacts Of(const v1::Case& c);
  // From an event's dimensions (events on streams carry them).
  static ReporterFacts Of(const v1::CaseEvent& e);
};

Audience AudienceOf(const v1::Actor& viewer, const ReporterFacts& reporter);

// True if the viewer holds no role but CITIZEN (an end user).
bool OnlyCitizen(const v1::Actor& viewer);

// True if the note of an event of this type is public (explains a state).
bool PublicNote(v1::CaseEventType type);

// The case as `viewer` may see it.
v1::Case PresentCase(v1::Case c, const v1::Actor& viewer);

// One event of a case as `viewer` may see it; `reporter` describes the case
// (ReporterFacts::Of(case), or of the event on a stream).
v1::CaseEvent PresentEvent(v1::CaseEvent e, const v1::Actor& viewer,
                           const ReporterFacts& reporter);

// False when a list or watch filtered by `reporter_filter` (a reporter id;
// empty: no such filter) must skip a case with `reporter`: the filter
// names somebody else, the case's reporter is anonymous and the viewer is
// not centre staff, so showing it would tell that this anonymous report is
// theirs.
bool MayListByReporter(const v1::Actor& viewer, const ReporterFacts& reporter,
                       absl::string_view reporter_filter);

// True if `viewer` may read the case's timeline on its own (GetTimeline):
// staff, and the citizen who reported it.
bool MayReadTimeline(const v1::Actor& viewer, const ReporterFacts& reporter);

}  // namespace gridcase::store

#endif  // GRIDCASE_COMMON_STORE_VISIBILITY_H_
