#include "policy/config/config_error.hpp"

namespace launchguard {

std::string config_error::to_string() const {
  if (line == 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

}  // namespace launchguard
