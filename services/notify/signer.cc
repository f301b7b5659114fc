#include "services/notify/signer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace gridcase::notify {

std::string SignatureV1(absl::string_view secret, int64_t unix_seconds,
                        absl::string_view body) {
  std::string message = absl::StrCat(unix_seconds, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &mac_len);
  return absl::StrCat("v1=", absl::BytesToHexString(absl::string_view(
                                 reinterpret_cast<const char*>(mac), mac_len)));
}

bool VerifySignatureV1(absl::string_view secret, int64_t unix_seconds,
                       absl::string_view body, absl::string_view signature) {
  std::string expected = SignatureV1(secret, unix_seconds, body);
  return expected.size() == signature.size() &&
         CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

}  // namespace gridcase::notify
