#include "server/http/http_message.hpp"

#include <charconv>

#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

namespace launchguard::server {

http_response error_response(int status, std::string_view message) {
  nlohmann::json body = {{"error", message}};
  return json_response(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

namespace {

bool splits_header(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// 1xx, 204 and 304 answers have no body, and so no Content-Length either.
bool bodiless(int status) {
  return status < 200 || status == 204 || status == 304;
}

}  // namespace

void write_response(const http_response& answer, bool keep_alive, std::string& out) {
  namespace http = boost::beast::http;
  char digits[24];
  auto status_end = std::to_chars(digits, digits + sizeof digits, answer.status).ptr;
  out.clear();
  out.append("HTTP/1.1 ").append(digits, status_end).push_back(' ');
  out.append(http::obsolete_reason(http::int_to_status(static_cast<unsigned>(answer.status))));
  if (!splits_header(answer.content_type))
    out.append("\r\nContent-Type: ").append(answer.content_type);
  bool body = !bodiless(answer.status);
  if (body) {
    auto length_end = std::to_chars(digits, digits + sizeof digits, answer.body.size()).ptr;
    out.append("\r\nContent-Length: ").append(digits, length_end);
  }
  for (const auto& [name, value] : answer.headers) {
    bool bad_name = name.empty() || name.find_first_of(": ") != std::string::npos;
    if (bad_name || splits_header(name) || splits_header(value)) continue;
    out.append("\r\n").append(name).append(": ").append(value);
  }
  if (!keep_alive) out.append("\r\nConnection: close");
  out.append("\r\n\r\n");
  if (body) out.append(answer.body);
}

}  // namespace launchguard::server
