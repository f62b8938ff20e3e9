#pragma once

#include <cstddef>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace launchguard::server {

// Feeds `bytes` to an HTTP parser, without I/O, until it finishes its current step: the
// header while that is not done (Beast's parser stops there, so the header can be screened
// before any body is read), otherwise the whole message. Returns the bytes it used; `ec` is
// need_more when the bytes ran out first, or the parse error. The session calls it on what
// one read brought before it reads again; the fuzz harness, on its input.
//
//   std::size_t used = parse_step(parser, buffered, ec);  // ec: {}, need_more or an error
template <class parser_type>
std::size_t parse_step(parser_type& parser, std::string_view bytes, boost::beast::error_code& ec) {
  ec = {};
  bool reading_header = !parser.is_header_done();
  auto finished = [&] { return reading_header ? parser.is_header_done() : parser.is_done(); };
  std::size_t used = 0;
  while (!finished() && used < bytes.size()) {
    std::size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec || n == 0) break;
  }
  if (!ec && !finished()) ec = boost::beast::http::error::need_more;
  return used;
}

}  // namespace launchguard::server
