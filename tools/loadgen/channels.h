// loadgen's connections: `count` channels to one target, each its own
// HTTP/2 connection (a local subchannel pool and a distinct channel
// argument, so gRPC does not share one connection between them).
#ifndef GRIDCASE_TOOLS_LOADGEN_CHANNELS_H_
#define GRIDCASE_TOOLS_LOADGEN_CHANNELS_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace gridcase::loadgen {

using Channels = std::vector<std::shared_ptr<grpc::Channel>>;

// `count` separate channels to `target` (insecure, as the other tools).
Channels MakeChannels(const std::string& target, int count);

// Waits until every channel is connected; UNAVAILABLE naming the target if
// one is not within `timeout`.
absl::Status ConnectAll(const Channels& channels, const std::string& target,
                        absl::Duration timeout);

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_CHANNELS_H_
