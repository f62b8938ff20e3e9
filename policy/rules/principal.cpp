#include "policy/rules/principal.hpp"

namespace launchguard {

bool is_node(const user_info& user) {
  if (user.username.starts_with("system:node:")) return true;
  for (const auto& group : user.groups) {
    if (group == "system:nodes") return true;
  }
  return false;
}

bool is_scheduler(const user_info& user) {
  return user.username == "system:kube-scheduler";
}

bool is_service_account(std::string_view username) {
  return username.starts_with("system:serviceaccount:");
}

bool is_person(std::string_view username) {
  return !username.starts_with("system:");
}

bool is_system_component(const user_info& user) {
  std::string_view name = user.username;
  if (name == "system:anonymous" || name.empty()) return false;
  if (is_service_account(name)) return name.starts_with("system:serviceaccount:kube-system:");
  return name.starts_with("system:");
}

}  // namespace launchguard
