#pragma once

#include <string>
#include <vector>

namespace launchguard {

// One problem in a policy file, with where it is (1-based line and column; 0 when the
// problem concerns the whole file).
//
//   config_error{"policy.yaml", 12, 5, "images.allow[1]: ..."}.to_string()
//   // "policy.yaml:12:5: images.allow[1]: ..."
struct config_error {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  std::string to_string() const;
};

using config_errors = std::vector<config_error>;

}  // namespace launchguard
