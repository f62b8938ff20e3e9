#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace launchguard {

using duration_ms = std::chrono::milliseconds;

// "500ms", "30s", "10m", "1h", "30d", or a sum such as "1h30m". No sign, no fractions; every
// number carries its unit. nullopt for anything else.
std::optional<duration_ms> parse_duration(std::string_view text);

// The shortest exact spelling: 90000ms -> "90s", 5400000ms -> "90m".
std::string format_duration(duration_ms value);

}  // namespace launchguard
