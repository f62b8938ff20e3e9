#pragma once

#include <string_view>

#include "policy/config/policy.hpp"
#include "policy/model/admission_request.hpp"
#include "policy/model/decision.hpp"
#include "policy/rules/violation.hpp"
#include "policy/track/tracker_store.hpp"

namespace launchguard {

// Decides one admission request under a policy: runs the pod-spec rules (images, Pod
// Security Standards, evasion) over the pod template under review and the request rules over
// the request, then applies actions, modes and exemptions exactly as the contract's section 4
// says. Pure: the same inputs give the same decision.
//
// Every decision carries the `decision-id` audit annotation, which the API server copies into
// the request's audit event: that is how the audit side proves admission saw a request. An
// exception while evaluating becomes webhook-internal-error and follows failureMode.
//
//   decision d = admit(*policy, request, "5f1c-42");
//   if (!d.allowed) ...  // d.message lists each violated rule id with a reason
decision admit(const policy& rules, const admission_request& request, std::string_view decision_id);

// admit(), and then, for an allowed request that is not a dry run and launches a pod or
// changes a pod template, the trackers (rate, provenance) over it at `now_ms`. Their findings
// join the decision like any other rule's: a tracker rule set to enforce denies.
// When the trackers' store throws tracker_unavailable, the decision is the stateless one,
// with stateful_skipped set and the audit annotation stateful-rules: not-evaluated.
decision admit_and_track(const policy& rules, const admission_request& request,
                         std::string_view decision_id, tracker_store& trackers,
                         std::int64_t now_ms);

// The decision for a request whose object could not be decoded (over the decoder's caps, a
// duplicate key): `shell` is what could be read of it (admission_review_shell). Like an
// evaluation failure, it is webhook-internal-error and follows failureMode, so a crafted
// object cannot turn enforcement into a failed call that failurePolicy: Ignore lets through.
decision admit_undecodable(const policy& rules, const admission_request& shell,
                           std::string_view decision_id, const std::string& problem);

// What the rules found for a request, before actions and exemptions apply.
using evaluator = violations (*)(const policy&, const admission_request&,
                                 const namespace_settings&);

// admit() with the rule evaluation replaced: lets tests drive the failure path (an evaluator
// that throws) that no well-formed input reaches.
decision admit_with(const policy& rules, const admission_request& request,
                    std::string_view decision_id, evaluator evaluate);

// The pod-spec rules (images, Pod Security Standards, evasion) over one pod template, as the
// namespace's settings say. Audit runs them too, on objects admission never saw.
violations pod_spec_violations(const pod_template& pod, const user_info& launcher,
                               const policy& rules, const namespace_settings& ns);

// The pod template the pod-spec rules look at for this request, or null when there is none:
// CREATE of a pod or workload, or an UPDATE that changes the template (an UPDATE whose template
// equals the old one is never denied by a pod-spec rule, so scaling keeps working).
const pod_template* pod_under_review(const admission_request& request);

// Cuts a warning to at most `limit` bytes without splitting a UTF-8 character.
std::string shorten(std::string text, std::size_t limit);

}  // namespace launchguard
