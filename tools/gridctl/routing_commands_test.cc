#include "tools/gridctl/routing_commands.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

// The service's default: MANUAL, grid patrol AUTO.
v1::RoutingPolicy Default() {
  v1::RoutingPolicy p;
  p.set_default_mode(v1::ROUTING_MODE_MANUAL);
  v1::SourceRouting* s = p.add_sources();
  s->set_source(v1::SOURCE_GRID_PATROL);
  s->set_mode(v1::ROUTING_MODE_AUTO);
  p.set_version(4);
  return p;
}

absl::Status Apply(const std::vector<std::string>& args, v1::RoutingPolicy* p) {
  absl::StatusOr<Invocation> in =
      Parse(args, {"default", "source", "category"});
  if (!in.ok()) return in.status();
  return ApplyRoutingChanges(*in, p);
}

TEST(RoutingCommands, ChangesOnlyWhatIsNamed) {
  v1::RoutingPolicy p = Default();
  ASSERT_OK(Apply(
      {"--source=wechat=auto", "--category=E0101=auto, e04:hotline=manual"},
      &p));
  EXPECT_EQ(p.default_mode(), v1::ROUTING_MODE_MANUAL);
  ASSERT_EQ(p.sources_size(), 2);
  EXPECT_EQ(p.sources(0).source(), v1::SOURCE_GRID_PATROL);
  EXPECT_EQ(p.sources(1).source(), v1::SOURCE_WECHAT);
  EXPECT_EQ(p.sources(1).mode(), v1::ROUTING_MODE_AUTO);
  ASSERT_EQ(p.categories_size(), 2);
  EXPECT_EQ(p.categories(0).category_code(), "E0101");
  EXPECT_EQ(p.categories(0).source(), v1::SOURCE_UNSPECIFIED);
  EXPECT_EQ(p.categories(1).category_code(), "E04");
  EXPECT_EQ(p.categories(1).source(), v1::SOURCE_HOTLINE);
  EXPECT_EQ(p.categories(1).mode(), v1::ROUTING_MODE_MANUAL);

  // Setting an entry again replaces it; inherit removes it.
  ASSERT_OK(
      Apply({"--default=auto", "--source=wechat=manual,grid_patrol=inherit",
             "--category=E04:hotline=inherit"},
            &p));
  EXPECT_EQ(p.default_mode(), v1::ROUTING_MODE_AUTO);
  ASSERT_EQ(p.sources_size(), 1);
  EXPECT_EQ(p.sources(0).source(), v1::SOURCE_WECHAT);
  EXPECT_EQ(p.sources(0).mode(), v1::ROUTING_MODE_MANUAL);
  ASSERT_EQ(p.categories_size(), 1);
  EXPECT_EQ(p.categories(0).category_code(), "E0101");
}

TEST(RoutingCommands, BadEntriesNameTheOptionAndTheRule) {
  v1::RoutingPolicy p = Default();
  EXPECT_THAT(Apply({"--default=fast"}, &p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--default: mode 'fast' must be auto or "
                                 "manual")));
  EXPECT_THAT(Apply({"--default=inherit"}, &p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--default: mode 'inherit'")));
  EXPECT_THAT(Apply({"--source=fax=auto"}, &p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--source: unknown source 'fax'")));
  EXPECT_THAT(Apply({"--category=E0101"}, &p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--category: 'E0101' is not KEY=MODE")));
  EXPECT_THAT(Apply({"--category=E0101:fax=auto"}, &p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--category: unknown source 'fax'")));
  EXPECT_THAT(Apply({"--source="}, &p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--source: empty")));
  EXPECT_THAT(Apply({"--category= =auto"}, &p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("is not KEY=MODE")));
  EXPECT_THAT(Apply({"--priority=1"}, &p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown option --priority")));
}

TEST(RoutingCommands, FormatsOneLinePerEntry) {
  v1::RoutingPolicy p = Default();
  ASSERT_OK(Apply({"--category=E0106=manual,E05:hotline=auto"}, &p));
  p.mutable_updated_by()->set_subject("m-0007");
  p.mutable_updated_at()->set_seconds(1764115200);  // 2025-11-26T00:00:00Z
  EXPECT_EQ(FormatRoutingPolicy(p),
            "default   manual\n"
            "source    grid_patrol             auto\n"
            "category  E0106 (every source)    manual\n"
            "category  E05 hotline             auto\n"
            "version   4, changed 2025-11-26T00:00:00Z by m-0007\n");
}

}  // namespace
}  // namespace gridcase::gridctl
