#pragma once

#include <string>

#include "policy/config/policy.hpp"
#include "policy/model/audit_event.hpp"
#include "policy/rules/violation.hpp"
#include "policy/track/distinct_tracker.hpp"
#include "policy/track/tracker_store.hpp"

namespace launchguard {

// launchguard's own installation, for launchguard-config-tampering: its namespace, its service
// account (its own writes are not tampering), and the namespace label that opts a namespace out
// of the webhook.
struct self_identity {
  std::string namespace_name = "launchguard";
  std::string service_account = "system:serviceaccount:launchguard:launchguard";
  std::string opt_out_label = "launchguard.io/ignore";
};

// Memory the audit rules keep across events.
struct audit_memory {
  explicit audit_memory(std::size_t max_keys, tracker_store* shared_trackers = nullptr)
      : secret_reads(max_keys), trackers(shared_trackers) {}
  distinct_tracker secret_reads;  // principal -> distinct secrets read (secrets-enumeration)
  tracker_store* trackers;        // rate and provenance, shared with admission; null: none
};

// The rules only audit can see, over one event (ResponseComplete, or ResponseStarted for
// connections): webhook-config-tampering, webhook-failed-open, audit-evidence-deleted,
// network-policy-removed, anonymous-request, rbac-cluster-admin-binding, rbac-exec-role,
// secrets-enumeration and launchguard-config-tampering. Attempts that failed still count
// for the rules where trying is the signal, and their message says the request failed.
void check_audit_only(const audit_event& event, const policy& rules, const self_identity& self,
                      audit_memory& memory, violations& out);

// True when the rule reports failed attempts too.
bool attempt_matters(rule_id rule);

// " (the request failed: 403 Forbidden)" for a failed event, "" otherwise.
std::string failure_note(const audit_event& event);

}  // namespace launchguard
