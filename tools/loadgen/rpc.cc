#include "tools/loadgen/rpc.h"

#include "absl/time/clock.h"

namespace gridcase::loadgen {

absl::Status CallSetup::Prepare(grpc::ClientContext* context,
                                const v1::Actor* as) const {
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  return as == nullptr ? absl::OkStatus() : identity_->Attach(context, *as);
}

}  // namespace gridcase::loadgen
