#include "common/validation/message_shape.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gridcase/v1/dispatch.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "gridcase/v1/registry.pb.h"
#include "gtest/gtest.h"

namespace gridcase::validation {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

TEST(MessageShape, DefinedValuesPass) {
  v1::ReportCaseRequest r;
  r.set_source(v1::SOURCE_WECHAT);
  r.mutable_occurred_at()->set_seconds(1782784800);
  r.mutable_occurred_at()->set_nanos(999999999);
  v1::Media* m = r.add_media();
  m->set_kind(v1::MEDIA_KIND_PHOTO);
  (*r.mutable_attributes())["plate"] = "浙F12345";
  EXPECT_THAT(ValidateMessageShape(r), IsOk());
  EXPECT_THAT(ValidateMessageShape(v1::ListCasesRequest()), IsOk());
}

TEST(MessageShape, UnknownEnumValuesAreNamedByTheirPath) {
  v1::ReportCaseRequest r;
  r.set_source(static_cast<v1::Source>(99));
  EXPECT_THAT(ValidateMessageShape(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "source: 99 is not a gridcase.v1.Source value"));

  v1::ReportCaseRequest media;
  media.add_media()->set_kind(v1::MEDIA_KIND_PHOTO);
  media.add_media()->set_kind(static_cast<v1::MediaKind>(42));
  EXPECT_THAT(ValidateMessageShape(media),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("media[1].kind: 42 is not a")));

  v1::ReportCaseRequest reporter;
  reporter.mutable_reporter()->set_kind(static_cast<v1::ReporterKind>(77));
  EXPECT_THAT(ValidateMessageShape(reporter),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("reporter.kind: 77")));

  v1::ListCasesRequest list;
  list.add_states(v1::CASE_STATE_CLOSED);
  list.add_states(static_cast<v1::CaseState>(99));
  EXPECT_THAT(
      ValidateMessageShape(list),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("states[1]: 99")));
}

TEST(MessageShape, TimestampsMustBeValidInstants) {
  for (int nanos : {2000000000, -5}) {
    v1::ReportCaseRequest r;
    r.mutable_occurred_at()->set_seconds(1782784800);
    r.mutable_occurred_at()->set_nanos(nanos);
    EXPECT_THAT(ValidateMessageShape(r),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("occurred_at: nanos must be 0-999999999")));
  }
  v1::ReportCaseRequest far;
  far.mutable_occurred_at()->set_seconds(253402300800);  // year 10000
  EXPECT_THAT(ValidateMessageShape(far),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("occurred_at: must be between")));
  v1::ListCasesRequest range;
  range.mutable_reported()->mutable_start()->set_nanos(-1);
  EXPECT_THAT(ValidateMessageShape(range),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("reported.start: nanos")));
}

TEST(MessageShape, TimeRangesMustNotBeReversed) {
  v1::ListCasesRequest r;
  r.mutable_reported()->mutable_start()->set_seconds(1782784800);
  r.mutable_reported()->mutable_end()->set_seconds(1782784800);
  EXPECT_THAT(ValidateMessageShape(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "reported: end must be after start"));
  r.mutable_reported()->mutable_end()->set_nanos(1);
  EXPECT_THAT(ValidateMessageShape(r), IsOk());
  r.mutable_reported()->clear_start();
  r.mutable_reported()->mutable_end()->set_seconds(0);
  EXPECT_THAT(ValidateMessageShape(r), IsOk());
}

TEST(MessageShape, DurationsMustBeValid) {
  v1::UpsertCategoryRequest ok;
  ok.mutable_category()->mutable_duplicate_window()->set_seconds(259200);
  EXPECT_THAT(ValidateMessageShape(ok), IsOk());
  v1::UpsertCategoryRequest sign;
  sign.mutable_category()->mutable_duplicate_window()->set_seconds(5);
  sign.mutable_category()->mutable_duplicate_window()->set_nanos(-1);
  EXPECT_THAT(ValidateMessageShape(sign),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("category.duplicate_window: seconds and "
                                 "nanos must have the same sign")));
  v1::RequestExtensionRequest bad;
  bad.mutable_extra()->set_unit(static_cast<v1::TimeUnit>(17));
  EXPECT_THAT(ValidateMessageShape(bad),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("extra.unit: 17")));
}

}  // namespace
}  // namespace gridcase::validation
