#include "tools/loadgen/channels.h"

#include <grpc/grpc.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace gridcase::loadgen {

Channels MakeChannels(const std::string& target, int count) {
  Channels out;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("gridcase.loadgen_channel", i);
    // A target naming several addresses ("ipv4:127.0.0.1:1,127.0.0.1:2", two
    // replicas) gets calls spread over all of them.
    args.SetLoadBalancingPolicyName("round_robin");
    out.push_back(grpc::CreateCustomChannel(
        target, grpc::InsecureChannelCredentials(), args));
  }
  return out;
}

absl::Status ConnectAll(const Channels& channels, const std::string& target,
                        absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (const auto& c : channels) {
    if (!c->WaitForConnected(absl::ToChronoTime(deadline))) {
      return absl::UnavailableError(absl::StrCat(
          target, ": not connected within ", absl::FormatDuration(timeout)));
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::loadgen
