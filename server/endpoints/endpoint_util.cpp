#include "server/endpoints/endpoint_util.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace launchguard::server {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

// ASCII only, as HTTP's tokens are (std::tolower is a locale lookup a character).
bool iequals(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::optional<http_response> require_method(const http_request& request, std::string_view allowed) {
  if (request.method == allowed) return std::nullopt;
  http_response answer =
      error_response(405, "method " + request.method + " is not allowed on " +
                              std::string(request.path()) + "; use " + std::string(allowed));
  answer.headers.emplace_back("Allow", std::string(allowed));
  return answer;
}

std::optional<http_response> require_content_type(
    const http_request& request, std::initializer_list<std::string_view> accepted) {
  std::string_view media =
      trim(std::string_view(request.content_type).substr(0, request.content_type.find(';')));
  for (std::string_view candidate : accepted) {
    if (iequals(media, candidate)) return std::nullopt;
  }
  std::string expected;
  for (std::string_view candidate : accepted) {
    if (!expected.empty()) expected += " or ";
    expected += candidate;
  }
  std::string got = request.content_type.empty() ? "none" : "\"" + request.content_type + "\"";
  return error_response(415, "content type " + got + " is not accepted; send " + expected);
}

std::optional<http_response> require_bearer(const http_request& request, const bearer_token& token,
                                            std::string_view flag) {
  if (token.accepts(request.authorization)) return std::nullopt;
  http_response answer =
      error_response(401, "a valid bearer token (" + std::string(flag) + ") is required");
  answer.headers.emplace_back("WWW-Authenticate", "Bearer");
  return answer;
}

}  // namespace launchguard::server
