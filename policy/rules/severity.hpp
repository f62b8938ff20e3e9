#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace launchguard {

// Ordered: a comparison means "at or above".
enum class severity : std::uint8_t { info, low, medium, high, critical };

std::string_view to_string(severity level);
std::optional<severity> severity_from(std::string_view text);

// Ordered by strength: the effective action is the lower of the rule's action and the mode.
enum class action : std::uint8_t { off, audit, warn, enforce };

std::string_view to_string(action level);
std::optional<action> action_from(std::string_view text);

}  // namespace launchguard
