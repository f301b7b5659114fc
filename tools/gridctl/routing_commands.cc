#include "tools/gridctl/routing_commands.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/time_util.h"
#include "gridcase/v1/dispatch.grpc.pb.h"

namespace gridcase::gridctl {
namespace {

constexpr char kUsage[] =
    R"(gridctl routing: how new reports are routed (DispatchService).

Usage:
  gridctl routing get [--json]
  gridctl routing set [--default=auto|manual]
                      [--source=NAME=MODE,...]
                      [--category=CODE[:SOURCE]=MODE,...]
                      [--expected-version=N] [--json]

  auto      registered and dispatched by the responsibility rules (SYSTEM)
  manual    left in the review queue for an acceptor and a dispatcher
  inherit   (set only) remove the entry, so a less specific one decides

  NAME / SOURCE: grid_patrol, citizen_app, wechat, hotline, video,
  instruction. CODE: a category ("E0101") or a major class ("E04").
  The most specific match decides: category code, then major class (each
  with the report's source before every source), then the source, then the
  default. `set` reads the policy, changes only what you name, and writes it
  back if nobody changed it meanwhile (else ABORTED; run it again).
  Callers: get — anyone but citizens; set — admin, duty chief.
  --target / $GRIDCASE_DISPATCH_TARGET, --actor / $GRIDCASE_ACTOR.

Examples:
  gridctl routing set --source=wechat=auto
  gridctl routing set --category=E0106=manual,E05:hotline=auto
)";

std::string Lower(const std::string& enum_name, absl::string_view prefix) {
  return absl::AsciiStrToLower(absl::StripPrefix(enum_name, prefix));
}

// "auto", "manual"; "inherit" gives UNSPECIFIED (remove).
absl::StatusOr<v1::RoutingMode> ParseMode(const std::string& option,
                                          absl::string_view text,
                                          bool allow_inherit) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "auto") return v1::ROUTING_MODE_AUTO;
  if (t == "manual") return v1::ROUTING_MODE_MANUAL;
  if (t == "inherit" && allow_inherit) return v1::ROUTING_MODE_UNSPECIFIED;
  return absl::InvalidArgumentError(
      absl::StrCat("--", option, ": mode '", text, "' must be auto or manual",
                   allow_inherit ? " (or inherit to remove the entry)" : ""));
}

absl::StatusOr<v1::Source> ParseSourceName(const std::string& option,
                                           absl::string_view text) {
  v1::Source s = v1::SOURCE_UNSPECIFIED;
  if (!v1::Source_Parse(absl::StrCat("SOURCE_", absl::AsciiStrToUpper(text)),
                        &s) ||
      s == v1::SOURCE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", option, ": unknown source '", text,
        "' (grid_patrol, citizen_app, wechat, hotline, video, instruction)"));
  }
  return s;
}

// Splits "KEY=MODE" entries of one option.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Entries(
    const Invocation& in, const std::string& option) {
  std::vector<std::pair<std::string, std::string>> out;
  if (in.Has(option) && in.Get(option, nullptr).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", option, ": empty; give KEY=MODE entries"));
  }
  for (absl::string_view e :
       absl::StrSplit(in.Get(option, nullptr), ',', absl::SkipWhitespace())) {
    std::vector<std::string> kv = absl::StrSplit(e, absl::MaxSplits('=', 1));
    if (kv.size() == 2) {
      kv[0] = std::string(absl::StripAsciiWhitespace(kv[0]));
      kv[1] = std::string(absl::StripAsciiWhitespace(kv[1]));
    }
    if (kv.size() != 2 || kv[0].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", option, ": '", e, "' is not KEY=MODE"));
    }
    out.emplace_back(kv[0], kv[1]);
  }
  return out;
}

std::unique_ptr<v1::DispatchService::Stub> Stub(const Invocation& in) {
  return v1::DispatchService::NewStub(Channel(in, "GRIDCASE_DISPATCH_TARGET"));
}

absl::StatusOr<v1::RoutingPolicy> Get(const Invocation& in) {
  v1::GetRoutingPolicyResponse resp;
  auto context = Context(in);
  absl::Status s = FromGrpcStatus(Stub(in)->GetRoutingPolicy(
      context.get(), v1::GetRoutingPolicyRequest(), &resp));
  if (!s.ok()) return s;
  return resp.policy();
}

int Print(const Invocation& in, const v1::RoutingPolicy& policy) {
  if (in.Has("json")) {
    PrintJson(policy);
  } else {
    std::fputs(FormatRoutingPolicy(policy).c_str(), stdout);
  }
  return 0;
}

}  // namespace

absl::Status ApplyRoutingChanges(const Invocation& in,
                                 v1::RoutingPolicy* policy) {
  if (in.Has("default")) {
    absl::StatusOr<v1::RoutingMode> m =
        ParseMode("default", in.Get("default", nullptr), false);
    if (!m.ok()) return m.status();
    policy->set_default_mode(*m);
  }
  auto sources = Entries(in, "source");
  if (!sources.ok()) return sources.status();
  for (const auto& [name, mode_text] : *sources) {
    absl::StatusOr<v1::Source> source = ParseSourceName("source", name);
    if (!source.ok()) return source.status();
    absl::StatusOr<v1::RoutingMode> mode = ParseMode("source", mode_text, true);
    if (!mode.ok()) return mode.status();
    auto* list = policy->mutable_sources();
    list->erase(std::remove_if(list->begin(), list->end(),
                               [&](const v1::SourceRouting& r) {
                                 return r.source() == *source;
                               }),
                list->end());
    if (*mode != v1::ROUTING_MODE_UNSPECIFIED) {
      v1::SourceRouting* r = list->Add();
      r->set_source(*source);
      r->set_mode(*mode);
    }
  }
  auto categories = Entries(in, "category");
  if (!categories.ok()) return categories.status();
  for (const auto& [key, mode_text] : *categories) {
    std::vector<std::string> parts =
        absl::StrSplit(key, absl::MaxSplits(':', 1));
    v1::Source source = v1::SOURCE_UNSPECIFIED;
    if (parts.size() == 2) {
      absl::StatusOr<v1::Source> s = ParseSourceName("category", parts[1]);
      if (!s.ok()) return s.status();
      source = *s;
    }
    absl::StatusOr<v1::RoutingMode> mode =
        ParseMode("category", mode_text, true);
    if (!mode.ok()) return mode.status();
    const std::string code = absl::AsciiStrToUpper(parts[0]);
    auto* list = policy->mutable_categories();
    list->erase(std::remove_if(list->begin(), list->end(),
                               [&](const v1::CategoryRouting& r) {
                                 return r.category_code() == code &&
                                        r.source() == source;
                               }),
                list->end());
    if (*mode != v1::ROUTING_MODE_UNSPECIFIED) {
      v1::CategoryRouting* r = list->Add();
      r->set_category_code(code);
      r->set_source(source);
      r->set_mode(*mode);
    }
  }
  return absl::OkStatus();
}

std::string FormatRoutingPolicy(const v1::RoutingPolicy& p) {
  std::string out = absl::StrCat(
      "default   ",
      Lower(v1::RoutingMode_Name(p.default_mode()), "ROUTING_MODE_"), "\n");
  for (const v1::SourceRouting& r : p.sources()) {
    absl::StrAppend(&out, "source    ",
                    Pad(Lower(v1::Source_Name(r.source()), "SOURCE_"), 24),
                    Lower(v1::RoutingMode_Name(r.mode()), "ROUTING_MODE_"),
                    "\n");
  }
  for (const v1::CategoryRouting& r : p.categories()) {
    std::string who = r.source() == v1::SOURCE_UNSPECIFIED
                          ? "(every source)"
                          : Lower(v1::Source_Name(r.source()), "SOURCE_");
    absl::StrAppend(
        &out, "category  ", Pad(absl::StrCat(r.category_code(), " ", who), 24),
        Lower(v1::RoutingMode_Name(r.mode()), "ROUTING_MODE_"), "\n");
  }
  absl::StrAppend(&out, "version   ", p.version());
  if (p.has_updated_at()) {
    absl::StrAppend(
        &out, ", changed ",
        google::protobuf::util::TimeUtil::ToString(p.updated_at()), " by ",
        p.updated_by().subject().empty() ? "?" : p.updated_by().subject());
  }
  absl::StrAppend(&out, "\n");
  return out;
}

int RunRouting(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string verb = args[0];
  absl::StatusOr<Invocation> in =
      Parse(std::vector<std::string>(args.begin() + 1, args.end()),
            {"target", "actor", "timeout", "json", "help", "default", "source",
             "category", "expected-version"});
  if (!in.ok()) return Fail(in.status());
  if (in->Has("help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (verb != "get" && verb != "set") {
    std::fprintf(stderr, "gridctl routing: unknown verb '%s'\n\n%s",
                 verb.c_str(), kUsage);
    return 2;
  }
  absl::StatusOr<v1::RoutingPolicy> policy = Get(*in);
  if (!policy.ok()) return Fail(policy.status());
  if (verb == "get") return Print(*in, *policy);

  if (!in->Has("default") && !in->Has("source") && !in->Has("category")) {
    return Fail(absl::InvalidArgumentError(
        "routing set: name at least one of --default, --source, --category"));
  }
  v1::UpdateRoutingPolicyRequest req;
  req.set_expected_version(policy->version());
  if (in->Has("expected-version")) {
    int64_t v = 0;
    if (!absl::SimpleAtoi(in->Get("expected-version", nullptr), &v)) {
      return Fail(absl::InvalidArgumentError("--expected-version: a number"));
    }
    req.set_expected_version(v);
  }
  if (absl::Status s = ApplyRoutingChanges(*in, &*policy); !s.ok()) {
    return Fail(s);
  }
  *req.mutable_policy() = *policy;
  v1::UpdateRoutingPolicyResponse resp;
  auto context = Context(*in);
  absl::Status s =
      FromGrpcStatus(Stub(*in)->UpdateRoutingPolicy(context.get(), req, &resp));
  if (!s.ok()) return Fail(s);
  return Print(*in, resp.policy());
}

}  // namespace gridcase::gridctl
