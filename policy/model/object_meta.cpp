#include "policy/model/object_meta.hpp"

namespace launchguard {

std::optional<std::string_view> find_value(const string_pairs& pairs, std::string_view key) {
  for (const auto& [k, v] : pairs) {
    if (k == key) return std::string_view{v};
  }
  return std::nullopt;
}

}  // namespace launchguard
