#include "common/redis/resp.h"

#include <hiredis.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gridcase::redis {

Reply FromHiredis(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
      return Reply::String(std::string(r->str, r->len));
    case REDIS_REPLY_STATUS:
      return Reply::Status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR:
      return Reply::Error(std::string(r->str, r->len));
    case REDIS_REPLY_INTEGER:
      return Reply::Integer(r->integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        elements.push_back(FromHiredis(r->element[i]));
      }
      return Reply::Array(std::move(elements));
    }
    default:
      return Reply::Nil();
  }
}

absl::StatusOr<Reply> DecodeResp(absl::string_view resp) {
  std::unique_ptr<redisReader, void (*)(redisReader*)> reader(
      redisReaderCreate(), &redisReaderFree);
  if (reader == nullptr) return absl::InternalError("RESP: no reader");
  if (redisReaderFeed(reader.get(), resp.data(), resp.size()) != REDIS_OK) {
    return absl::InternalError("RESP: cannot feed the reader");
  }
  void* raw = nullptr;
  if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) {
    return absl::InternalError(std::string("RESP: malformed: ") +
                               reader->errstr);
  }
  if (raw == nullptr) return absl::InternalError("RESP: incomplete reply");
  std::unique_ptr<redisReply, void (*)(void*)> reply(
      static_cast<redisReply*>(raw), &freeReplyObject);
  void* more = nullptr;
  if (redisReaderGetReply(reader.get(), &more) != REDIS_OK || more != nullptr) {
    if (more != nullptr) freeReplyObject(more);
    return absl::InternalError("RESP: more than one reply");
  }
  if (reader->pos != reader->len) {
    return absl::InternalError("RESP: trailing bytes after the reply");
  }
  return FromHiredis(reply.get());
}

}  // namespace gridcase::redis
