#include "common/metrics/grpc_metrics.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace gridcase::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Exposition(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(SplitMethodName, SplitsServiceAndMethod) {
  EXPECT_EQ(SplitMethodName("/gridcase.v1.IntakeService/ReportCase"),
            std::make_pair(std::string("gridcase.v1.IntakeService"),
                           std::string("ReportCase")));
  EXPECT_EQ(SplitMethodName("garbage").first, "unknown");
}

TEST(GrpcServerMetrics, CountsByMethodAndCode) {
  prometheus::Registry registry;
  GrpcServerMetrics metrics(registry);
  metrics.RegisterMethods({"/gridcase.v1.IntakeService/ReportCase",
                           "/gridcase.v1.IntakeService/GetCase"});
  auto* report = metrics.Find("/gridcase.v1.IntakeService/ReportCase");
  GrpcServerMetrics::RecordStarted(report);
  metrics.RecordHandled(report, grpc::StatusCode::OK, absl::Milliseconds(3));
  GrpcServerMetrics::RecordStarted(report);
  metrics.RecordHandled(report, grpc::StatusCode::INVALID_ARGUMENT,
                        absl::Milliseconds(1));
  metrics.RecordHandled(report, grpc::StatusCode::INVALID_ARGUMENT,
                        absl::Milliseconds(1));

  std::string text = Exposition(registry);
  EXPECT_THAT(text,
              HasSubstr("grpc_server_handled_total{grpc_code=\"OK\","
                        "grpc_method=\"ReportCase\",grpc_service=\"gridcase."
                        "v1.IntakeService\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("grpc_server_handled_total{grpc_code=\"INVALID_"
                        "ARGUMENT\",grpc_method=\"ReportCase\",grpc_service="
                        "\"gridcase.v1.IntakeService\"} 2"));
  EXPECT_THAT(text, HasSubstr("grpc_server_started_total{grpc_method="
                              "\"ReportCase\",grpc_service=\"gridcase.v1."
                              "IntakeService\"} 2"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_count{grpc_method="
                              "\"ReportCase\",grpc_service=\"gridcase.v1."
                              "IntakeService\"} 3"));
  // No handled series exists for a code that never happened.
  EXPECT_THAT(text, Not(HasSubstr("grpc_code=\"INTERNAL\"")));
}

TEST(GrpcServerMetrics, UnregisteredMethodsShareOneBoundedSeries) {
  prometheus::Registry registry;
  GrpcServerMetrics metrics(registry);
  auto* a = metrics.Find("/evil.Service/Random1");
  auto* b = metrics.Find("/evil.Service/Random2");
  EXPECT_EQ(a, b);
  metrics.RecordHandled(a, grpc::StatusCode::UNIMPLEMENTED,
                        absl::Milliseconds(1));
  std::string text = Exposition(registry);
  EXPECT_THAT(text, HasSubstr("grpc_method=\"unknown\""));
  EXPECT_THAT(text, Not(HasSubstr("Random1")));
}

}  // namespace
}  // namespace gridcase::metrics
