#include "policy/model/finding.hpp"

namespace launchguard {

std::string_view to_string(outcome value) {
  switch (value) {
    case outcome::denied:
      return "denied";
    case outcome::warned:
      return "warned";
    case outcome::recorded:
      return "recorded";
  }
  return "recorded";
}

}  // namespace launchguard
