#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace launchguard::server {

// A request as endpoints see it: no Beast types, so endpoints compile fast and can be driven
// by tests and fuzzers without a socket.
struct http_request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // "/validate?timeout=10s"
  std::string content_type;
  std::string authorization;
  std::string body;
  bool client_certificate_verified = false;  // TLS client certificate signed by --client-ca
  std::string client_subject;                // its subject, when verified
  std::string remote_address;                // the peer's IP address

  // The target without its query string: "/validate".
  std::string_view path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
  }
  // The query string without '?', or empty.
  std::string_view query() const {
    std::string_view t = target;
    auto mark = t.find('?');
    return mark == std::string_view::npos ? std::string_view{} : t.substr(mark + 1);
  }
};

struct http_response {
  int status = 200;
  // Text with static storage (a literal): the answer may outlive whatever made it.
  std::string_view content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// A JSON error answer: {"error": "<message>"}.
http_response error_response(int status, std::string_view message);

inline http_response json_response(int status, std::string body) {
  http_response answer;
  answer.status = status;
  answer.body = std::move(body);
  return answer;
}

inline http_response text_response(int status, std::string body,
                                   std::string_view content_type = "text/plain; charset=utf-8") {
  http_response answer;
  answer.status = status;
  answer.content_type = content_type;
  answer.body = std::move(body);
  return answer;
}

// Writes `answer` as HTTP/1.1 bytes into `out` (replacing what it held, keeping its
// capacity): status line, Content-Type, Content-Length, the extra headers, "Connection:
// close" when the connection ends after it, then the body. One buffer, so that TLS sends the
// whole answer in one record and one system call, and a session that keeps `out` between
// requests does not allocate for it again. An extra header whose name or value holds a
// CR, LF or NUL (which would split the header) is left out.
//
//   std::string wire;
//   write_response(json_response(200, "{}"), true, wire);
//   // "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
void write_response(const http_response& answer, bool keep_alive, std::string& out);

// Delivers the answer to a request: exactly once, from any thread.
using respond_fn = std::function<void(http_response)>;

// What a listener serves. Implementations must be thread-safe: sessions on several threads
// call them at once.
class request_handler {
 public:
  virtual ~request_handler() = default;

  // Called once the headers are in: the largest body this path accepts. Larger bodies are
  // answered 413 without being read.
  virtual std::size_t body_limit(std::string_view path) const = 0;

  // Called once the headers are in, before the body is read, with `head` (the request
  // without its body): an answer here (401, 403, 405, 415, 429...) is sent at once and the
  // connection closed, so a client that may not send a body never gets to make the server
  // buffer one. Null lets the request through to handle().
  virtual std::optional<http_response> screen(const http_request& head) {
    (void)head;
    return std::nullopt;
  }

  // Answers through `respond`, at once or later (after a durable commit, say); the
  // connection waits for the answer without holding up its I/O thread.
  virtual void handle(http_request request, respond_fn respond) = 0;
};

}  // namespace launchguard::server
