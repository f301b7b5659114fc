#include "common/store/visibility.h"

#include <cmath>
#include <utility>

#include "common/auth/roles.h"
#include "common/privacy/mask.h"

namespace gridcase::store {
namespace {

bool Centre(const v1::Actor& viewer) {
  for (v1::Role role : {v1::ROLE_ACCEPTOR, v1::ROLE_DISPATCHER,
                        v1::ROLE_DUTY_CHIEF, v1::ROLE_ADMIN, v1::ROLE_SYSTEM}) {
    if (auth::HasRole(viewer, role)) return true;
  }
  return false;
}

// States whose status_note came from a public note (PublicNote): a case
// in another state may carry an internal reason there (return, reopen).
bool PublicStatusNote(v1::CaseState state) {
  return state == v1::CASE_STATE_VOIDED || state == v1::CASE_STATE_CLOSED ||
         state == v1::CASE_STATE_SUSPENDED;
}

// An actor reduced to its roles.
void ReduceToRoles(v1::Actor* actor) {
  v1::Actor reduced;
  *reduced.mutable_roles() = actor->roles();
  *actor = std::move(reduced);
}

void DropInternal(google::protobuf::RepeatedPtrField<v1::Media>* media) {
  google::protobuf::RepeatedPtrField<v1::Media> kept;
  for (v1::Media& m : *media) {
    if (!m.internal()) *kept.Add() = std::move(m);
  }
  *media = std::move(kept);
}

// Only the ratings given by `rater`.
void KeepRatingsOf(v1::Case* c, const std::string& rater) {
  google::protobuf::RepeatedPtrField<v1::Rating> kept;
  for (v1::Rating& r : *c->mutable_ratings()) {
    if (r.rater_id() == rater) *kept.Add() = std::move(r);
  }
  *c->mutable_ratings() = std::move(kept);
}

// About 110 m of latitude.
double Coarse(double degrees) { return std::round(degrees * 1000) / 1000; }

// Keys of CaseEvent.data a citizen may read; the others name departments,
// rules, deadlines or people.
bool PublicData(const std::string& key) {
  return key == "kind" || key == "distance_m" || key == "satisfaction";
}

void KeepPublicData(v1::CaseEvent* e) {
  auto* data = e->mutable_data();
  for (auto it = data->begin(); it != data->end();) {
    it = PublicData(it->first) ? std::next(it) : data->erase(it);
  }
}

v1::Case PublicView(const v1::Case& c) {
  v1::Case out;
  out.set_id(c.id());
  out.set_version(c.version());
  out.set_state(c.state());
  out.set_source(c.source());
  out.set_category_code(c.category_code());
  out.set_category_name(c.category_name());
  out.set_category_major_code(c.category_major_code());
  out.mutable_location()->set_latitude(Coarse(c.location().latitude()));
  out.mutable_location()->set_longitude(Coarse(c.location().longitude()));
  out.set_grid_code(c.grid_code());
  out.set_community_code(c.community_code());
  out.set_town_code(c.town_code());
  out.set_city_code(c.city_code());
  out.mutable_reporter()->set_kind(c.reporter().kind());
  *out.mutable_reported_at() = c.reported_at();
  *out.mutable_updated_at() = c.updated_at();
  *out.mutable_closed_at() = c.closed_at();
  *out.mutable_expected_at() = c.expected_at();
  out.set_department_id(c.department_id());
  out.set_department_name(c.department_name());
  out.set_report_count(c.report_count());
  out.set_follower_count(c.follower_count());
  out.set_merged_into(c.merged_into());
  out.set_light(c.light());
  out.set_urgent(c.urgent());
  out.set_closure_type(c.closure_type());
  if (PublicStatusNote(c.state())) out.set_status_note(c.status_note());
  if (!c.has_closed_at()) out.clear_closed_at();
  if (!c.has_expected_at()) out.clear_expected_at();
  return out;
}

}  // namespace

ReporterFacts ReporterFacts::Of(const v1::Case& c) {
  return {c.reporter().id(), c.reporter().anonymous()};
}

ReporterFacts ReporterFacts::Of(const v1::CaseEvent& e) {
  return {e.dimensions().reporter_id(), e.dimensions().reporter_anonymous()};
}

bool OnlyCitizen(const v1::Actor& viewer) {
  for (int r : viewer.roles()) {
    if (r != v1::ROLE_CITIZEN) return false;
  }
  return true;
}

Audience AudienceOf(const v1::Actor& viewer, const ReporterFacts& reporter) {
  if (Centre(viewer)) return Audience::kCentre;
  if (!OnlyCitizen(viewer)) return Audience::kStaff;
  if (!reporter.id.empty() && reporter.id == viewer.subject()) {
    return Audience::kReporter;
  }
  return Audience::kPublic;
}

bool PublicNote(v1::CaseEventType type) {
  switch (type) {
    case v1::CASE_EVENT_TYPE_VOIDED:
    case v1::CASE_EVENT_TYPE_VERIFIED:
    case v1::CASE_EVENT_TYPE_SELF_CLOSED:
    case v1::CASE_EVENT_TYPE_CLOSED:
    case v1::CASE_EVENT_TYPE_SUSPENDED:
      return true;
    default:
      return false;
  }
}

v1::Case PresentCase(v1::Case c, const v1::Actor& viewer) {
  ReporterFacts facts = ReporterFacts::Of(c);
  v1::Reporter* r = c.mutable_reporter();
  r->set_contact(privacy::MaskContact(r->contact()));
  bool own = !facts.id.empty() && facts.id == viewer.subject();
  switch (AudienceOf(viewer, facts)) {
    case Audience::kCentre:
      return c;
    case Audience::kStaff:
      if (facts.anonymous && !own) {
        r->clear_id();
        r->clear_name();
        r->clear_contact();
        for (v1::Rating& rating : *c.mutable_ratings()) {
          if (rating.rater_id() == facts.id) rating.clear_rater_id();
        }
      }
      return c;
    case Audience::kReporter:
      DropInternal(c.mutable_media());
      KeepRatingsOf(&c, viewer.subject());
      if (!PublicStatusNote(c.state())) c.clear_status_note();
      if (c.has_pending_extension()) {
        ReduceToRoles(c.mutable_pending_extension()->mutable_requested_by());
        c.mutable_pending_extension()->clear_reason();
      }
      return c;
    case Audience::kPublic:
      return PublicView(c);
  }
  return PublicView(c);
}

v1::CaseEvent PresentEvent(v1::CaseEvent e, const v1::Actor& viewer,
                           const ReporterFacts& reporter) {
  bool by_viewer = e.actor().subject() == viewer.subject();
  bool by_reporter = !reporter.id.empty() && e.actor().subject() == reporter.id;
  switch (AudienceOf(viewer, reporter)) {
    case Audience::kCentre:
      return e;
    case Audience::kStaff: {
      bool own = !reporter.id.empty() && reporter.id == viewer.subject();
      if (!reporter.anonymous || own) return e;
      if (by_reporter) ReduceToRoles(e.mutable_actor());
      e.mutable_dimensions()->clear_reporter_id();
      auto* data = e.mutable_data();
      for (const char* key : {"reporter_id", "rater_id"}) {
        if (auto it = data->find(key);
            it != data->end() && it->second == reporter.id) {
          data->erase(it);
        }
      }
      return e;
    }
    case Audience::kReporter:
      if (!by_viewer) {
        ReduceToRoles(e.mutable_actor());
        if (!PublicNote(e.type())) e.clear_note();
      }
      DropInternal(e.mutable_attachments());
      KeepPublicData(&e);
      return e;
    case Audience::kPublic:
      if (!by_viewer) {
        ReduceToRoles(e.mutable_actor());
        if (!PublicNote(e.type())) e.clear_note();
        e.clear_attachments();
      } else {
        DropInternal(e.mutable_attachments());
      }
      KeepPublicData(&e);
      e.mutable_dimensions()->clear_reporter_id();
      return e;
  }
  return e;
}

bool MayListByReporter(const v1::Actor& viewer, const ReporterFacts& reporter,
                       absl::string_view reporter_filter) {
  bool somebody_else =
      !reporter_filter.empty() && reporter_filter != viewer.subject();
  return !(somebody_else && reporter.anonymous &&
           AudienceOf(viewer, reporter) != Audience::kCentre);
}

bool MayReadTimeline(const v1::Actor& viewer, const ReporterFacts& reporter) {
  return AudienceOf(viewer, reporter) != Audience::kPublic;
}

}  // namespace gridcase::store
