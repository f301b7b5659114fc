#include "tools/loadgen/report_json.h"

#include <string>

#include "gtest/gtest.h"

namespace gridcase::loadgen {
namespace {

RunResult Sample() {
  RunResult r;
  r.scenario = "report";
  r.mode = "open";
  r.target = "127.0.0.1:8081";
  r.in_flight = 8;
  r.channels = 4;
  r.rate = 500;
  r.warmup_s = 2;
  r.duration_s = 10;
  r.calls_ok = 4990;
  r.calls_failed = 10;
  r.calls_per_s = 499;
  r.errors = {{"UNAVAILABLE", 7}, {"DEADLINE_EXCEEDED", 3}};
  r.error_samples = {"UNAVAILABLE: connection refused"};
  r.latency_ms = {1.5, 2.5, 9.0, 20.0, 31.25, 1.75};
  r.not_sent = 2;
  r.measure_start_unix_ms = 1796500000000;
  r.measure_end_unix_ms = 1796500010000;
  return r;
}

TEST(ToJsonTest, HasEveryFieldOfTheContract) {
  nlohmann::ordered_json j = ToJson(Sample());
  for (const char* key :
       {"scenario", "mode", "target", "in_flight", "channels", "rate",
        "warmup_s", "duration_s", "calls_ok", "calls_failed", "calls_per_s",
        "errors", "step_errors", "error_samples", "latency_ms", "not_sent",
        "send_lag_ms", "measure_start_unix_ms", "measure_end_unix_ms"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j.size(), 19u);
  EXPECT_EQ(j.begin().key(), "scenario");  // in the contract's order
  EXPECT_EQ((--j.end()).key(), "measure_end_unix_ms");
  EXPECT_EQ(j["scenario"], "report");
  EXPECT_EQ(j["mode"], "open");
  EXPECT_EQ(j["calls_ok"], 4990);
  EXPECT_EQ(j["errors"]["UNAVAILABLE"], 7);
  EXPECT_TRUE(j["step_errors"].is_object());
  EXPECT_EQ(j["error_samples"][0], "UNAVAILABLE: connection refused");
  const nlohmann::ordered_json& l = j["latency_ms"];
  EXPECT_EQ(l.size(), 6u);
  EXPECT_DOUBLE_EQ(l["p50"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(l["p999"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(l["max"].get<double>(), 31.25);
  EXPECT_DOUBLE_EQ(l["mean"].get<double>(), 1.75);
  EXPECT_EQ(j["not_sent"], 2);
  EXPECT_EQ(j["measure_start_unix_ms"], 1796500000000);
  EXPECT_EQ(j["measure_end_unix_ms"], 1796500010000);
}

TEST(ToJsonTest, NoErrorsIsAnEmptyObjectNotNull) {
  RunResult r = Sample();
  r.errors.clear();
  r.error_samples.clear();
  nlohmann::ordered_json j = ToJson(r);
  EXPECT_TRUE(j["errors"].is_object());
  EXPECT_TRUE(j["errors"].empty());
  EXPECT_TRUE(j["error_samples"].is_array());
  EXPECT_EQ(j.dump().find("null"), std::string::npos);
}

TEST(ToJsonTest, RoundTripsThroughText) {
  nlohmann::ordered_json j = ToJson(Sample());
  EXPECT_EQ(nlohmann::ordered_json::parse(j.dump()), j);
}

TEST(SummaryTextTest, NamesTheRunTheRateAndTheErrors) {
  std::string s = SummaryText(Sample());
  EXPECT_NE(s.find("report open-loop against 127.0.0.1:8081"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("500 calls/s offered"), std::string::npos) << s;
  EXPECT_NE(s.find("calls ok: 4990 (499.0/s)"), std::string::npos) << s;
  EXPECT_NE(s.find("p99.9 20.00"), std::string::npos) << s;
  EXPECT_NE(s.find("errors UNAVAILABLE: 7"), std::string::npos) << s;
  EXPECT_NE(s.find("not sent: 2"), std::string::npos) << s;
}

}  // namespace
}  // namespace gridcase::loadgen
