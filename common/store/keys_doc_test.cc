// The key tables of docs/architecture.md and common/store/keys.h describe
// the same keys: every pattern the tables document is a `// key:` line of
// the header, every `// key:` line is documented, and the header's
// functions build keys of exactly those shapes.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/store/keys.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::store {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The backticked patterns in the first column of every table whose first
// column is headed "key".
std::set<std::string> DocumentedPatterns(const std::string& markdown) {
  std::set<std::string> out;
  bool in_key_table = false;
  for (absl::string_view line : absl::StrSplit(markdown, '\n')) {
    if (!absl::StartsWith(line, "|")) {
      in_key_table = false;
      continue;
    }
    std::vector<absl::string_view> cells = absl::StrSplit(line, '|');
    absl::string_view first = absl::StripAsciiWhitespace(cells[1]);
    if (first == "key") {
      in_key_table = true;
      continue;
    }
    if (!in_key_table || absl::StartsWith(first, "---")) continue;
    std::vector<absl::string_view> spans = absl::StrSplit(first, '`');
    for (size_t i = 1; i < spans.size(); i += 2)
      out.insert(std::string(spans[i]));
  }
  return out;
}

std::set<std::string> HeaderPatterns(const std::string& header) {
  std::set<std::string> out;
  for (absl::string_view line : absl::StrSplit(header, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, "// key: ")) {
      out.insert(std::string(absl::StripAsciiWhitespace(line)));
    }
  }
  return out;
}

// A key pattern as a regex: "N" of a shard tag is a number, a <placeholder>
// any non-empty text.
std::regex PatternRegex(absl::string_view pattern) {
  std::string re;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '<') {
      i = pattern.find('>', i);
      re += ".+";
    } else if (c == 'N' && i > 0 && pattern[i - 1] == ':' &&
               i + 1 < pattern.size() && pattern[i + 1] == '}') {
      re += "[0-9]+";
    } else if (std::string("{}[]().*+?^$|\\").find(c) != std::string::npos) {
      re += std::string("\\") + c;
    } else {
      re += c;
    }
  }
  return std::regex(re);
}

// A key built by the header's functions for every pattern.
std::vector<std::pair<std::string, std::string>> Examples() {
  const std::string gen = StatsGenerationPrefix(3, 7);
  return {
      {"{s:N}:case:<id>", CaseKey(3, "330483-20260630-000087")},
      {"{s:N}:timeline:<id>", TimelineKey(3, "330483-20260630-000087")},
      {"{s:N}:followers:<id>", FollowersKey(3, "330483-20260630-000087")},
      {"{s:N}:arc:<id>", ArchiveKey(3, "330483-20260630-000087")},
      {"{arc}:dict:<id>", ArchiveDictionaryKey(1234567)},
      {"{arc}:dict", kArchiveDictionaryKey},
      {"{s:N}:idem:<scope>", IdempotencyKey(3, IdempotencyScope("wx:a", "r"))},
      {"{s:N}:idem:dispatch:<scope>",
       DispatchIdempotencyKey(3, IdempotencyScope("m-1", "r"))},
      {"{s:N}:seq:<division>:<date>", SequenceKey(3, "330483", "20260630")},
      {"{s:N}:seqrun:<division>:<date>",
       SequenceRunKey(3, "330483", "20260630")},
      {"{s:N}:idx:<kind>:<value>", StateIndexKey(3, v1::CASE_STATE_REPORTED)},
      {"{s:N}:geo:open:<category>", GeoOpenKey(3, "E0101")},
      {"{s:N}:geo:cases", GeoCasesKey(3)},
      {"{s:N}:alarms", AlarmsKey(3)},
      {"{s:N}:deferred", DeferredKey(3)},
      {"{s:N}:closed", ClosedKey(3)},
      {"{s:N}:closed:backfilled", ClosedBackfilledKey(3)},
      {"{s:N}:ext:<system>:<id>", ExternalRefKey(3, "12345", "GD20261205001")},
      {"{s:N}:q:review", QueueKey(3, ReviewQueue())},
      {"{s:N}:q:dept:<department>", QueueKey(3, DepartmentQueue("works"))},
      {"{s:N}:q:verify", QueueKey(3, VerifyQueue())},
      {"{s:N}:q:verify:<grid>",
       QueueKey(3, GridVerifyQueue("330483101002007"))},
      {"{s:N}:q:approvals", QueueKey(3, ApprovalsQueue())},
      {"{s:N}:q:sup", QueueKey(3, SupervisionQueue())},
      {"{s:N}:q:unsatisfied", QueueKey(3, UnsatisfiedQueue())},
      {"{s:N}:q:check", QueueKey(3, CheckQueue())},
      {"{s:N}:q:check:<grid>", QueueKey(3, GridCheckQueue("330483101002007"))},
      {"{s:N}:q:sup:<department>",
       QueueKey(3, DepartmentSupervisionQueue("works"))},
      {"{s:N}:open", OpenCountsKey(3)},
      {"{s:N}:overdue", OverdueCountsKey(3)},
      {"{s:N}:events", EventsKey(3)},
      {"{s:N}:events:dead", DeadEventsKey(3)},
      {"{s:N}:nt:d:<delivery>",
       NotifyDeliveryKey(3, "3/1719712800000-0/DEPARTMENT/works/WEBHOOK")},
      {"{s:N}:nt:due", NotifyDueKey(3)},
      {"{s:N}:nt:dead", NotifyDeadKey(3)},
      {"{s:N}:nt:case:<id>", NotifyCaseKey(3, "330483-20260630-000087")},
      {"{s:N}:nt:to:<kind>:<recipient>",
       NotifyRecipientKey(3, "DEPARTMENT", "works")},
      {"{s:N}:st:meta", StatsMetaKey(3)},
      {"stats:generation", std::string(kStatsGenerationKey)},
      {"{s:N}:st:<gen>:<kind>:<bucket>",
       absl::StrCat(gen, StatsBucketSuffix("tn", "20261126"))},
      {"{s:N}:st:<gen>:now:<kind>", absl::StrCat(gen, StatsNowSuffix("tn"))},
      {"{s:N}:st:<gen>:hs:<town>:<bucket>",
       absl::StrCat(gen, StatsHotspotSuffix("330483101", "202611"))},
      {"{s:N}:st:<gen>:cases", absl::StrCat(gen, kStatsCasesSuffix)},
      {"{s:N}:st:<gen>:seen:<YYYYMMDD>",
       absl::StrCat(gen, StatsSeenSuffix("1719712800000-0"))},
      {"{reg}:regions", std::string(kRegionsKey)},
      {"{reg}:members", std::string(kMembersKey)},
      {"{reg}:departments", std::string(kDepartmentsKey)},
      {"{reg}:categories", std::string(kCategoriesKey)},
      {"{reg}:duties", std::string(kDutiesKey)},
      {"{reg}:rules", std::string(kRulesKey)},
      {"{reg}:calendar", std::string(kCalendarKey)},
      {"{reg}:version", std::string(kRegistryVersionKey)},
      {"{reg}:refversion", std::string(kReferenceVersionKey)},
      {"{reg}:calversion", std::string(kCalendarVersionKey)},
      {"{reg}:updated_at", std::string(kRegistryUpdatedAtKey)},
      {"{reg}:rule_seq", std::string(kRuleSequenceKey)},
      {"{reg}:audit", std::string(kRegistryAuditKey)},
      {"{disp}:routing", std::string(kRoutingKey)},
      {"{disp}:audit", std::string(kRoutingAuditKey)},
      {"{rl:<scope>:<bucket>}", RateKey("intake", "caller:wx:o6_1")},
      {"{rq:<reporter>}:<YYYYMMDD>", ReportQuotaKey("wx:o6_1", "20260630")},
      {"{rpt:<region>}:cur:<kind>:<start>",
       ReportCurrentKey("330483", 'D', "20261205")},
      {"{rpt:<region>}:doc:<id>", ReportDocKey("330483", "330483-D20261205-1")},
      {"{rpt:<region>}:sum:<id>",
       ReportSummaryKey("330483", "330483-D20261205-1")},
      {"{rpt:<region>}:list", ReportListKey("330483101")},
      {"{rpt:<region>}:list:<kind>", ReportKindListKey("330483101", 'W')},
      {"{pt:<member>}:seq", PatrolSequenceKey("m-0042")},
      {"{pt:<member>}:active", PatrolActiveKey("m-0042")},
      {"{pt:<member>}:idx", PatrolIndexKey("m-0042")},
      {"{pt:<member>}:p:<patrol>", PatrolKey("m-0042", "m-0042-20261206-1")},
      {"{pt:<member>}:trk:<patrol>",
       PatrolTrackKey("m-0042", "m-0042-20261206-1")},
      {"{pt:<member>}:ci:<patrol>",
       PatrolCheckInsKey("m-0042", "m-0042-20261206-1")},
      {"{pt:<member>}:g:<patrol>",
       PatrolGridsKey("m-0042", "m-0042-20261206-1")},
      {"{pt:<member>}:v:<YYYYMMDD>", PatrolVisitedKey("m-0042", "20261206")},
      {"{pt:<member>}:d:<YYYYMMDD>", PatrolDayKey("m-0042", "20261206")},
      {"{pt:<member>}:rq:<request_id>", PatrolRequestKey("m-0042", "r-1")},
  };
}

TEST(KeysDoc, EveryDocumentedKeyIsInTheHeaderAndViceVersa) {
  std::set<std::string> documented = DocumentedPatterns(
      ReadFile(absl::StrCat(GRIDCASE_SOURCE_DIR, "/docs/architecture.md")));
  std::set<std::string> declared = HeaderPatterns(
      ReadFile(absl::StrCat(GRIDCASE_SOURCE_DIR, "/common/store/keys.h")));
  ASSERT_GT(declared.size(), 40u);
  for (const std::string& p : documented) {
    EXPECT_TRUE(declared.count(p)) << p << " is documented but not in keys.h";
  }
  for (const std::string& p : declared) {
    EXPECT_TRUE(documented.count(p))
        << p << " is in keys.h but not in docs/architecture.md's key tables";
  }
}

TEST(KeysDoc, EveryPatternHasAnExampleBuiltByTheHeader) {
  std::set<std::string> declared = HeaderPatterns(
      ReadFile(absl::StrCat(GRIDCASE_SOURCE_DIR, "/common/store/keys.h")));
  std::set<std::string> covered;
  for (const auto& [pattern, key] : Examples()) {
    covered.insert(pattern);
    EXPECT_TRUE(std::regex_match(key, PatternRegex(pattern)))
        << key << " does not match " << pattern;
  }
  EXPECT_EQ(covered, declared);
}

TEST(KeysDoc, ShardKeysCarryTheShardTag) {
  for (const auto& [pattern, key] : Examples()) {
    if (absl::StartsWith(pattern, "{s:N}")) {
      EXPECT_TRUE(absl::StartsWith(key, "{s:3}:")) << key;
    }
  }
}

}  // namespace
}  // namespace gridcase::store
