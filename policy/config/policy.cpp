#include "policy/config/policy.hpp"

namespace launchguard {

bool exemption_set::matches(std::string_view namespace_name, const user_info& user) const {
  if (!namespace_name.empty() && any_matches(namespaces, namespace_name)) return true;
  if (any_matches(users, user.username)) return true;
  for (const auto& group : user.groups) {
    if (any_matches(groups, group)) return true;
  }
  return false;
}

const namespace_settings& policy::settings_for(std::string_view namespace_name) const {
  for (const auto& entry : namespaces) {
    if (entry.match.matches(namespace_name)) return entry.settings;
  }
  return global;
}

}  // namespace launchguard
