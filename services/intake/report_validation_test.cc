#include "services/intake/report_validation.h"

#include <functional>
#include <string>

#include "common/clock/timestamp.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/intake_test_data.h"

namespace gridcase::intake {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const absl::Time kNow = absl::FromUnixSeconds(1782800000);

struct BadReport {
  const char* name;
  std::function<void(v1::ReportCaseRequest&)> change;
  const char* message;  // the error starts with the field it names
};

class BadReports : public ::testing::TestWithParam<BadReport> {};

TEST_P(BadReports, AreInvalidArgumentNamingTheField) {
  v1::ReportCaseRequest r = testdata::GoodReport("r-1");
  GetParam().change(r);
  absl::Status s = ValidateReport(r, kNow);
  if (s.ok()) s = ValidateAgainstCategory(r, testdata::GarbageCategory());
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          StartsWith(GetParam().message)));
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadReports,
    ::testing::Values(
        BadReport{"no_request_id", [](auto& r) { r.clear_request_id(); },
                  "request_id: is required"},
        BadReport{"bad_request_id", [](auto& r) { r.set_request_id("a b"); },
                  "request_id: must be 1-64 characters"},
        BadReport{"long_request_id",
                  [](auto& r) { r.set_request_id(std::string(65, 'a')); },
                  "request_id: must be 1-64"},
        BadReport{"no_source",
                  [](auto& r) { r.set_source(v1::SOURCE_UNSPECIFIED); },
                  "source: is required"},
        BadReport{"no_category", [](auto& r) { r.clear_category_code(); },
                  "category_code: is required"},
        BadReport{"empty_description",
                  [](auto& r) { r.set_description("   \n "); },
                  "description: must not be empty"},
        BadReport{"long_description",
                  [](auto& r) { r.set_description(Repeat("垃", 4001)); },
                  "description: must be at most 4000 characters (got 4001)"},
        BadReport{"html_description",
                  [](auto& r) { r.set_description("<b>垃圾</b>"); },
                  "description: must be plain text without HTML markup"},
        BadReport{"script_description",
                  [](auto& r) { r.set_description("x<script>alert(1)"); },
                  "description: must be plain text"},
        BadReport{"bad_utf8",
                  [](auto& r) { r.set_description(std::string("a\xc3", 2)); },
                  "description: must be valid UTF-8"},
        BadReport{"no_location", [](auto& r) { r.clear_location(); },
                  "location: is required"},
        BadReport{"latitude_range",
                  [](auto& r) { r.mutable_location()->set_latitude(91); },
                  "location.latitude: must be a WGS84 latitude"},
        BadReport{"longitude_range",
                  [](auto& r) { r.mutable_location()->set_longitude(-200); },
                  "location.longitude: must be a WGS84 longitude"},
        BadReport{
            "latitude_nan",
            [](auto& r) { r.mutable_location()->set_latitude(std::nan("")); },
            "location.latitude"},
        BadReport{"null_island",
                  [](auto& r) {
                    r.mutable_location()->set_latitude(0);
                    r.mutable_location()->set_longitude(0);
                  },
                  "location: (0, 0) is not a real location"},
        BadReport{"too_many_media",
                  [](auto& r) {
                    for (int i = 0; i < 9; ++i) *r.add_media() = r.media(0);
                  },
                  "media: at most 9 items (got 10)"},
        BadReport{"media_without_kind",
                  [](auto& r) {
                    r.mutable_media(0)->set_kind(v1::MEDIA_KIND_UNSPECIFIED);
                  },
                  "media[0].kind: is required"},
        BadReport{
            "media_http",
            [](auto& r) { r.mutable_media(0)->set_uri("http://x.cn/a.jpg"); },
            "media[0].uri: must be an https:// URL or an object key"},
        BadReport{"media_credentials",
                  [](auto& r) {
                    r.mutable_media(0)->set_uri("https://u:p@x.cn/a.jpg");
                  },
                  "media[0].uri: must be an https URL"},
        BadReport{"media_traversal",
                  [](auto& r) { r.mutable_media(0)->set_uri("a/../../etc"); },
                  "media[0].uri"},
        BadReport{"future",
                  [](auto& r) {
                    *r.mutable_occurred_at() =
                        ToTimestamp(kNow + absl::Minutes(6));
                  },
                  "occurred_at: must not be more than 5 minutes in the future"},
        BadReport{"too_old",
                  [](auto& r) {
                    *r.mutable_occurred_at() =
                        ToTimestamp(kNow - absl::Hours(24 * 31));
                  },
                  "occurred_at: must not be more than 30 days ago"},
        BadReport{"undefined_attribute",
                  [](auto& r) { (*r.mutable_attributes())["colour"] = "red"; },
                  "attributes[colour]: category E0102 defines no attribute"},
        BadReport{"bad_list_value",
                  [](auto& r) { (*r.mutable_attributes())["amount"] = "huge"; },
                  "attributes[amount]: 'huge' is not one of small, large"},
        BadReport{"bad_number",
                  [](auto& r) { (*r.mutable_attributes())["bags"] = "three"; },
                  "attributes[bags]: must be a number"},
        BadReport{"long_reporter_name",
                  [](auto& r) {
                    r.mutable_reporter()->set_name(std::string(65, 'x'));
                  },
                  "reporter.name: must be at most 64 characters"},
        // Ids end up in Redis keys and in stats' case records: no control
        // characters (a \x1f once broke stats' record encoding), valid
        // UTF-8, at most 128 characters.
        BadReport{"reporter_id_unit_separator",
                  [](auto& r) { r.mutable_reporter()->set_id("hot\x1fline"); },
                  "reporter.id: must not contain control characters"},
        BadReport{"reporter_id_nul",
                  [](auto& r) {
                    r.mutable_reporter()->set_id(std::string("a\0b", 3));
                  },
                  "reporter.id: must not contain control characters"},
        BadReport{"reporter_id_newline",
                  [](auto& r) { r.mutable_reporter()->set_id("a\nb"); },
                  "reporter.id: must not contain control characters"},
        BadReport{"reporter_id_bad_utf8",
                  [](auto& r) {
                    r.mutable_reporter()->set_id(std::string("a\xc0\x9f"));
                  },
                  "reporter.id: must be valid UTF-8"},
        BadReport{"long_reporter_id",
                  [](auto& r) {
                    r.mutable_reporter()->set_id(std::string(129, 'x'));
                  },
                  "reporter.id: must be at most 128 characters (got 129)"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ValidateReport, AcceptsAGoodReport) {
  v1::ReportCaseRequest r = testdata::GoodReport("r-1");
  (*r.mutable_attributes())["amount"] = "large";
  (*r.mutable_attributes())["bags"] = "3";
  *r.mutable_occurred_at() = ToTimestamp(kNow - absl::Hours(2));
  EXPECT_THAT(ValidateReport(r, kNow), IsOk());
  EXPECT_THAT(ValidateAgainstCategory(r, testdata::GarbageCategory()), IsOk());
  // Plain "<" stays allowed in text.
  r.set_description("水深 < 10 厘米");
  EXPECT_THAT(ValidateReport(r, kNow), IsOk());
  r.mutable_media(0)->set_uri("https://oss.example.cn/cases/a.jpg?x=1");
  EXPECT_THAT(ValidateReport(r, kNow), IsOk());
}

TEST(ValidateAgainstCategory, DisabledAndRequired) {
  v1::Category c = testdata::GarbageCategory();
  c.mutable_attributes(1)->set_required(true);
  v1::ReportCaseRequest r = testdata::GoodReport("r-1");
  EXPECT_THAT(ValidateAgainstCategory(r, c),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "attributes[bags]: is required for category E0102"));
  c.set_enabled(false);
  EXPECT_THAT(ValidateAgainstCategory(r, c),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("category_code: category E0102 is disabled")));
}

}  // namespace
}  // namespace gridcase::intake
