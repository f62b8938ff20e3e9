#pragma once

#include "policy/config/policy.hpp"
#include "policy/model/admission_request.hpp"
#include "policy/rules/violation.hpp"

namespace launchguard {

// The pod-spec rules about hiding from the node's sensors: runtime-socket-mount,
// sensitive-host-mount, scheduler-bypass, control-plane-toleration, monitoring-opt-out.
// `launcher` is who created or changed the object (scheduler-bypass exempts nodes and the
// scheduler).
void check_evasion(const pod_template& pod, const user_info& launcher,
                   const evasion_settings& settings, violations& out);

// The annotation or label that opts a pod out of sidecars or log shipping, as "key=value",
// or empty. Built-in list plus evasion.optOutAnnotations; values compare case-insensitively.
std::string find_opt_out(const pod_template& pod, const string_pairs& extra);

}  // namespace launchguard
