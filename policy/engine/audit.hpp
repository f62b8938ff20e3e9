#pragma once

#include <vector>

#include "policy/alerts/alert.hpp"
#include "policy/audit/audit_rules.hpp"
#include "policy/config/policy.hpp"
#include "policy/model/audit_event.hpp"

namespace launchguard {

// Runs the audit detections over one event and returns its alerts, timed by the event's
// stageTimestamp (so `scan` of an old log raises what `serve` would have):
//  - the audit-only rules (webhook, RBAC, evidence, secrets, launchguard's own config);
//  - when no webhook of provenance.webhookNames left a decision id on the event (admission
//    did not see the request), the admission rules over what the event carries, so a
//    privileged pod created while the webhook was down is still caught, and nothing
//    admission reported is reported twice;
//  - correlation: a successful pod or workload create without our decision id outside
//    provenance.uncoveredNamespaces is admission-bypass; a fail-open annotation is
//    webhook-failed-open (critical when the webhook is ours).
// Only ResponseComplete events count, and ResponseStarted for exec, attach and port-forward
// (long-running; those alerts carry a once-key so the two stages raise one alert). Dry runs
// raise nothing. Nothing here denies: every outcome is "recorded".
//
//   audit_memory memory(policy.tracked_keys);
//   for (const auto& event : events) for (auto& a : observe(policy, event, memory, self)) ...
std::vector<alert> observe(const policy& rules, const audit_event& event, audit_memory& memory,
                           const self_identity& self);

// The alert for an audit event that did not decode (json_decoder's skipped_event): its
// detections could not run, and a crafted object is a way to make them not run. `partial`
// holds the fields read before the problem. webhook-internal-error, judged like any rule
// (actions, exemptions, namespace modes), once per auditID, on the stages observe() counts;
// `now_ms` times it when the event's stageTimestamp was not read.
std::vector<alert> undecodable_event(const policy& rules, const audit_event& partial,
                                     const std::string& problem, std::int64_t now_ms);

// state-backend-degraded, raised when the state store answers again after an outage, judged
// like any rule (its action may be off). `backend` names the store ("redis HOST:PORT").
std::vector<alert> state_backend_recovered(const policy& rules, const std::string& backend,
                                           std::int64_t down_ms, const std::string& cause,
                                           std::int64_t now_ms);

}  // namespace launchguard
