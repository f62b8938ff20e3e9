#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace launchguard {

// The SIMD JSON decoder reads up to this many bytes past the end of its input.
inline constexpr std::size_t json_padding = 64;

// A JSON document whose buffer has at least `json_padding` bytes of slack after the text.
//
//   std::string body = read_body();
//   json_input in = padded(body);  // reserves the slack in place, at most one reallocation
struct json_input {
  std::string_view text;
  std::size_t capacity = 0;  // bytes readable from text.data(); >= text.size() + json_padding
};

inline json_input padded(std::string& buffer) {
  buffer.reserve(buffer.size() + json_padding);
  return json_input{buffer, buffer.capacity()};
}

}  // namespace launchguard
