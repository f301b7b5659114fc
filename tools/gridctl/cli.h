// Command-line plumbing shared by gridctl's commands: `--name=value` options
// (with GRIDCASE_* environment defaults), positional arguments, the channel
// and the caller's identity, and printing errors as "error: CODE: message".
#ifndef GRIDCASE_TOOLS_GRIDCTL_CLI_H_
#define GRIDCASE_TOOLS_GRIDCTL_CLI_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/export/table.h"
#include "google/protobuf/message.h"

namespace gridcase::gridctl {

struct Invocation {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--name=value" / "--flag"

  // The option, else the environment variable, else `fallback`.
  std::string Get(const std::string& name, const char* env,
                  const std::string& fallback = "") const;
  bool Has(const std::string& name) const { return options.count(name) > 0; }
};

// Splits arguments into options and positionals; INVALID_ARGUMENT for an
// option that is not in `known`.
absl::StatusOr<Invocation> Parse(const std::vector<std::string>& args,
                                 const std::vector<std::string>& known);

// A channel to --target (or $GRIDCASE_TARGET, default 127.0.0.1:8080).
std::shared_ptr<grpc::Channel> Channel(const Invocation& in,
                                       const char* target_env);

// A context carrying --actor (or $GRIDCASE_ACTOR) as x-gridcase-actor,
// --token (or $GRIDCASE_TOKEN) as "authorization: Bearer TOKEN", and a
// deadline of --timeout (default 30s).
std::unique_ptr<grpc::ClientContext> Context(const Invocation& in);

// Adds the actor (x-gridcase-actor syntax) to a call: a token minted with
// the development signing key of $GRIDCASE_SIGNING_KEY when it is set
// (tools/run-local's var/run/env sets it), else the insecure-dev header.
absl::Status AttachActor(const std::string& actor_header,
                         grpc::ClientContext* context);

// A token minted with $GRIDCASE_SIGNING_KEY (gridctl token): for the actor
// (x-gridcase-actor syntax), or, with `channel` set, for that channel's
// backend whose subject is the actor's.
absl::StatusOr<std::string> MintToken(const std::string& actor_header,
                                      const std::string& channel,
                                      absl::Duration ttl);

// {"keys":[<public JWK of the private key in `key_file`>]}.
absl::StatusOr<std::string> PublicJwks(const std::string& key_file,
                                       const std::string& kid);

// Prints "error: CODE: message" to stderr and returns 1.
int Fail(const absl::Status& status);

// --page-size (0 when absent); INVALID_ARGUMENT when it is not a number.
absl::StatusOr<int> PageSize(const Invocation& in);

// Prints "next page: --page-token=TOKEN" unless `token` is empty.
void PrintNextPage(const std::string& token);

// --request-id, else a random idempotency key ("gridctl-…").
std::string RequestId(const Invocation& in);

// Terminal columns and padding for aligned tables (CJK characters take
// two), shared with the exports' text form.
using exporter::Columns;
using exporter::Pad;

// Prints `m` as indented JSON with proto field names (for --json).
// Prints `m` as JSON (proto field names; one line if `one_line`), or, if it
// cannot be converted, says why on stderr and exits 1 with nothing printed.
void PrintJson(const google::protobuf::Message& m, bool one_line = false);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_CLI_H_
