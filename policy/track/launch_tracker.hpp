#pragma once

#include <cstdint>
#include <string>

#include "policy/config/policy.hpp"
#include "policy/model/admission_request.hpp"
#include "policy/model/finding.hpp"
#include "policy/model/kube_object.hpp"
#include "policy/rules/violation.hpp"
#include "policy/track/tracker_store.hpp"

namespace launchguard {

// A pod launch or a pod template change, as the trackers see it.
// It refers to the request's own namespace and user (one is made per review: copying a
// user's groups for it cost allocations on every admission), so it lives no longer than they.
struct tracked_change {
  std::int64_t time_ms = 0;  // arrival time at admission, stageTimestamp in audit
  const std::string& namespace_name;
  const kube_object* object = nullptr;  // the pod or the workload; its `pod` is set
  const user_info& requester;           // who sent the request (the impersonated user, if any)
  bool launch = false;                  // a Pod CREATE: counts once toward the rate rules
  // Where the change comes from: an audit event's "auditID/stage", or a decision id. A retry
  // of the same origin (a batch answered 503 and sent again) reports again what the first
  // attempt reported, instead of finding its own first-seen already taken.
  std::string origin = {};
};

// The rules that need memory across requests, over one change:
//  - rate: launch-rate-principal, launch-rate-namespace, launch-rate-spike (per namespace,
//    against a learned baseline, after warm-up) and resource-request-spike (requested CPU,
//    memory and GPUs per namespace against their baselines, and any single pod above
//    rate.podCeiling);
//  - provenance: image-first-seen (once per image, by digest where known; silent while the
//    inventory is new, for rate.warmupWindows windows) and image-tag-drift (a tag seen with a
//    second digest).
// A controller's pod is attributed to whoever created or last changed its top-level owner
// (ReplicaSet to Deployment, Job to CronJob), when that is known; `principal` of the returned
// value says who it was. Rate rules raise once per key per window.
struct tracked {
  violations found;
  std::string principal;
};
tracked track_change(const policy& rules, tracker_store& store, const tracked_change& change);

// Who tracker findings are about, for exemptions: the principal a launch is attributed to
// (with the requester's groups when it is the requester).
user_info attributed(const user_info& requester, const std::string& principal);

// Keeps the findings whose once-per-window key (finding::claim) is not yet taken, and takes
// it: call after judging, so exempt and silenced findings never use up a window's alert.
findings claim_reports(tracker_store& store, findings judged, std::int64_t now_ms,
                       duration_ms window, const std::string& origin = {});

// Takes `key` for `origin`: true when it was free, or is already held by the same origin.
bool claim_for(tracker_store& store, const std::string& key, const std::string& origin,
               std::int64_t now_ms, std::int64_t expires_ms = 0);

// image-tag-drift from what a node reports it runs: status.containerStatuses of a pod, where
// imageID is a repository digest (runtimes also report config digests there: those are not
// compared).
violations track_statuses(const policy& rules, tracker_store& store, const kube_object& pod,
                          std::int64_t time_ms, const std::string& origin = {});

}  // namespace launchguard
