#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "policy/rules/pod_security.hpp"
#include "policy/rules/rule_id.hpp"
#include "policy/rules/severity.hpp"

namespace launchguard {

// Where a rule can fire: bits of rule_info::sources.
enum rule_source : std::uint8_t {
  from_admission = 1,
  from_audit = 2,
};

// What a responder does when the rule fires, step by step, with concrete commands.
struct response_steps {
  std::string_view investigate;
  std::string_view contain;
  std::string_view analyse;
  std::string_view remediate;
  std::string_view report;
};

// One rule of the catalog with its detection-strategy metadata: the single place where a
// rule's id, defaults and documentation live. `launchguard rules` and docs/rules.md render it.
//
//   const rule_info& info = rule_of(rule_id::runtime_socket_mount);
//   info.default_severity;  // severity::critical
struct rule_info {
  rule_id id;
  std::string_view title;
  severity default_severity;
  action default_action;
  std::uint8_t sources;                      // rule_source bits
  std::vector<std::string_view> tactics;     // ATT&CK tactic names
  std::vector<std::string_view> techniques;  // ATT&CK technique ids, e.g. "T1610"
  std::string_view goal;                     // one line
  std::string_view false_positives;
  std::string_view blind_spots;
  response_steps response;
  // Pod Security Standards rules: the lowest level that includes the check; privileged for
  // every other rule.
  pss_level level = pss_level::privileged;
  // Watch rules still evaluate exempt requests: exempt places are where evasion hides.
  bool watch = false;
};

// Every rule, in rule_id order.
std::span<const rule_info> rule_catalog();
const rule_info& rule_of(rule_id id);

}  // namespace launchguard
