#include "common/privacy/mask.h"

#include <string>

#include "gtest/gtest.h"

namespace gridcase::privacy {
namespace {

TEST(MaskContact, MobileNumbersKeepThreeAndFour) {
  EXPECT_EQ(MaskContact("13812345678"), "138****5678");
  EXPECT_EQ(MaskContact("+8613812345678"), "+86*******5678");
}

TEST(MaskContact, ShortNumbersKeepTwoAndTwo) {
  EXPECT_EQ(MaskContact("88881234"), "88****34");
  EXPECT_EQ(MaskContact("12345"), "12*45");
}

// A five-character contact used to compute a negative run of stars and
// throw std::length_error (a crash of every read of that case).
TEST(MaskContact, TinyContactsAreAllStarsAndNeverThrow) {
  EXPECT_EQ(MaskContact("1234"), "****");
  EXPECT_EQ(MaskContact("1"), "*");
  EXPECT_EQ(MaskContact(""), "");
  for (int n = 1; n <= 20; ++n) {
    std::string masked = MaskContact(std::string(n, '9'));
    EXPECT_EQ(masked.size(), static_cast<size_t>(n)) << n;
    EXPECT_NE(masked, std::string(n, '9')) << n;
  }
}

TEST(MaskContact, EmailKeepsFirstCharacterAndDomain) {
  EXPECT_EQ(MaskContact("z.wang@example.cn"), "z***@example.cn");
  EXPECT_EQ(MaskContact("张伟@example.cn"), "张***@example.cn");
}

TEST(MaskContact, CountsCharactersSoUtf8StaysValid) {
  // Thirteen characters, 3 of them three-byte: head 3 and tail 4.
  EXPECT_EQ(MaskContact("电话一3812345678"), "电话一******5678");
  EXPECT_EQ(MaskContact("张三丰李四"), "张三*李四");
}

}  // namespace
}  // namespace gridcase::privacy
