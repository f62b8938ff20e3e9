// The answer's bytes on the wire (write_response): what a client's HTTP parser reads back.
#include "server/http/http_message.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

namespace launchguard::server {
namespace {

namespace http = boost::beast::http;

// Parses `wire` as one whole response; fails the test if it is not exactly one.
http::response<http::string_body> read_back(const std::string& wire) {
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  boost::beast::error_code ec;
  std::size_t used = parser.put(boost::asio::buffer(wire), ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << wire;
  EXPECT_TRUE(parser.is_done()) << wire;
  EXPECT_EQ(used, wire.size()) << wire;
  return parser.release();
}

TEST(write_response, writes_status_line_headers_and_body) {
  std::string wire;
  write_response(json_response(200, R"({"ok":true})"), true, wire);
  EXPECT_EQ(wire,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
            R"({"ok":true})");
  auto back = read_back(wire);
  EXPECT_TRUE(back.keep_alive());
}

TEST(write_response, says_when_the_connection_closes) {
  std::string wire;
  write_response(error_response(413, "too large"), false, wire);
  auto back = read_back(wire);
  EXPECT_EQ(back.result_int(), 413u);
  EXPECT_EQ(back.reason(), "Payload Too Large");
  EXPECT_FALSE(back.keep_alive());
  EXPECT_EQ(back.body(), R"({"error":"too large"})");
}

TEST(write_response, carries_extra_headers_and_content_type) {
  http_response answer = text_response(429, "slow down\n");
  answer.headers.emplace_back("Retry-After", "1");
  std::string wire;
  write_response(answer, true, wire);
  auto back = read_back(wire);
  EXPECT_EQ(back[http::field::retry_after], "1");
  EXPECT_EQ(back[http::field::content_type], "text/plain; charset=utf-8");
  EXPECT_EQ(back.body(), "slow down\n");
}

TEST(write_response, leaves_out_headers_that_would_split_the_answer) {
  http_response answer = json_response(200, "{}");
  answer.headers.emplace_back("X-Injected", "a\r\nSet-Cookie: stolen=1");
  answer.headers.emplace_back("Bad Name", "x");
  answer.headers.emplace_back("X-Kept", "yes");
  std::string wire;
  write_response(answer, true, wire);
  auto back = read_back(wire);
  EXPECT_EQ(back.count("Set-Cookie"), 0u);
  EXPECT_EQ(back.count("X-Injected"), 0u);
  EXPECT_EQ(back["X-Kept"], "yes");
  EXPECT_EQ(back.body(), "{}");
}

TEST(write_response, sends_no_body_where_http_allows_none) {
  http_response answer = json_response(204, "ignored");
  std::string wire;
  write_response(answer, true, wire);
  EXPECT_EQ(wire, "HTTP/1.1 204 No Content\r\nContent-Type: application/json\r\n\r\n");
}

TEST(write_response, reuses_the_buffer_without_leftovers) {
  std::string wire;
  write_response(json_response(200, std::string(5000, 'x')), true, wire);
  std::size_t capacity = wire.capacity();
  write_response(json_response(200, "{}"), true, wire);
  EXPECT_EQ(wire.capacity(), capacity);
  EXPECT_EQ(read_back(wire).body(), "{}");
}

}  // namespace
}  // namespace launchguard::server
