#pragma once

#include <string>

#include <boost/beast/http/message.hpp>

#include "server/http/http_message.hpp"

namespace launchguard::server {

// The request as endpoints see it, without its body or the peer's identity: what the
// server's session screens before reading the body (and what the fuzz harness feeds it).
inline http_request head_of(const boost::beast::http::request_header<>& message) {
  namespace http = boost::beast::http;
  http_request out;
  out.method = std::string(message.method_string());
  out.target = std::string(message.target());
  out.content_type = std::string(message[http::field::content_type]);
  out.authorization = std::string(message[http::field::authorization]);
  return out;
}

}  // namespace launchguard::server
