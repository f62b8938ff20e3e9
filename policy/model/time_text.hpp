#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace launchguard {

// Milliseconds since the epoch for an RFC 3339 timestamp as the API server writes them:
// "2026-11-27T09:15:02Z", "2026-11-27T09:15:02.123456Z", "2026-11-27T10:15:02+01:00".
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace launchguard
