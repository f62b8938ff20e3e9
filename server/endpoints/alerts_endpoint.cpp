#include "server/endpoints/alerts_endpoint.hpp"

#include <charconv>

#include "server/endpoints/endpoint_util.hpp"

namespace launchguard::server {
namespace {

constexpr std::size_t default_limit = 100;
constexpr std::size_t max_limit = 1000;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::optional<std::int64_t> whole_number(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

outcome<alert_query> parse_alert_query(std::string_view query) {
  alert_query q;
  q.limit = default_limit;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string name = url_decode(pair.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    if (name == "since") {
      auto n = whole_number(value);
      if (!n) return failure{"since: expected an alert id (a whole number), got \"" + value + "\""};
      q.since = *n;
    } else if (name == "limit") {
      auto n = whole_number(value);
      if (!n || *n == 0)
        return failure{"limit: expected a number from 1 to 1000, got \"" + value + "\""};
      q.limit = std::min<std::size_t>(static_cast<std::size_t>(*n), max_limit);
    } else if (name == "severity") {
      q.at_least = severity_from(value);
      if (!q.at_least)
        return failure{"severity: expected info, low, medium, high or critical, got \"" + value +
                       "\""};
    } else if (name == "rule") {
      q.rule = rule_from(value);
      if (!q.rule)
        return failure{"rule: no rule \"" + value + "\" in the catalog (see `launchguard rules`)"};
    } else {
      return failure{"unknown parameter \"" + name + "\"; use since, limit, severity or rule"};
    }
  }
  return q;
}

std::optional<http_response> alerts_endpoint::screen(const http_request& request) const {
  if (auto wrong = require_method(request, "GET")) return wrong;
  return require_bearer(request, token_, "--api-token-file");
}

http_response alerts_endpoint::handle(const http_request& request) {
  if (auto wrong = screen(request)) return *wrong;
  auto query = parse_alert_query(request.query());
  if (!query) return error_response(400, query.error().message);
  auto rows = store_.query(*query);
  if (!rows) return error_response(503, "the state store cannot be read: " + rows.error().message);

  std::int64_t next = rows->empty() ? query->since : rows->back().id;
  std::string body = "{\"alerts\":[";
  for (std::size_t i = 0; i < rows->size(); ++i) {
    if (i > 0) body.push_back(',');
    body += (*rows)[i].json;
  }
  body += "],\"next\":" + std::to_string(next) + "}";
  return json_response(200, std::move(body));
}

}  // namespace launchguard::server
