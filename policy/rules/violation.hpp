#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/model/object_meta.hpp"
#include "policy/rules/rule_id.hpp"
#include "policy/rules/severity.hpp"

namespace launchguard {

// What a rule reports about one request: which rule, a short reason a person can act on, and
// rule-specific evidence (field paths, values, container names). One violation per rule per
// request: a rule that finds several offending containers names them all in one message.
//
//   violation{rule_id::pss_privileged,
//             "container \"app\" sets securityContext.privileged=true",
//             {{"containers", "app"}}};
struct violation {
  rule_id rule;
  std::string message;
  string_pairs evidence;
  std::optional<severity> level = std::nullopt;  // when this raise differs from the catalog's
  // A key reported at most once per rate window: the once-per-window rules set it, and the
  // caller claims it only for findings that survive judging (an exempt request must not use
  // up the alert of the window).
  std::string claim = {};
};

using violations = std::vector<violation>;

}  // namespace launchguard
