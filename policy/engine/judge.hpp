#pragma once

#include <string_view>

#include "policy/config/policy.hpp"
#include "policy/model/finding.hpp"
#include "policy/rules/violation.hpp"

namespace launchguard {

// Who and where a request is, for exemptions and the mode in force.
struct request_scope {
  std::string_view namespace_name;
  const user_info& user;
  action mode;     // of the namespace
  action ceiling;  // the strongest action this request may get (warn for mirror pods)
};

// Applies the contract's section 4 to what the rules found: the effective action is the lower
// of the rule's action and the mode; `off` drops the rule; exempt requests (globally or for the
// rule) keep only the watch rules, at most at audit. Findings keep the order of `found`.
findings judge(const policy& rules, const request_scope& scope, violations found);

outcome outcome_of(action effective);

}  // namespace launchguard
