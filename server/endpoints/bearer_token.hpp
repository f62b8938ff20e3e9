#pragma once

#include <string>
#include <string_view>

#include "server/util/failure.hpp"

namespace launchguard::server {

// A bearer token read from a file (a mounted Secret): surrounding whitespace is trimmed, an
// empty file is an error. Compared in constant time, so response timing says nothing about
// how much of a guess was right.
class bearer_token {
 public:
  static outcome<bearer_token> from_file(const std::string& path);

  // True when `authorization` is "Bearer <token>" with this token.
  bool accepts(std::string_view authorization) const;

 private:
  explicit bearer_token(std::string token) : token_(std::move(token)) {}
  std::string token_;
};

}  // namespace launchguard::server
