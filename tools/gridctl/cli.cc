#include "tools/gridctl/cli.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gridcase::gridctl {

std::string Invocation::Get(const std::string& name, const char* env,
                            const std::string& fallback) const {
  auto it = options.find(name);
  if (it != options.end()) return it->second;
  const char* value = env != nullptr ? std::getenv(env) : nullptr;
  return value != nullptr ? value : fallback;
}

absl::StatusOr<Invocation> Parse(const std::vector<std::string>& args,
                                 const std::vector<std::string>& known) {
  Invocation in;
  for (const std::string& arg : args) {
    if (!absl::StartsWith(arg, "--")) {
      in.positional.push_back(arg);
      continue;
    }
    size_t eq = arg.find('=');
    std::string name =
        arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    bool ok = false;
    for (const std::string& k : known)
      ok |= k == name || (k == "actor" && name == "token");
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option --", name, " (see --help)"));
    }
    in.options[name] = eq == std::string::npos ? "true" : arg.substr(eq + 1);
  }
  return in;
}

std::shared_ptr<grpc::Channel> Channel(const Invocation& in,
                                       const char* target_env) {
  std::string target =
      in.Get("target", target_env,
             in.Get("target", "GRIDCASE_TARGET", "127.0.0.1:8080"));
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

std::unique_ptr<grpc::ClientContext> Context(const Invocation& in) {
  auto context = std::make_unique<grpc::ClientContext>();
  std::string actor = in.Get("actor", "GRIDCASE_ACTOR");
  if (!actor.empty()) context->AddMetadata("x-gridcase-actor", actor);
  std::string token = in.Get("token", "GRIDCASE_TOKEN");
  if (!token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
  absl::Duration timeout = absl::Seconds(30);
  (void)absl::ParseDuration(in.Get("timeout", nullptr, "30s"), &timeout);
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "error: %s: %s\n",
               absl::StatusCodeToString(status.code()).c_str(),
               std::string(status.message()).c_str());
  return 1;
}

int Columns(const std::string& s) {
  int columns = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    columns += len >= 3 ? 2 : 1;  // CJK and other wide characters
    i += len;
  }
  return columns;
}

std::string Pad(const std::string& s, int width) {
  int columns = Columns(s);
  return columns >= width ? s : s + std::string(width - columns, ' ');
}

void PrintJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  std::printf("%s", out.c_str());
}

}  // namespace gridcase::gridctl
