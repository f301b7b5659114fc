// HttpPoster: POSTs one JSON body and says what came back. CurlPoster is
// the real one (libcurl, one easy handle per request, no redirects, a
// deadline per request); tests may inject another.
#ifndef GRIDCASE_SERVICES_NOTIFY_HTTP_POSTER_H_
#define GRIDCASE_SERVICES_NOTIFY_HTTP_POSTER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "services/notify/backoff.h"

namespace gridcase::notify {

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  // Content-Type application/json is added.
  virtual HttpResult Post(const std::string& url, const Headers& headers,
                          const std::string& body, absl::Duration timeout) = 0;
};

class CurlPoster final : public HttpPoster {
 public:
  // Initialises libcurl (curl_global_init) once per process.
  CurlPoster();
  CurlPoster(const CurlPoster&) = delete;
  CurlPoster& operator=(const CurlPoster&) = delete;

  HttpResult Post(const std::string& url, const Headers& headers,
                  const std::string& body, absl::Duration timeout) override;
};

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_HTTP_POSTER_H_
