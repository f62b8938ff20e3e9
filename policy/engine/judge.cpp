#include "policy/engine/judge.hpp"

#include <algorithm>

#include "policy/rules/catalog.hpp"

namespace launchguard {

outcome outcome_of(action effective) {
  if (effective == action::enforce) return outcome::denied;
  if (effective == action::warn) return outcome::warned;
  return outcome::recorded;
}

findings judge(const policy& rules, const request_scope& scope, violations found) {
  findings out;
  out.reserve(found.size());
  bool exempt = rules.exemptions.matches(scope.namespace_name, scope.user);
  for (auto& v : found) {
    const rule_info& info = rule_of(v.rule);
    const rule_settings& settings = rules.rule(v.rule);
    action effective =
        std::min({settings.configured.value_or(info.default_action), scope.mode, scope.ceiling});
    if (effective == action::off) continue;
    // Exempt places are where evasion hides: the watch rules still record them.
    bool exempt_here = exempt || settings.exemptions.matches(scope.namespace_name, scope.user);
    if (exempt_here && !info.watch) continue;
    if (exempt_here) effective = std::min(effective, action::audit);
    out.push_back({v.rule,
                   v.level.value_or(info.default_severity),
                   effective,
                   outcome_of(effective),
                   std::move(v.message),
                   std::move(v.evidence),
                   {},
                   std::move(v.claim)});
  }
  return out;
}

}  // namespace launchguard
