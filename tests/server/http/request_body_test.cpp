// The request body type: what Beast's parser puts in it, and the padding the decoder needs
// behind it without another copy.
#include "server/http/request_body.hpp"

#include <string>
#include <string_view>

#include <boost/beast/http/parser.hpp>
#include <gtest/gtest.h>

#include "server/http/parse_step.hpp"

namespace launchguard::server {
namespace {

namespace http = boost::beast::http;

// Feeds `wire` to a fresh parser in pieces of `step` bytes, as the session feeds it what
// each read brought; returns the parsed body.
std::string parse(std::string_view wire, std::size_t step, std::size_t* capacity = nullptr) {
  http::request_parser<request_body> parser;
  std::string pending;
  for (std::size_t at = 0; at < wire.size() && !parser.is_done(); at += step) {
    pending += wire.substr(at, step);
    boost::beast::error_code ec;
    do {  // the header is a step of its own: the body may be buffered behind it
      pending.erase(0, parse_step(parser, pending, ec));
    } while (!ec && !parser.is_done());
    if (ec && ec != http::error::need_more) ADD_FAILURE() << ec.message();
  }
  EXPECT_TRUE(parser.is_done());
  if (capacity != nullptr) *capacity = parser.get().body().capacity();
  return parser.release().body();
}

TEST(request_body, holds_a_content_length_body_with_the_decoders_padding_behind_it) {
  std::string body(5000, 'x');
  body[0] = '{';
  std::string wire = "POST /validate HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + body;
  for (std::size_t step : {1u, 7u, 4096u, 100000u}) {
    std::size_t capacity = 0;
    EXPECT_EQ(parse(wire, step, &capacity), body) << "in pieces of " << step;
    EXPECT_GE(capacity, body.size() + json_padding) << "in pieces of " << step;
  }
}

TEST(request_body, holds_a_chunked_body) {
  std::string wire =
      "POST /audit HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
  for (std::size_t step : {1u, 3u, 1000u})
    EXPECT_EQ(parse(wire, step), "hello, world") << "in pieces of " << step;
}

TEST(request_body, is_empty_without_a_body) {
  EXPECT_EQ(parse("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 10), "");
}

}  // namespace
}  // namespace launchguard::server
