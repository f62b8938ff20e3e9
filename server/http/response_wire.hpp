#pragma once

#include <string>

#include "server/http/http_message.hpp"

namespace launchguard::server {

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

}  // namespace launchguard::server
