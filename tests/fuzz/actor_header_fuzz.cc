// Fuzz target: the x-gridcase-actor header parser; what parses must format
// and parse back to the same actor.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "common/auth/authenticator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Protobuf logs every invalid UTF-8 string it meets; fuzzing meets many.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  absl::string_view header(reinterpret_cast<const char*>(data), size);
  auto actor = gridcase::auth::ParseActorHeader(header);
  if (!actor.ok()) return 0;
  auto again = gridcase::auth::ParseActorHeader(
      gridcase::auth::FormatActorHeader(*actor));
  if (!again.ok() || again->SerializeAsString() != actor->SerializeAsString()) {
    std::abort();  // round trip broken
  }
  return 0;
}
