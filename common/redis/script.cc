#include "common/redis/script.h"

#include <openssl/sha.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace gridcase::redis {

Script::Script(std::string name, std::string body)
    : name_(std::move(name)), body_(std::move(body)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(body_.data()), body_.size(),
       digest);
  sha1_ = absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), SHA_DIGEST_LENGTH));
}

}  // namespace gridcase::redis
