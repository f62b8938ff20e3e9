#include "server/app/policy_store.hpp"

#include <fstream>
#include <sstream>

#include "policy/config/policy_loader.hpp"

namespace launchguard::server {

outcome<std::shared_ptr<const policy>> load_policy_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure{path + ": cannot read the policy file"};
  std::ostringstream text;
  text << in.rdbuf();
  auto loaded = load_policy(text.str(), path);
  if (!loaded.ok()) {
    std::string message;
    for (const auto& error : loaded.errors)
      message += (message.empty() ? "" : "\n") + error.to_string();
    return failure{message};
  }
  return loaded.value;
}

outcome<std::shared_ptr<const policy>> policy_store::reload() {
  auto loaded = load_policy_file(path_);
  if (!loaded) return loaded;
  std::lock_guard lock(mutex_);
  current_ = *loaded;
  return loaded;
}

}  // namespace launchguard::server
