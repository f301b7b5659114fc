#include "services/notify/signer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::notify {
namespace {

// The expected value is independent of this code:
//   printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
TEST(SignatureV1, IsTheHmacOfTimestampDotBody) {
  EXPECT_EQ(
      SignatureV1("secret", 1700000000, R"({"a":1})"),
      "v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686");
}

TEST(SignatureV1, VerifiesItsOwnAndRefusesAnyChange) {
  std::string sig = SignatureV1("0123456789abcdef", 1700000000, "body");
  EXPECT_TRUE(VerifySignatureV1("0123456789abcdef", 1700000000, "body", sig));
  EXPECT_FALSE(VerifySignatureV1("0123456789abcdeX", 1700000000, "body", sig));
  EXPECT_FALSE(VerifySignatureV1("0123456789abcdef", 1700000001, "body", sig));
  EXPECT_FALSE(VerifySignatureV1("0123456789abcdef", 1700000000, "bodY", sig));
  EXPECT_FALSE(
      VerifySignatureV1("0123456789abcdef", 1700000000, "body", "v1=00"));
}

}  // namespace
}  // namespace gridcase::notify
