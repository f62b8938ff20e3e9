#include "policy/model/quantity.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace launchguard {
namespace {

// Binary suffixes first: "Mi" must not be read as "M" followed by junk.
constexpr std::array<std::pair<std::string_view, double>, 13> suffixes{{
    {"Ki", 1024.0},
    {"Mi", 1048576.0},
    {"Gi", 1073741824.0},
    {"Ti", 1099511627776.0},
    {"Pi", 1125899906842624.0},
    {"Ei", 1152921504606846976.0},
    {"n", 1e-9},
    {"u", 1e-6},
    {"m", 1e-3},
    {"k", 1e3},
    {"M", 1e6},
    {"G", 1e9},
    {"T", 1e12},
}};

std::optional<double> parse_unchecked(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t end = 0;
  if (end < text.size() && (text[end] == '+' || text[end] == '-')) ++end;
  while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.'))
    ++end;
  std::string_view number = text.substr(0, end);
  std::string_view suffix = text.substr(end);
  if (number.empty() || number == "+" || number == "-") return std::nullopt;
  if (number.front() == '+') number.remove_prefix(1);

  double value = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || ptr != number.data() + number.size()) return std::nullopt;

  if (suffix.empty()) return value;
  if (suffix == "P") return value * 1e15;
  if (suffix == "E") return value * 1e18;
  for (const auto& [name, factor] : suffixes) {
    if (suffix == name) return value * factor;
  }
  // Decimal exponent: "1e3", "2E-3".
  if (suffix.size() >= 2 && (suffix.front() == 'e' || suffix.front() == 'E')) {
    int exponent = 0;
    std::string_view digits = suffix.substr(1);
    if (digits.front() == '+') digits.remove_prefix(1);
    auto [p, e] = std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
    if (e == std::errc() && p == digits.data() + digits.size())
      return value * std::pow(10.0, exponent);
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> parse_quantity(std::string_view text) {
  // A value too large for a double ("1e400", "1e300Ei") comes out as infinity: not a quantity.
  auto value = parse_unchecked(text);
  if (value && !std::isfinite(*value)) return std::nullopt;
  return value;
}

}  // namespace launchguard
