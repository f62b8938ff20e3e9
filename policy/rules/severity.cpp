#include "policy/rules/severity.hpp"

#include <array>

namespace launchguard {
namespace {

constexpr std::array<std::string_view, 5> severity_names{"info", "low", "medium", "high",
                                                         "critical"};
constexpr std::array<std::string_view, 4> action_names{"off", "audit", "warn", "enforce"};

}  // namespace

std::string_view to_string(severity level) {
  return severity_names[static_cast<std::size_t>(level)];
}

std::optional<severity> severity_from(std::string_view text) {
  for (std::size_t i = 0; i < severity_names.size(); ++i) {
    if (severity_names[i] == text) return static_cast<severity>(i);
  }
  return std::nullopt;
}

std::string_view to_string(action level) {
  return action_names[static_cast<std::size_t>(level)];
}

std::optional<action> action_from(std::string_view text) {
  for (std::size_t i = 0; i < action_names.size(); ++i) {
    if (action_names[i] == text) return static_cast<action>(i);
  }
  return std::nullopt;
}

}  // namespace launchguard
