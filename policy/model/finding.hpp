#pragma once

#include <string>
#include <vector>

#include "policy/model/object_meta.hpp"
#include "policy/rules/rule_id.hpp"
#include "policy/rules/severity.hpp"

namespace launchguard {

enum class outcome : std::uint8_t { denied, warned, recorded };

std::string_view to_string(outcome value);

// A rule that fired on a request, after the policy decided what to do about it: the raw
// material of an alert (the server adds who, what, when and the response steps).
struct finding {
  rule_id rule;
  severity level;
  action effective;  // enforce, warn or audit
  outcome result;
  std::string message;
  string_pairs evidence;
  // Who the finding is about when it is not the requester: the principal a launch is
  // attributed to (the creator of the Deployment, not the ReplicaSet controller).
  std::string principal = {};
  std::string claim = {};  // see violation::claim
};

using findings = std::vector<finding>;

}  // namespace launchguard
