#include "policy/engine/admission.hpp"

#include <algorithm>
#include <stdexcept>

#include "policy/engine/judge.hpp"
#include "policy/rules/catalog.hpp"
#include "policy/rules/evasion_rules.hpp"
#include "policy/rules/image_rules.hpp"
#include "policy/rules/request_rules.hpp"
#include "policy/track/launch_tracker.hpp"

namespace launchguard {
namespace {

constexpr std::size_t warning_limit = 120;

// kubectl debug adds ephemeral containers to a running pod. Only what they add is judged:
// the new containers, and pod-level problems the pod did not already have.
violations ephemeral_violations(const admission_request& r, const policy& p,
                                const namespace_settings& ns) {
  if (!r.object || !r.object->pod) return {};
  auto added = added_ephemeral_containers(*r.object, r.old_object ? &*r.old_object : nullptr);
  if (added.empty()) return {};
  pod_template with_added = *r.object->pod;
  with_added.spec.containers.clear();
  for (const container* c : added)
    with_added.spec.containers.push_back(*c);
  pod_template before = r.old_object && r.old_object->pod ? *r.old_object->pod : *r.object->pod;
  before.spec.containers.clear();

  violations now = pod_spec_violations(with_added, r.user, p, ns);
  violations already = pod_spec_violations(before, r.user, p, ns);
  std::erase_if(now, [&](const violation& v) {
    return std::any_of(already.begin(), already.end(),
                       [&](const violation& a) { return a.rule == v.rule; });
  });
  return now;
}

violations evaluate(const policy& p, const admission_request& r, const namespace_settings& ns) {
  violations out;
  if (const pod_template* pod = pod_under_review(r)) {
    out = pod_spec_violations(*pod, r.user, p, ns);
    // The scheduler set nodeName on a running pod; only a nodeName this request sets counts.
    if (r.op == operation::update && r.old_object && r.old_object->pod &&
        r.old_object->pod->spec.node_name == pod->spec.node_name) {
      std::erase_if(out, [](const violation& v) { return v.rule == rule_id::scheduler_bypass; });
    }
  } else if (r.op == operation::update && r.sub_resource == "ephemeralcontainers") {
    out = ephemeral_violations(r, p, ns);
  }
  check_request(r, p, out);
  return out;
}

std::string bracketed(rule_id id, const std::string& message) {
  return "[" + std::string(to_string(id)) + "] " + message;
}

// Adds judged findings to a decision: a denial that names every enforced rule, a warning per
// warned rule, an audit annotation per rule. `principal` is who the findings are about when
// it is not the requester (a tracker's attribution).
void add_findings(decision& d, findings judged, const std::string& principal = {}) {
  std::string denial;
  for (auto& f : judged) {
    if (f.effective == action::enforce)
      denial += (denial.empty() ? "" : "; ") + bracketed(f.rule, f.message);
    if (f.effective == action::warn)
      d.warnings.push_back(shorten(bracketed(f.rule, f.message), warning_limit));
    d.audit_annotations.emplace_back(std::string(to_string(f.rule)),
                                     std::string(to_string(f.effective)));
    f.principal = principal;
    d.fired.push_back(std::move(f));
  }
  if (!denial.empty()) d.deny("launchguard denied this request: " + denial);
}

// Judges what the rules found and turns it into the verdict, warnings and annotations.
void apply(const policy& p, const admission_request& r, const namespace_settings& ns,
           violations found, decision& d) {
  // Mirror pods are never denied: denying them does not stop the static pod.
  bool mirror = r.op == operation::create && r.object && is_mirror_pod(*r.object, r.user);
  request_scope scope{r.namespace_name, r.user, ns.mode, mirror ? action::warn : action::enforce};
  add_findings(d, judge(p, scope, std::move(found)));
}

void internal_error(const policy& p, const admission_request& r, const std::string& what,
                    decision& d) {
  action mode = action::enforce;
  try {
    mode = p.settings_for(r.namespace_name).mode;
  } catch (...) {
  }
  const rule_info& info = rule_of(rule_id::webhook_internal_error);
  bool deny = p.failure == failure_mode::closed && mode != action::audit;
  action effective =
      deny ? action::enforce
           : std::min(
                 p.rule(rule_id::webhook_internal_error).configured.value_or(info.default_action),
                 mode);
  std::string message = "launchguard could not evaluate this request (" + what + ")";
  d.fired.clear();
  d.warnings.clear();
  d.audit_annotations.resize(1);  // keep decision-id only
  if (deny) d.deny(message + "; failureMode closed denies it");
  if (effective != action::off) {
    d.audit_annotations.emplace_back(std::string(to_string(rule_id::webhook_internal_error)),
                                     std::string(to_string(effective)));
    d.fired.push_back({rule_id::webhook_internal_error,
                       info.default_severity,
                       effective,
                       outcome_of(effective),
                       message,
                       {{"failureMode", p.failure == failure_mode::closed ? "closed" : "open"}}});
  }
}

}  // namespace

// Images, Pod Security Standards and evasion rules over one pod template.
violations pod_spec_violations(const pod_template& pod, const user_info& launcher, const policy& p,
                               const namespace_settings& ns) {
  violations out;
  check_images(pod.spec, ns.images, out);
  check_pod_security(pod, ns.pod_security.level, ns.pod_security.version, out);
  check_evasion(pod, launcher, p.evasion, out);
  return out;
}

const pod_template* pod_under_review(const admission_request& r) {
  if (!r.sub_resource.empty() || !r.object || !r.object->pod) return nullptr;
  if (r.op == operation::create) return &*r.object->pod;
  if (r.op != operation::update) return nullptr;
  if (r.old_object && r.old_object->pod && *r.old_object->pod == *r.object->pod) return nullptr;
  return &*r.object->pod;
}

std::string shorten(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit - 3;
  // Back up to the start of a UTF-8 character: continuation bytes are 10xxxxxx.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  text.resize(cut);
  return text + "...";
}

decision admit_with(const policy& rules, const admission_request& request,
                    std::string_view decision_id, evaluator evaluate_rules) {
  decision d;
  d.audit_annotations.emplace_back("decision-id", std::string(decision_id));
  try {
    const namespace_settings& ns = rules.settings_for(request.namespace_name);
    apply(rules, request, ns, evaluate_rules(rules, request, ns), d);
  } catch (const std::exception& error) {
    internal_error(rules, request, error.what(), d);
  }
  return d;
}

decision admit_undecodable(const policy& rules, const admission_request& shell,
                           std::string_view decision_id, const std::string& problem) {
  decision d;
  d.audit_annotations.emplace_back("decision-id", std::string(decision_id));
  internal_error(rules, shell, "its object does not decode: " + problem, d);
  return d;
}

decision admit(const policy& rules, const admission_request& request,
               std::string_view decision_id) {
  return admit_with(rules, request, decision_id, evaluate);
}

decision admit_and_track(const policy& rules, const admission_request& request,
                         std::string_view decision_id, tracker_store& trackers,
                         std::int64_t now_ms) {
  decision d = admit(rules, request, decision_id);
  const pod_template* pod = pod_under_review(request);
  if (!d.allowed || request.dry_run || pod == nullptr) return d;
  tracked_change change{
      now_ms,
      request.namespace_name,
      &*request.object,
      request.user,
      request.op == operation::create && request.object->workload == workload_kind::pod,
      std::string(decision_id)};
  try {
    tracked result = track_change(rules, trackers, change);
    if (result.found.empty()) return d;
    const namespace_settings& ns = rules.settings_for(request.namespace_name);
    user_info principal = attributed(request.user, result.principal);
    request_scope scope{request.namespace_name, principal, ns.mode, action::enforce};
    add_findings(d,
                 claim_reports(trackers, judge(rules, scope, std::move(result.found)), now_ms,
                               rules.rate.window, std::string(decision_id)),
                 result.principal);
  } catch (const tracker_unavailable& unavailable) {
    // The stateless verdict stands: a shared store that is down must not block launches.
    d.stateful_skipped = unavailable.what();
    d.audit_annotations.emplace_back("stateful-rules", "not-evaluated");
  }
  return d;
}

}  // namespace launchguard
