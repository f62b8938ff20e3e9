#include "policy/engine/audit.hpp"

#include <algorithm>

#include "policy/audit/audit_request.hpp"
#include "policy/engine/admission.hpp"
#include "policy/engine/judge.hpp"
#include "policy/rules/image_rules.hpp"
#include "policy/rules/principal.hpp"
#include "policy/rules/request_rules.hpp"
#include "policy/track/launch_tracker.hpp"

namespace launchguard {
namespace {

bool is_connection(const audit_event& e) {
  const std::string& sub = e.object.subresource;
  return e.object.resource == "pods" && (sub == "exec" || sub == "attach" || sub == "portforward");
}

bool launches(const admission_request& r) {
  return r.op == operation::create && r.sub_resource.empty() && r.object && r.object->pod;
}

// The admission rules over a request admission never saw. Failed requests keep only the
// rules where the attempt is the signal.
violations admission_rules(const admission_request& r, const audit_event& e, const policy& p) {
  violations out;
  const namespace_settings& ns = p.settings_for(r.namespace_name);
  // Creates only: audit has no old object, so an update (a finalizer, an adoption, a label
  // the webhook's matchConditions skip) would report the object's standing violations again.
  // What an update rolls out is judged here anyway: as the pods it creates.
  if (!r.partial_object && r.object && r.object->pod && r.sub_resource.empty() &&
      r.op == operation::create) {
    out = pod_spec_violations(*r.object->pod, r.user, p, ns);
  }
  // kubectl debug: the containers it adds go through the image and Pod Security rules too.
  if (r.op == operation::update && r.sub_resource == "ephemeralcontainers" && r.object) {
    pod_template added;
    for (const container* c : added_ephemeral_containers(r.patch ? *r.patch : *r.object, nullptr)) {
      added.spec.containers.push_back(*c);
    }
    if (!added.spec.containers.empty()) {
      check_images(added.spec, ns.images, out);
      check_pod_security(added, ns.pod_security.level, ns.pod_security.version, out);
    }
  }
  check_request(r, p, out);
  if (!e.succeeded())
    std::erase_if(out, [](const violation& v) { return !attempt_matters(v.rule); });
  for (auto& v : out)
    v.message += failure_note(e);
  return out;
}

// A create of a pod or workload: seen in the body, or from the resource alone at audit level
// Metadata, which logs no body.
bool creates_workload(const admission_request& r) {
  if (r.op != operation::create || !r.sub_resource.empty()) return false;
  if (r.object) return r.object->pod.has_value();
  return workload_kind_from(r.kind.kind) != workload_kind::none;
}

// Without a body, a pod created by a node is a mirror pod: NodeRestriction lets nodes create
// no other.
bool mirror(const admission_request& r) {
  return r.object ? is_mirror_pod(*r.object, r.user) : r.kind.kind == "Pod" && is_node(r.user);
}

void correlate(const admission_request& r, const audit_event& e, const policy& p, violations& out) {
  if (!creates_workload(r) || !e.succeeded() || mirror(r)) return;
  if (any_matches(p.provenance.uncovered_namespaces, r.namespace_name)) return;
  out.push_back({rule_id::admission_bypass,
                 r.kind.kind + " " + (r.namespace_name.empty() ? "" : r.namespace_name + "/") +
                     r.name +
                     " was created without a decision from launchguard's webhook (deleted, failed "
                     "open, scoped "
                     "away or timed out)",
                 {{"auditID", e.audit_id}, {"requestURI", e.request_uri}}});
}

// The trackers over what happened: a pod or workload created that admission did not see
// (admission counted the others), and what nodes report running.
tracked track_event(const admission_request& r, const audit_event& e, const policy& p,
                    tracker_store& trackers, bool admitted) {
  tracked result;
  if (!admitted && launches(r) && e.succeeded()) {
    tracked_change change{
        e.stage_ms,  r.namespace_name, &*r.object, r.user, r.object->workload == workload_kind::pod,
        origin_of(e)};
    result = track_change(p, trackers, change);
  }
  if (e.response_object && !e.response_object->container_statuses.empty()) {
    violations drift = track_statuses(p, trackers, *e.response_object, e.stage_ms, origin_of(e));
    result.found.insert(result.found.end(), std::make_move_iterator(drift.begin()),
                        std::make_move_iterator(drift.end()));
  }
  return result;
}

}  // namespace

std::vector<alert> observe(const policy& rules, const audit_event& e, audit_memory& memory,
                           const self_identity& self) {
  bool connection = is_connection(e);
  bool counted_stage =
      e.stage == "ResponseComplete" || (connection && e.stage == "ResponseStarted");
  if (!counted_stage || is_dry_run(e)) return {};

  std::string decision_id = decision_id_of(e, rules.provenance.webhook_names);
  admission_request r = as_request(e);
  violations found;
  check_audit_only(e, rules, self, memory, found);
  if (decision_id.empty()) {
    violations seen = admission_rules(r, e, rules);
    found.insert(found.end(), std::make_move_iterator(seen.begin()),
                 std::make_move_iterator(seen.end()));
    correlate(r, e, rules, found);
  }
  tracked by_trackers;
  if (memory.trackers != nullptr)
    by_trackers = track_event(r, e, rules, *memory.trackers, !decision_id.empty());
  if (found.empty() && by_trackers.found.empty()) return {};

  const namespace_settings& ns = rules.settings_for(e.object.namespace_name);
  request_scope scope{e.object.namespace_name, e.principal(), ns.mode, action::enforce};
  findings judged = judge(rules, scope, std::move(found));
  if (memory.trackers != nullptr) {
    user_info principal = attributed(e.principal(), by_trackers.principal);
    request_scope tracked_scope{e.object.namespace_name, principal, ns.mode, action::enforce};
    findings tracked = judge(rules, tracked_scope, std::move(by_trackers.found));
    for (auto& f : claim_reports(*memory.trackers, std::move(tracked), e.stage_ms,
                                 rules.rate.window, origin_of(e))) {
      f.principal = by_trackers.principal;
      judged.push_back(std::move(f));
    }
  }
  std::vector<alert> out;
  out.reserve(judged.size());
  for (auto& f : judged) {
    f.result = outcome::recorded;  // audit sees what already happened: nothing to deny
    alert a = audit_alert(e, f, source_for(f.rule, alert_source::audit), decision_id);
    if (connection) a.once_key = std::string(to_string(f.rule)) + "/" + e.audit_id;
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<alert> undecodable_event(const policy& rules, const audit_event& partial,
                                     const std::string& problem, std::int64_t now_ms) {
  bool counted_stage = partial.stage.empty() || partial.stage == "ResponseComplete" ||
                       (is_connection(partial) && partial.stage == "ResponseStarted");
  if (!counted_stage || is_dry_run(partial)) return {};
  violations found;
  found.push_back({rule_id::webhook_internal_error,
                   "launchguard could not evaluate this audit event: " + problem,
                   {{"auditID", partial.audit_id}, {"problem", problem}}});
  const namespace_settings& ns = rules.settings_for(partial.object.namespace_name);
  request_scope scope{partial.object.namespace_name, partial.principal(), ns.mode, action::enforce};
  audit_event timed = partial;
  if (timed.stage_ms == 0) timed.stage_ms = now_ms;
  std::vector<alert> out;
  for (auto& f : judge(rules, scope, std::move(found))) {
    f.result = outcome::recorded;
    alert a = audit_alert(timed, f, alert_source::audit, "");
    if (!partial.audit_id.empty()) a.once_key = "undecodable/" + partial.audit_id;
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<alert> state_backend_recovered(const policy& rules, const std::string& backend,
                                           std::int64_t down_ms, const std::string& cause,
                                           std::int64_t now_ms) {
  violations found;
  found.push_back({rule_id::state_backend_degraded,
                   "the state store (" + backend + ") was unavailable for " +
                       std::to_string(down_ms / 1000) +
                       " s: rate and provenance rules were not evaluated and audit batches were "
                       "refused meanwhile",
                   {{"backend", backend},
                    {"unavailableMs", std::to_string(down_ms)},
                    {"cause", cause},
                    {"since", std::to_string(now_ms - down_ms)}}});
  user_info self;
  self.username = "launchguard";
  const namespace_settings& ns = rules.settings_for("");
  request_scope scope{"", self, ns.mode, action::enforce};
  audit_event timed;
  timed.stage_ms = now_ms;
  timed.user = self;
  std::vector<alert> out;
  for (auto& f : judge(rules, scope, std::move(found))) {
    f.result = outcome::recorded;
    out.push_back(audit_alert(timed, f, alert_source::audit, ""));
  }
  return out;
}

}  // namespace launchguard
