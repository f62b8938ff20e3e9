#pragma once

#include <memory>
#include <string_view>

#include "policy/config/config_error.hpp"
#include "policy/config/policy.hpp"

namespace launchguard {

struct policy_load_result {
  std::shared_ptr<const policy> value;  // null when there are errors
  config_errors errors;                 // every problem found, not only the first

  bool ok() const { return errors.empty(); }
};

// Parses and validates a policy from its text. `source` names it in errors ("policy.yaml").
// The core never opens files: the caller reads the file and passes its content.
//
//   auto loaded = load_policy("mode: warn\nimages: {allow: [\"registry.example.com/**\"]}\n",
//                             "policy.yaml");
//   if (!loaded.ok()) for (auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
policy_load_result load_policy(std::string_view content, std::string_view source);

}  // namespace launchguard
