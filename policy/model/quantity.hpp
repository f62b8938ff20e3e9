#pragma once

#include <optional>
#include <string_view>

namespace launchguard {

// A Kubernetes resource quantity as a number of base units: "500m" -> 0.5 (cores),
// "64Gi" -> 68719476736 (bytes), "1e3" -> 1000. nullopt when malformed.
//
//   parse_quantity("250m").value();  // 0.25
std::optional<double> parse_quantity(std::string_view text);

}  // namespace launchguard
