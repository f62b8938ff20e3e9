#pragma once

#include <string>
#include <vector>

namespace launchguard::server {

// `launchguard check-config FILE`: 0 when valid, 2 with every error on stderr.
int run_check_config(const std::string& path);

// `launchguard rules --format text|json|markdown`.
int run_rules(const std::string& format);

struct review_options {
  std::string config;
  std::string user = "launchguard-review";
  std::vector<std::string> groups{"system:authenticated"};
  std::string namespace_name;  // default: each object's own, else "default"
  std::string format = "text";
  std::vector<std::string> manifests;
};

// `launchguard review`: 1 if any object would be denied, 0 otherwise, 2 on unreadable input.
int run_review(const review_options& options);

}  // namespace launchguard::server
