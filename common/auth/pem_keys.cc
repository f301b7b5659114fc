#include "common/auth/pem_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gridcase::auth {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(BIO* p) const { BIO_free_all(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

constexpr size_t kP256Bytes = 32;
constexpr int kMaxRsaBits = 16384;
constexpr char kP256GroupName[] = "prime256v1";

// An INVALID_ARGUMENT with `message`; OpenSSL's error queue is emptied so a
// failure here leaves nothing behind for the next TLS call on this thread.
absl::Status Invalid(absl::string_view message) {
  ERR_clear_error();
  return absl::InvalidArgumentError(message);
}

Owned<BIGNUM> ToBignum(absl::string_view bytes) {
  return Owned<BIGNUM>(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                static_cast<int>(bytes.size()), nullptr));
}

// Builds a public key of `type` ("RSA", "EC") from `bld`'s parameters and
// checks it (for EC: the point is on the curve).
absl::StatusOr<Owned<EVP_PKEY>> PublicKeyFromParams(const char* type,
                                                    OSSL_PARAM_BLD* bld) {
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr ||
      EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) !=
          1) {
    return Invalid(absl::StrCat("not a valid ", type, " public key"));
  }
  Owned<EVP_PKEY> key(raw);
  Owned<EVP_PKEY_CTX> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return Invalid(absl::StrCat("not a valid ", type, " public key"));
  }
  return key;
}

absl::StatusOr<std::string> PublicPem(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return Invalid("cannot write the public key as PEM");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> BignumParam(EVP_PKEY* key, const char* name,
                                        int pad_to) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    return Invalid(absl::StrCat("key has no '", name, "'"));
  }
  Owned<BIGNUM> bn(raw);
  int size = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
  std::string out(static_cast<size_t>(size), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()),
                   size) != size) {
    return Invalid(absl::StrCat("key's '", name, "' does not fit"));
  }
  return out;
}

// Empties OpenSSL's error queue when a public function returns, whatever
// the outcome (some decoders leave errors behind even on success).
struct ClearErrorsOnExit {
  ~ClearErrorsOnExit() { ERR_clear_error(); }
};

// Refuses to ask for a passphrase (OpenSSL's default reads the terminal).
int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

absl::StatusOr<std::string> RsaPublicKeyPem(absl::string_view n,
                                            absl::string_view e) {
  ClearErrorsOnExit clear_errors;
  Owned<BIGNUM> bn_n = ToBignum(n);
  Owned<BIGNUM> bn_e = ToBignum(e);
  if (bn_n == nullptr || bn_e == nullptr) return Invalid("out of memory");
  int bits = BN_num_bits(bn_n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return Invalid(absl::StrCat("n: the modulus has ", bits,
                                " bits; RSA keys need ", kMinRsaBits, " to ",
                                kMaxRsaBits));
  }
  if (!BN_is_odd(bn_e.get()) || BN_num_bits(bn_e.get()) < 2 ||
      BN_cmp(bn_e.get(), bn_n.get()) >= 0) {
    return Invalid("e: not a valid RSA public exponent");
  }
  Owned<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) !=
          1) {
    return Invalid("out of memory");
  }
  absl::StatusOr<Owned<EVP_PKEY>> key = PublicKeyFromParams("RSA", bld.get());
  if (!key.ok()) return key.status();
  return PublicPem(key->get());
}

absl::StatusOr<std::string> EcP256PublicKeyPem(absl::string_view x,
                                               absl::string_view y) {
  ClearErrorsOnExit clear_errors;
  if (x.size() != kP256Bytes) {
    return Invalid("x: a P-256 coordinate is 32 bytes");
  }
  if (y.size() != kP256Bytes) {
    return Invalid("y: a P-256 coordinate is 32 bytes");
  }
  std::string point = absl::StrCat("\x04", x, y);  // uncompressed form
  Owned<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      kP256GroupName, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                       point.data(), point.size()) != 1) {
    return Invalid("out of memory");
  }
  absl::StatusOr<Owned<EVP_PKEY>> key = PublicKeyFromParams("EC", bld.get());
  if (!key.ok()) {
    return Invalid("x, y: not a point on the P-256 curve");
  }
  return PublicPem(key->get());
}

absl::StatusOr<PublicKeyNumbers> PrivateKeyPublicNumbers(
    absl::string_view private_pem) {
  ClearErrorsOnExit clear_errors;
  Owned<BIO> bio(BIO_new_mem_buf(private_pem.data(),
                                 static_cast<int>(private_pem.size())));
  if (bio == nullptr) return Invalid("out of memory");
  Owned<EVP_PKEY> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return Invalid(
        "not an unencrypted PEM private key (openssl genpkey writes one)");
  }
  PublicKeyNumbers out;
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    int bits = EVP_PKEY_get_bits(key.get());
    if (bits < kMinRsaBits || bits > kMaxRsaBits) {
      return Invalid(absl::StrCat("the RSA key has ", bits,
                                  " bits; RSA keys need ", kMinRsaBits, " to ",
                                  kMaxRsaBits));
    }
    out.alg = "RS256";
    absl::StatusOr<std::string> n =
        BignumParam(key.get(), OSSL_PKEY_PARAM_RSA_N, 0);
    if (!n.ok()) return n.status();
    absl::StatusOr<std::string> e =
        BignumParam(key.get(), OSSL_PKEY_PARAM_RSA_E, 0);
    if (!e.ok()) return e.status();
    out.n = *std::move(n);
    out.e = *std::move(e);
    return out;
  }
  if (EVP_PKEY_is_a(key.get(), "EC")) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                       group, sizeof(group), &len) != 1 ||
        std::strcmp(group, kP256GroupName) != 0) {
      return Invalid(
          "the EC key is not on curve P-256 (prime256v1), the curve of ES256");
    }
    out.alg = "ES256";
    absl::StatusOr<std::string> x =
        BignumParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, kP256Bytes);
    if (!x.ok()) return x.status();
    absl::StatusOr<std::string> y =
        BignumParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, kP256Bytes);
    if (!y.ok()) return y.status();
    out.x = *std::move(x);
    out.y = *std::move(y);
    return out;
  }
  return Invalid("the private key is neither RSA nor EC P-256");
}

}  // namespace gridcase::auth
