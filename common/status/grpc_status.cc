#include "common/status/grpc_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/retry_delay.h"

namespace gridcase {

// absl::StatusCode and grpc::StatusCode share the canonical numbering
// (google.rpc.Code); the static_asserts keep that assumption honest.
static_assert(static_cast<int>(absl::StatusCode::kUnavailable) ==
              static_cast<int>(grpc::StatusCode::UNAVAILABLE));
static_assert(static_cast<int>(absl::StatusCode::kUnauthenticated) ==
              static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
static_assert(static_cast<int>(absl::StatusCode::kDataLoss) ==
              static_cast<int>(grpc::StatusCode::DATA_LOSS));

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Length of ":<port>" at `s` (0 if none).
size_t PortAt(absl::string_view s) {
  if (s.empty() || s[0] != ':') return 0;
  size_t n = 1;
  while (n < s.size() && IsDigit(s[n])) ++n;
  return n > 1 ? n : 0;
}

// Length of an address at the start of `s` (0 if none): a dotted IPv4
// address with an optional port, "[v6]:port", "localhost:port" or
// "unix:<path>" up to the next space.
size_t AddressAt(absl::string_view s) {
  if (absl::StartsWith(s, "unix:")) {
    size_t end = s.find_first_of(" ,;'\")");
    return end == absl::string_view::npos ? s.size() : end;
  }
  if (absl::StartsWith(s, "localhost:")) {
    size_t port = PortAt(s.substr(9));
    return port > 0 ? 9 + port : 0;
  }
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find(']');
    if (close == absl::string_view::npos || close < 3) return 0;
    for (size_t i = 1; i < close; ++i) {
      if (!IsHex(s[i]) && s[i] != ':' && s[i] != '.') return 0;
    }
    return close + 1 + PortAt(s.substr(close + 1));
  }
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i]) && i - start < 3) ++i;
    if (i == start) return 0;
    if (part < 3) {
      if (i >= s.size() || s[i] != '.') return 0;
      ++i;
    }
  }
  if (i < s.size() && (IsDigit(s[i]) || s[i] == '.')) return 0;
  return i + PortAt(s.substr(i));
}

}  // namespace

std::string PublicMessage(absl::string_view message) {
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    bool boundary =
        i == 0 || !(IsDigit(message[i - 1]) || message[i - 1] == '.');
    size_t n = boundary ? AddressAt(message.substr(i)) : 0;
    if (n > 0) {
      out += "<address>";
      i += n;
    } else {
      out += message[i++];
    }
  }
  if (out.size() <= kMaxPublicMessageBytes) return out;
  size_t cut = kMaxPublicMessageBytes;
  // Back to the first byte of a UTF-8 character.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  out.resize(cut);
  out += "…";
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message = PublicMessage(status.message());
  // Never empty: an INTERNAL without a message is gRPC's own decoding
  // error (common/server/request_errors.h).
  if (message.empty()) message = absl::StatusCodeToString(status.code());
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message);
}

grpc::Status ToGrpcStatus(const absl::Status& status,
                          grpc::ServerContextBase* context) {
  if (std::optional<int64_t> ms = RetryDelayMillis(status); ms.has_value()) {
    context->AddTrailingMetadata(std::string(kRetryPushbackKey),
                                 absl::StrCat(*ms));
  }
  return ToGrpcStatus(status);
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  int code = static_cast<int>(status.error_code());
  if (code < 0 || code > static_cast<int>(absl::StatusCode::kUnauthenticated)) {
    code = static_cast<int>(absl::StatusCode::kUnknown);
  }
  return absl::Status(static_cast<absl::StatusCode>(code),
                      status.error_message());
}

}  // namespace gridcase
