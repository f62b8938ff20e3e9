#pragma once

// The body type of the requests the server reads: Beast's string_body, except that the
// string is reserved with the JSON decoder's padding behind the body and filled by appending.
// string_body resizes first (zero-filling what it is about to overwrite) and reserves the
// body's exact length, so padding it for the decoder moved the whole body to a new buffer:
// two needless passes over every body.

#include <cstdint>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>

#include "policy/decode/json_input.hpp"

namespace launchguard::server {

struct request_body {
  using value_type = std::string;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class reader {
   public:
    template <bool is_request, class fields_type>
    reader(boost::beast::http::header<is_request, fields_type>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      ec = {};
      if (!length) return;  // chunked: grows as it comes, and padded() reserves at the end
      if (*length > body_.max_size() - json_padding) {
        ec = boost::beast::http::error::buffer_overflow;
        return;
      }
      body_.reserve(static_cast<std::size_t>(*length) + json_padding);
    }

    template <class const_buffers>
    std::size_t put(const const_buffers& buffers, boost::beast::error_code& ec) {
      ec = {};
      std::size_t taken = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        boost::asio::const_buffer piece = *it;
        body_.append(static_cast<const char*>(piece.data()), piece.size());
        taken += piece.size();
      }
      return taken;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace launchguard::server
