#include "policy/config/duration.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace launchguard {
namespace {

struct unit {
  std::string_view suffix;
  std::int64_t ms;
};

// Longest suffix first, so "ms" is not read as "m" followed by junk.
constexpr std::array<unit, 5> units{
    {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};

}  // namespace

std::optional<duration_ms> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (number > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
      number = number * 10 + (text[i] - '0');
      ++i;
    }
    if (i == start) return std::nullopt;
    const unit* found = nullptr;
    for (const auto& u : units) {
      if (text.substr(i, u.suffix.size()) == u.suffix) {
        found = &u;
        break;
      }
    }
    if (found == nullptr) return std::nullopt;
    i += found->suffix.size();
    if (number > std::numeric_limits<std::int64_t>::max() / found->ms) return std::nullopt;
    // Checked before adding: a signed overflow would be undefined, not negative.
    if (number * found->ms > std::numeric_limits<std::int64_t>::max() - total) return std::nullopt;
    total += number * found->ms;
  }
  return duration_ms(total);
}

std::string format_duration(duration_ms value) {
  std::int64_t ms = value.count();
  if (ms == 0) return "0s";
  for (auto it = units.rbegin(); it != units.rend(); ++it) {
    if (ms % it->ms == 0) return std::to_string(ms / it->ms) + std::string(it->suffix);
  }
  return std::to_string(ms) + "ms";
}

}  // namespace launchguard
