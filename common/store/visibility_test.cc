#include "common/store/visibility.h"

#include <google/protobuf/util/message_differencer.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kReporter[] = "wx:reporter";
constexpr char kPhone[] = "13812345678";

v1::Actor As(const std::string& subject, v1::Role role) {
  v1::Actor a;
  a.set_subject(subject);
  a.add_roles(role);
  return a;
}

v1::Actor Staffer() {
  v1::Actor a = As("s-1", v1::ROLE_DEPARTMENT_STAFF);
  a.set_display_name("李娜");
  a.set_department_id("sanitation");
  a.add_grid_codes("330483101002002");
  return a;
}

v1::Case ACase(bool anonymous) {
  v1::Case c;
  c.set_id("330483-20261204-000001");
  c.set_state(v1::CASE_STATE_REGISTERED);
  c.set_category_code("E0101");
  c.set_category_name("暴露垃圾");
  c.set_description("绿化带旁暴露垃圾, 我家门口 3 号楼");
  c.mutable_location()->set_latitude(30.684312);
  c.mutable_location()->set_longitude(120.628377);
  c.mutable_location()->set_address("桐乡市同兴大道718号");
  c.set_grid_code("330483101002002");
  c.set_town_code("330483101");
  c.mutable_reporter()->set_id(kReporter);
  c.mutable_reporter()->set_kind(v1::REPORTER_KIND_CITIZEN);
  c.mutable_reporter()->set_name("王芳");
  c.mutable_reporter()->set_contact(kPhone);
  c.mutable_reporter()->set_anonymous(anonymous);
  v1::Media* photo = c.add_media();
  photo->set_kind(v1::MEDIA_KIND_PHOTO);
  photo->set_uri("cases/a.jpg");
  v1::Media* internal = c.add_media();
  internal->set_kind(v1::MEDIA_KIND_PHOTO);
  internal->set_uri("cases/face.jpg");
  internal->set_internal(true);
  c.set_department_id("sanitation");
  c.set_department_name("环卫处");
  c.set_status_note("不属于本部门, 回退");  // a return reason: internal
  c.set_rework_count(2);
  c.set_supervised(true);
  return c;
}

v1::CaseEvent Event(v1::CaseEventType type, const v1::Actor& actor,
                    bool anonymous) {
  v1::CaseEvent e;
  e.set_type(type);
  *e.mutable_actor() = actor;
  e.set_note(absl::StrCat("note of ", v1::CaseEventType_Name(type)));
  v1::Media* m = e.add_attachments();
  m->set_kind(v1::MEDIA_KIND_PHOTO);
  m->set_uri("cases/after.jpg");
  v1::Media* internal = e.add_attachments();
  internal->set_kind(v1::MEDIA_KIND_PHOTO);
  internal->set_uri("cases/internal.jpg");
  internal->set_internal(true);
  e.mutable_dimensions()->set_reporter_id(kReporter);
  e.mutable_dimensions()->set_reporter_anonymous(anonymous);
  e.mutable_dimensions()->set_department_id("sanitation");
  (*e.mutable_data())["rule_id"] = "puyuan-E0101";
  (*e.mutable_data())["kind"] = "COMMENT";
  return e;
}

const v1::Role kCentreRoles[] = {v1::ROLE_ACCEPTOR, v1::ROLE_DISPATCHER,
                                 v1::ROLE_DUTY_CHIEF, v1::ROLE_ADMIN,
                                 v1::ROLE_SYSTEM};

TEST(AudienceOf, EveryRole) {
  ReporterFacts facts{kReporter, true};
  for (v1::Role role : kCentreRoles) {
    EXPECT_EQ(AudienceOf(As("x", role), facts), Audience::kCentre);
  }
  EXPECT_EQ(AudienceOf(As("x", v1::ROLE_GRID_MANAGER), facts),
            Audience::kStaff);
  EXPECT_EQ(AudienceOf(As("x", v1::ROLE_DEPARTMENT_STAFF), facts),
            Audience::kStaff);
  EXPECT_EQ(AudienceOf(As(kReporter, v1::ROLE_CITIZEN), facts),
            Audience::kReporter);
  EXPECT_EQ(AudienceOf(As("wx:other", v1::ROLE_CITIZEN), facts),
            Audience::kPublic);
  // An actor with no role at all is treated as a member of the public.
  v1::Actor none;
  none.set_subject("nobody");
  EXPECT_EQ(AudienceOf(none, facts), Audience::kPublic);
  // A grid manager who is also a citizen reads as staff.
  v1::Actor both = As("gm-1", v1::ROLE_CITIZEN);
  both.add_roles(v1::ROLE_GRID_MANAGER);
  EXPECT_EQ(AudienceOf(both, facts), Audience::kStaff);
}

TEST(PresentCase, CentreStaffSeeEverythingButTheFullContact) {
  for (v1::Role role : kCentreRoles) {
    v1::Case c = PresentCase(ACase(true), As("x", role));
    EXPECT_EQ(c.reporter().id(), kReporter) << v1::Role_Name(role);
    EXPECT_EQ(c.reporter().name(), "王芳");
    EXPECT_EQ(c.reporter().contact(), "138****5678");
    EXPECT_EQ(c.media_size(), 2);
    EXPECT_EQ(c.status_note(), "不属于本部门, 回退");
  }
}

TEST(PresentCase, OtherStaffDoNotSeeAnAnonymousReporter) {
  for (v1::Role role : {v1::ROLE_GRID_MANAGER, v1::ROLE_DEPARTMENT_STAFF}) {
    v1::Case hidden = PresentCase(ACase(true), As("x", role));
    EXPECT_EQ(hidden.reporter().id(), "") << v1::Role_Name(role);
    EXPECT_EQ(hidden.reporter().name(), "");
    EXPECT_EQ(hidden.reporter().contact(), "");
    EXPECT_EQ(hidden.reporter().kind(), v1::REPORTER_KIND_CITIZEN);
    EXPECT_EQ(hidden.description(), ACase(true).description());
    v1::Case named = PresentCase(ACase(false), As("x", role));
    EXPECT_EQ(named.reporter().id(), kReporter);
    EXPECT_EQ(named.reporter().contact(), "138****5678");
  }
}

TEST(PresentCase, TheReporterSeesTheirCaseButNoInternalNoteOrMedia) {
  v1::Case c = PresentCase(ACase(true), As(kReporter, v1::ROLE_CITIZEN));
  EXPECT_EQ(c.reporter().id(), kReporter);
  EXPECT_EQ(c.reporter().name(), "王芳");
  EXPECT_EQ(c.reporter().contact(), "138****5678");
  EXPECT_EQ(c.description(), ACase(true).description());
  EXPECT_EQ(c.location().address(), "桐乡市同兴大道718号");
  ASSERT_EQ(c.media_size(), 1);
  EXPECT_EQ(c.media(0).uri(), "cases/a.jpg");
  EXPECT_EQ(c.status_note(), "");  // the return reason is internal
  v1::Case voided = ACase(true);
  voided.set_state(v1::CASE_STATE_VOIDED);
  voided.set_status_note("重复上报");
  EXPECT_EQ(PresentCase(voided, As(kReporter, v1::ROLE_CITIZEN)).status_note(),
            "重复上报");
}

TEST(PresentCase, OtherCitizensSeeOnlyThePublicView) {
  v1::Case closed = ACase(false);
  closed.set_state(v1::CASE_STATE_CLOSED);
  closed.set_status_note("已清运");
  v1::Case c = PresentCase(closed, As("wx:other", v1::ROLE_CITIZEN));
  EXPECT_EQ(c.id(), closed.id());
  EXPECT_EQ(c.state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(c.category_code(), "E0101");
  EXPECT_EQ(c.category_name(), "暴露垃圾");
  EXPECT_EQ(c.status_note(), "已清运");
  EXPECT_DOUBLE_EQ(c.location().latitude(), 30.684);
  EXPECT_DOUBLE_EQ(c.location().longitude(), 120.628);
  EXPECT_EQ(c.location().address(), "");
  EXPECT_EQ(c.description(), "");
  EXPECT_THAT(c.media(), IsEmpty());
  EXPECT_EQ(c.reporter().id(), "");
  EXPECT_EQ(c.reporter().name(), "");
  EXPECT_EQ(c.reporter().contact(), "");
  EXPECT_EQ(c.reporter().kind(), v1::REPORTER_KIND_CITIZEN);
  EXPECT_EQ(c.rework_count(), 0);
  EXPECT_FALSE(c.supervised());
  // An internal reason in status_note is not public.
  EXPECT_EQ(
      PresentCase(ACase(false), As("wx:other", v1::ROLE_CITIZEN)).status_note(),
      "");
}

TEST(PresentEvent, CentreStaffSeeEveryEventAsStored) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_RETURNED, Staffer(), true);
  for (v1::Role role : kCentreRoles) {
    v1::CaseEvent shown =
        PresentEvent(e, As("x", role), ReporterFacts{kReporter, true});
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(shown, e))
        << v1::Role_Name(role);
  }
}

TEST(PresentEvent, OtherStaffDoNotSeeAnAnonymousReporterAsActorOrDimension) {
  v1::Actor reporter = As(kReporter, v1::ROLE_CITIZEN);
  reporter.set_display_name("王芳");
  v1::CaseEvent reported =
      Event(v1::CASE_EVENT_TYPE_REPORTED, reporter, /*anonymous=*/true);
  (*reported.mutable_data())["reporter_id"] = kReporter;
  for (v1::Role role : {v1::ROLE_GRID_MANAGER, v1::ROLE_DEPARTMENT_STAFF}) {
    v1::CaseEvent shown =
        PresentEvent(reported, As("x", role), ReporterFacts::Of(reported));
    EXPECT_EQ(shown.actor().subject(), "") << v1::Role_Name(role);
    EXPECT_EQ(shown.actor().display_name(), "");
    EXPECT_THAT(shown.actor().roles(), ElementsAre(v1::ROLE_CITIZEN));
    EXPECT_EQ(shown.dimensions().reporter_id(), "");
    EXPECT_EQ(shown.data().count("reporter_id"), 0u);
    EXPECT_EQ(shown.note(), reported.note());  // staff read notes
  }
  // Not anonymous: staff see the reporter.
  v1::CaseEvent open = Event(v1::CASE_EVENT_TYPE_REPORTED, reporter, false);
  v1::CaseEvent shown = PresentEvent(open, As("x", v1::ROLE_GRID_MANAGER),
                                     ReporterFacts::Of(open));
  EXPECT_EQ(shown.actor().subject(), kReporter);
  EXPECT_EQ(shown.dimensions().reporter_id(), kReporter);
}

TEST(PresentEvent, TheReporterSeesPublicNotesAndRolesOfStaff) {
  v1::Actor me = As(kReporter, v1::ROLE_CITIZEN);
  ReporterFacts facts{kReporter, true};
  v1::CaseEvent returned = PresentEvent(
      Event(v1::CASE_EVENT_TYPE_RETURNED, Staffer(), true), me, facts);
  EXPECT_EQ(returned.note(), "");
  EXPECT_EQ(returned.actor().subject(), "");
  EXPECT_EQ(returned.actor().display_name(), "");
  EXPECT_EQ(returned.actor().department_id(), "");
  EXPECT_THAT(returned.actor().grid_codes(), IsEmpty());
  EXPECT_THAT(returned.actor().roles(), ElementsAre(v1::ROLE_DEPARTMENT_STAFF));
  ASSERT_EQ(returned.attachments_size(), 1);
  EXPECT_EQ(returned.attachments(0).uri(), "cases/after.jpg");
  EXPECT_EQ(returned.data().count("rule_id"), 0u);
  EXPECT_EQ(returned.data().at("kind"), "COMMENT");
  EXPECT_EQ(returned.dimensions().reporter_id(), kReporter);

  v1::CaseEvent verified = PresentEvent(
      Event(v1::CASE_EVENT_TYPE_VERIFIED, Staffer(), true), me, facts);
  EXPECT_EQ(verified.note(), "note of CASE_EVENT_TYPE_VERIFIED");

  v1::CaseEvent mine =
      PresentEvent(Event(v1::CASE_EVENT_TYPE_FOLLOWED_UP, me, true), me, facts);
  EXPECT_EQ(mine.note(), "note of CASE_EVENT_TYPE_FOLLOWED_UP");
  EXPECT_EQ(mine.actor().subject(), kReporter);
}

TEST(PresentEvent, OtherCitizensSeeNoInternalNoteAttachmentOrIdentity) {
  v1::Actor stranger = As("wx:other", v1::ROLE_CITIZEN);
  ReporterFacts facts{kReporter, false};
  for (int t = v1::CASE_EVENT_TYPE_REPORTED;
       t <= v1::CASE_EVENT_TYPE_FOLLOWED_UP; ++t) {
    auto type = static_cast<v1::CaseEventType>(t);
    v1::CaseEvent shown =
        PresentEvent(Event(type, Staffer(), false), stranger, facts);
    SCOPED_TRACE(v1::CaseEventType_Name(type));
    EXPECT_EQ(shown.note().empty(), !PublicNote(type));
    EXPECT_THAT(shown.attachments(), IsEmpty());
    EXPECT_EQ(shown.actor().subject(), "");
    EXPECT_EQ(shown.actor().department_id(), "");
    EXPECT_EQ(shown.dimensions().reporter_id(), "");
    EXPECT_EQ(shown.data().count("rule_id"), 0u);
    EXPECT_EQ(shown.type(), type);
  }
  // The reporter as actor is hidden too.
  v1::CaseEvent reported =
      PresentEvent(Event(v1::CASE_EVENT_TYPE_REPORTED,
                         As(kReporter, v1::ROLE_CITIZEN), false),
                   stranger, facts);
  EXPECT_EQ(reported.actor().subject(), "");
}

TEST(PublicNote, OnlyEventsThatExplainAStateToThePublic) {
  std::vector<std::string> public_types;
  for (int t = v1::CASE_EVENT_TYPE_REPORTED;
       t <= v1::CASE_EVENT_TYPE_FOLLOWED_UP; ++t) {
    if (PublicNote(static_cast<v1::CaseEventType>(t))) {
      public_types.push_back(
          v1::CaseEventType_Name(static_cast<v1::CaseEventType>(t)));
    }
  }
  EXPECT_THAT(
      public_types,
      ElementsAre("CASE_EVENT_TYPE_VOIDED", "CASE_EVENT_TYPE_VERIFIED",
                  "CASE_EVENT_TYPE_SUSPENDED", "CASE_EVENT_TYPE_SELF_CLOSED",
                  "CASE_EVENT_TYPE_CLOSED"));
}

// --- The table: what each reader sees of each field
// ---------------------------
//
// One row per field (and case), one column per reader: the nine roles a
// caller can have, the citizen split into the case's reporter and anybody
// else. Y: shown as stored; M: shown masked; N: not shown (empty or, for
// the location, rounded). docs/security.md ("Privacy") states the same.

enum Seen { N, M, Y };

struct Reader {
  const char* name;
  v1::Actor actor;
};

std::vector<Reader> Readers() {
  return {{"acceptor", As("acc-1", v1::ROLE_ACCEPTOR)},
          {"dispatcher", As("dsp-1", v1::ROLE_DISPATCHER)},
          {"duty_chief", As("chief-1", v1::ROLE_DUTY_CHIEF)},
          {"admin", As("admin-1", v1::ROLE_ADMIN)},
          {"system", As("system:dispatch", v1::ROLE_SYSTEM)},
          {"grid_manager", As("gm-1", v1::ROLE_GRID_MANAGER)},
          {"department_staff", Staffer()},
          {"the reporter", As(kReporter, v1::ROLE_CITIZEN)},
          {"another citizen", As("wx:other", v1::ROLE_CITIZEN)}};
}

// A case field: how much of it a reader saw, given the stored case.
struct CaseRow {
  const char* field;
  bool anonymous;
  std::function<void(v1::Case*)> setup;  // e.g. a public state
  std::function<Seen(const v1::Case& stored, const v1::Case& shown)> seen;
  std::vector<Seen> expected;  // one per Readers()
};

Seen Same(const std::string& stored, const std::string& shown) {
  if (shown.empty()) return N;
  return shown == stored ? Y : M;
}

std::vector<CaseRow> CaseRows() {
  auto none = [](v1::Case*) {};
  auto reporter_id = [](const v1::Case& a, const v1::Case& b) {
    return Same(a.reporter().id(), b.reporter().id());
  };
  auto contact = [](const v1::Case& a, const v1::Case& b) {
    return Same(a.reporter().contact(), b.reporter().contact());
  };
  auto internal_media = [](const v1::Case&, const v1::Case& b) {
    for (const v1::Media& m : b.media()) {
      if (m.internal()) return Y;
    }
    return N;
  };
  auto status_note = [](const v1::Case& a, const v1::Case& b) {
    return Same(a.status_note(), b.status_note());
  };
  auto extension = [](v1::Case* c) {
    v1::PendingExtension* x = c->mutable_pending_extension();
    *x->mutable_requested_by() = Staffer();
    x->set_reason("缺少设备, 申请延期");
  };
  // Ratings: the reporter's own and a follower's (wx:follower).
  auto ratings = [](v1::Case* c) {
    c->set_state(v1::CASE_STATE_CLOSED);
    for (const char* rater : {kReporter, "wx:follower"}) {
      v1::Rating* r = c->add_ratings();
      r->set_rater_id(rater);
      r->set_satisfaction(v1::SATISFACTION_UNSATISFIED);
      r->set_comment(absl::StrCat(rater, " 不满意"));
    }
  };
  auto rating_of = [](const char* rater) {
    return [rater](const v1::Case& a, const v1::Case& b) {
      for (const v1::Rating& r : b.ratings()) {
        if (r.comment() == absl::StrCat(rater, " 不满意")) {
          return r.rater_id() == rater ? Y : M;
        }
      }
      return N;
    };
  };
  //                                              acc dsp chf adm sys gm  dep
  //                                              rep pub
  return {
      {"ratings (the reporter's)",
       true,
       ratings,
       rating_of(kReporter),
       {Y, Y, Y, Y, Y, M, M, Y, N}},
      {"ratings (a follower's)",
       false,
       ratings,
       rating_of("wx:follower"),
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"external_ref.id",
       false,
       [](v1::Case* c) {
         c->mutable_external_ref()->set_system("12345");
         c->mutable_external_ref()->set_id("GD-1");
       },
       [](const v1::Case& a, const v1::Case& b) {
         return Same(a.external_ref().id(), b.external_ref().id());
       },
       {Y, Y, Y, Y, Y, Y, Y, Y, N}},
      {"reporter.id", true, none, reporter_id, {Y, Y, Y, Y, Y, N, N, Y, N}},
      {"reporter.id", false, none, reporter_id, {Y, Y, Y, Y, Y, Y, Y, Y, N}},
      {"reporter.name",
       true,
       none,
       [](const v1::Case& a, const v1::Case& b) {
         return Same(a.reporter().name(), b.reporter().name());
       },
       {Y, Y, Y, Y, Y, N, N, Y, N}},
      {"reporter.contact", true, none, contact, {M, M, M, M, M, N, N, M, N}},
      {"reporter.contact", false, none, contact, {M, M, M, M, M, M, M, M, N}},
      {"description",
       false,
       none,
       [](const v1::Case& a, const v1::Case& b) {
         return Same(a.description(), b.description());
       },
       {Y, Y, Y, Y, Y, Y, Y, Y, N}},
      {"location.address",
       false,
       none,
       [](const v1::Case& a, const v1::Case& b) {
         return Same(a.location().address(), b.location().address());
       },
       {Y, Y, Y, Y, Y, Y, Y, Y, N}},
      {"location (exact)",
       false,
       none,
       [](const v1::Case& a, const v1::Case& b) {
         return a.location().latitude() == b.location().latitude() ? Y : N;
       },
       {Y, Y, Y, Y, Y, Y, Y, Y, N}},
      {"media (internal)",
       false,
       none,
       internal_media,
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"status_note (internal: a return reason)",
       false,
       none,
       status_note,
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"status_note (public: VOIDED)",
       false,
       [](v1::Case* c) {
         c->set_state(v1::CASE_STATE_VOIDED);
         c->set_status_note("重复上报");
       },
       status_note,
       {Y, Y, Y, Y, Y, Y, Y, Y, Y}},
      {"pending_extension.reason",
       false,
       extension,
       [](const v1::Case& a, const v1::Case& b) {
         return Same(a.pending_extension().reason(),
                     b.pending_extension().reason());
       },
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"pending_extension.requested_by",
       false,
       extension,
       [](const v1::Case& a, const v1::Case& b) {
         return Same(a.pending_extension().requested_by().subject(),
                     b.pending_extension().requested_by().subject());
       },
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"rework_count",
       false,
       none,
       [](const v1::Case& a, const v1::Case& b) {
         return b.rework_count() == a.rework_count() ? Y : N;
       },
       {Y, Y, Y, Y, Y, Y, Y, Y, N}},
      {"department_id",
       false,
       none,
       [](const v1::Case& a, const v1::Case& b) {
         return Same(a.department_id(), b.department_id());
       },
       {Y, Y, Y, Y, Y, Y, Y, Y, Y}},
  };
}

TEST(VisibilityTable, EveryReaderSeesOfACaseWhatTheRulesSay) {
  std::vector<Reader> readers = Readers();
  for (const CaseRow& row : CaseRows()) {
    v1::Case stored = ACase(row.anonymous);
    row.setup(&stored);
    ASSERT_EQ(row.expected.size(), readers.size()) << row.field;
    for (size_t r = 0; r < readers.size(); ++r) {
      v1::Case shown = PresentCase(stored, readers[r].actor);
      EXPECT_EQ(row.seen(stored, shown), row.expected[r])
          << row.field << (row.anonymous ? " (anonymous)" : "") << " as "
          << readers[r].name;
    }
  }
}

// An event field: how much of it a reader saw.
struct EventRow {
  const char* field;
  bool anonymous;
  std::function<v1::CaseEvent()> event;
  std::function<Seen(const v1::CaseEvent& stored, const v1::CaseEvent& shown)>
      seen;
  std::vector<Seen> expected;
};

std::vector<EventRow> EventRows() {
  auto by_staff = [](v1::CaseEventType type) {
    return [type] { return Event(type, Staffer(), true); };
  };
  auto by_reporter = [](v1::CaseEventType type, bool anonymous) {
    return [type, anonymous] {
      v1::Actor me = As(kReporter, v1::ROLE_CITIZEN);
      me.set_display_name("王芳");
      v1::CaseEvent e = Event(type, me, anonymous);
      (*e.mutable_data())["reporter_id"] = kReporter;
      return e;
    };
  };
  auto note = [](const v1::CaseEvent& a, const v1::CaseEvent& b) {
    return Same(a.note(), b.note());
  };
  auto actor = [](const v1::CaseEvent& a, const v1::CaseEvent& b) {
    return Same(a.actor().subject(), b.actor().subject());
  };
  auto has_attachment = [](absl::string_view uri) {
    return [uri](const v1::CaseEvent&, const v1::CaseEvent& b) {
      for (const v1::Media& m : b.attachments()) {
        if (m.uri() == uri) return Y;
      }
      return N;
    };
  };
  auto data = [](const std::string& key) {
    return [key](const v1::CaseEvent& a, const v1::CaseEvent& b) {
      auto it = b.data().find(key);
      return it == b.data().end() ? N : Same(a.data().at(key), it->second);
    };
  };
  auto dims_reporter = [](const v1::CaseEvent& a, const v1::CaseEvent& b) {
    return Same(a.dimensions().reporter_id(), b.dimensions().reporter_id());
  };
  //                                                  acc dsp chf adm sys gm dep
  //                                                  rep pub
  return {
      {"note (internal: RETURNED)",
       true,
       by_staff(v1::CASE_EVENT_TYPE_RETURNED),
       note,
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"note (internal: SUPERVISED)",
       true,
       by_staff(v1::CASE_EVENT_TYPE_SUPERVISED),
       note,
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"note (public: VERIFIED)",
       true,
       by_staff(v1::CASE_EVENT_TYPE_VERIFIED),
       note,
       {Y, Y, Y, Y, Y, Y, Y, Y, Y}},
      {"actor (staff)",
       true,
       by_staff(v1::CASE_EVENT_TYPE_DISPATCHED),
       actor,
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"actor.roles (staff)",
       true,
       by_staff(v1::CASE_EVENT_TYPE_DISPATCHED),
       [](const v1::CaseEvent&, const v1::CaseEvent& b) {
         return b.actor().roles_size() == 1 ? Y : N;
       },
       {Y, Y, Y, Y, Y, Y, Y, Y, Y}},
      {"attachment (internal)",
       true,
       by_staff(v1::CASE_EVENT_TYPE_HANDLED),
       has_attachment("cases/internal.jpg"),
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"attachment (public)",
       true,
       by_staff(v1::CASE_EVENT_TYPE_HANDLED),
       has_attachment("cases/after.jpg"),
       {Y, Y, Y, Y, Y, Y, Y, Y, N}},
      {"data.rule_id",
       true,
       by_staff(v1::CASE_EVENT_TYPE_DISPATCHED),
       data("rule_id"),
       {Y, Y, Y, Y, Y, Y, Y, N, N}},
      {"data.kind",
       true,
       by_staff(v1::CASE_EVENT_TYPE_FOLLOWED_UP),
       data("kind"),
       {Y, Y, Y, Y, Y, Y, Y, Y, Y}},
      {"dimensions.reporter_id",
       true,
       by_staff(v1::CASE_EVENT_TYPE_DISPATCHED),
       dims_reporter,
       {Y, Y, Y, Y, Y, N, N, Y, N}},
      {"dimensions.reporter_id",
       false,
       by_reporter(v1::CASE_EVENT_TYPE_REPORTED, false),
       dims_reporter,
       {Y, Y, Y, Y, Y, Y, Y, Y, N}},
      {"actor (the reporter)",
       true,
       by_reporter(v1::CASE_EVENT_TYPE_REPORTED, true),
       actor,
       {Y, Y, Y, Y, Y, N, N, Y, N}},
      {"actor (the reporter)",
       false,
       by_reporter(v1::CASE_EVENT_TYPE_REPORTED, false),
       actor,
       {Y, Y, Y, Y, Y, Y, Y, Y, N}},
      {"data.reporter_id (the reporter's follow-up)",
       true,
       by_reporter(v1::CASE_EVENT_TYPE_FOLLOWED_UP, true),
       data("reporter_id"),
       {Y, Y, Y, Y, Y, N, N, N, N}},
      {"note (the reporter's own follow-up)",
       true,
       by_reporter(v1::CASE_EVENT_TYPE_FOLLOWED_UP, true),
       note,
       {Y, Y, Y, Y, Y, Y, Y, Y, N}},
  };
}

TEST(VisibilityTable, EveryReaderSeesOfAnEventWhatTheRulesSay) {
  std::vector<Reader> readers = Readers();
  for (const EventRow& row : EventRows()) {
    v1::CaseEvent stored = row.event();
    ReporterFacts facts{kReporter, row.anonymous};
    ASSERT_EQ(row.expected.size(), readers.size()) << row.field;
    for (size_t r = 0; r < readers.size(); ++r) {
      v1::CaseEvent shown = PresentEvent(stored, readers[r].actor, facts);
      EXPECT_EQ(row.seen(stored, shown), row.expected[r])
          << row.field << (row.anonymous ? " (anonymous)" : "") << " as "
          << readers[r].name;
    }
  }
}

TEST(VisibilityTable, ACitizenNeverSeesAnInternalNote) {
  v1::Case c = ACase(false);
  for (const v1::Actor& citizen :
       {As(kReporter, v1::ROLE_CITIZEN), As("wx:other", v1::ROLE_CITIZEN)}) {
    for (int t = v1::CASE_EVENT_TYPE_REPORTED;
         t <= v1::CASE_EVENT_TYPE_FOLLOWED_UP; ++t) {
      auto type = static_cast<v1::CaseEventType>(t);
      v1::CaseEvent shown = PresentEvent(Event(type, Staffer(), false), citizen,
                                         ReporterFacts::Of(c));
      EXPECT_EQ(shown.note().empty(), !PublicNote(type))
          << v1::CaseEventType_Name(type) << " as " << citizen.subject();
    }
  }
}

TEST(MayListByReporter, OnlyCentreStaffLearnWhichAnonymousReportsAreWhose) {
  ReporterFacts anonymous{kReporter, true};
  ReporterFacts named{kReporter, false};
  for (const Reader& reader : Readers()) {
    bool centre = AudienceOf(reader.actor, anonymous) == Audience::kCentre;
    bool self = reader.actor.subject() == kReporter;
    EXPECT_EQ(MayListByReporter(reader.actor, anonymous, kReporter),
              centre || self)
        << reader.name;
    EXPECT_TRUE(MayListByReporter(reader.actor, named, kReporter))
        << reader.name;
    // Without a reporter filter nothing is skipped (the reporter is masked).
    EXPECT_TRUE(MayListByReporter(reader.actor, anonymous, "")) << reader.name;
  }
}

TEST(MayReadTimeline, StaffAndTheReporterOnly) {
  ReporterFacts facts{kReporter, false};
  for (const Reader& reader : Readers()) {
    EXPECT_EQ(MayReadTimeline(reader.actor, facts),
              std::string(reader.name) != "another citizen")
        << reader.name;
  }
}

}  // namespace
}  // namespace gridcase::store
