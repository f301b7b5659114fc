#include "tools/gridctl/cli.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/authenticator.h"
#include "common/auth/channels.h"
#include "common/auth/client_identity.h"
#include "common/auth/jwks.h"
#include "common/auth/key_files.h"

namespace gridcase::gridctl {
namespace {

// The identity of this process' calls, from the environment (once).
absl::StatusOr<auth::ClientIdentity*> Identity() {
  static absl::StatusOr<std::unique_ptr<auth::ClientIdentity>>* identity =
      new absl::StatusOr<std::unique_ptr<auth::ClientIdentity>>(
          auth::ClientIdentity::FromEnvironment());
  if (!identity->ok()) return identity->status();
  return identity->value().get();
}

}  // namespace

absl::Status AttachActor(const std::string& actor_header,
                         grpc::ClientContext* context) {
  absl::StatusOr<v1::Actor> actor = auth::ParseActorHeader(actor_header);
  if (!actor.ok()) return actor.status();
  absl::StatusOr<auth::ClientIdentity*> identity = Identity();
  if (!identity.ok()) return identity.status();
  return (*identity)->Attach(context, *actor);
}

absl::StatusOr<std::string> MintToken(const std::string& actor_header,
                                      const std::string& channel,
                                      absl::Duration ttl) {
  absl::StatusOr<v1::Actor> actor = auth::ParseActorHeader(actor_header);
  if (!actor.ok()) return actor.status();
  if (!channel.empty()) {
    // A channel backend's token: its subject, the channel, no roles.
    const auth::Channel* c = auth::FindChannelByName(channel);
    if (c == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("--channel: unknown channel '", channel,
                       "' (known: ", auth::KnownChannelNames(), ")"));
    }
    actor->set_via(actor->subject());
    actor->set_channel(c->source);
  }
  absl::StatusOr<std::unique_ptr<auth::ClientIdentity>> identity =
      auth::ClientIdentity::FromEnvironment(ttl);
  if (!identity.ok()) return identity.status();
  if ((*identity)->mode() != "minting") {
    return absl::FailedPreconditionError(
        "GRIDCASE_SIGNING_KEY and GRIDCASE_JWT_ISSUER must be set (source "
        "var/run/env of tools/run-local), and GRIDCASE_TOKEN unset");
  }
  return (*identity)->TokenFor(*actor);
}

absl::StatusOr<std::string> PublicJwks(const std::string& key_file,
                                       const std::string& kid) {
  absl::StatusOr<auth::KeyFile> pem = auth::ReadKeyFile(key_file);
  if (!pem.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--key: ", pem.status().message()));
  }
  absl::StatusOr<std::string> jwk =
      auth::PublicJwkFromPrivateKeyPem(pem->bytes, kid);
  if (!jwk.ok()) return jwk.status();
  return absl::StrCat("{\"keys\":[", *jwk, "]}");
}

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
      ok |= k == name || (k == "actor" && name == "token") ||
            (k == "target" &&
             (name == "tls_ca" || name == "tls_cert" || name == "tls_key"));
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
  std::string ca = in.Get("tls_ca", "GRIDCASE_TLS_CA_FILE");
  if (ca.empty()) {
    return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  }
  // A PEM file named by an option, or exit naming the option.
  auto pem = [](const char* option, const std::string& path) {
    absl::StatusOr<auth::KeyFile> file = auth::ReadKeyFile(path);
    if (!file.ok() || file->bytes.empty()) {
      std::fprintf(stderr, "error: --%s: cannot read '%s'\n", option,
                   path.c_str());
      std::exit(2);
    }
    return file->bytes;
  };
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = pem("tls_ca", ca);
  std::string cert = in.Get("tls_cert", "GRIDCASE_TLS_CLIENT_CERT_FILE");
  std::string key = in.Get("tls_key", "GRIDCASE_TLS_CLIENT_KEY_FILE");
  if (!cert.empty() || !key.empty()) {
    ssl.pem_cert_chain = pem("tls_cert", cert);
    ssl.pem_private_key = pem("tls_key", key);
  }
  return grpc::CreateChannel(target, grpc::SslCredentials(ssl));
}

std::unique_ptr<grpc::ClientContext> Context(const Invocation& in) {
  auto context = std::make_unique<grpc::ClientContext>();
  std::string token = in.Get("token", "GRIDCASE_TOKEN");
  std::string actor = in.Get("actor", "GRIDCASE_ACTOR");
  if (!token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  } else if (!actor.empty()) {
    // With a development signing key (var/run/env), the actor is minted a
    // token; otherwise it is sent as the insecure-dev header.
    absl::Status s = AttachActor(actor, context.get());
    if (!s.ok()) {
      std::fprintf(stderr, "error: --actor: %s\n",
                   std::string(s.message().data(), s.message().size()).c_str());
      std::exit(2);
    }
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

absl::StatusOr<int> PageSize(const Invocation& in) {
  int page_size = 0;
  if (in.Has("page-size") &&
      !absl::SimpleAtoi(in.Get("page-size", nullptr), &page_size)) {
    return absl::InvalidArgumentError("--page-size: a number");
  }
  return page_size;
}

std::string RequestId(const Invocation& in) {
  std::string id = in.Get("request-id", nullptr);
  if (!id.empty()) return id;
  std::random_device rd;
  return absl::StrCat("gridctl-", absl::Hex(rd(), absl::kZeroPad8),
                      absl::Hex(rd(), absl::kZeroPad8));
}

void PrintNextPage(const std::string& token) {
  if (!token.empty())
    std::printf("next page: --page-token=%s\n", token.c_str());
}

void PrintJson(const google::protobuf::Message& m, bool one_line) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = !one_line;
  options.preserve_proto_field_names = true;
  auto s = google::protobuf::util::MessageToJsonString(m, &out, options);
  if (!s.ok()) {
    // Nothing half-printed: the answer holds a value JSON cannot carry
    // (e.g. a timestamp out of range), so say so and fail.
    std::fprintf(stderr, "gridctl: the answer cannot be printed as JSON: %s\n",
                 std::string(s.message().data(), s.message().size()).c_str());
    std::exit(1);
  }
  std::printf(one_line ? "%s\n" : "%s", out.c_str());
}

}  // namespace gridcase::gridctl
