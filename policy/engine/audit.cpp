#include "policy/engine/audit.hpp"

#include <algorithm>

#include "policy/audit/audit_request.hpp"
#include "policy/engine/admission.hpp"
#include "policy/engine/judge.hpp"
#include "policy/rules/request_rules.hpp"

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
  if (!r.partial_object && r.object && r.object->pod && r.sub_resource.empty() &&
      (r.op == operation::create || r.op == operation::update)) {
    out = pod_spec_violations(*r.object->pod, r.user, p, ns);
  }
  check_request(r, p, out);
  if (!e.succeeded())
    std::erase_if(out, [](const violation& v) { return !attempt_matters(v.rule); });
  for (auto& v : out)
    v.message += failure_note(e);
  return out;
}

void correlate(const admission_request& r, const audit_event& e, const policy& p, violations& out) {
  if (!launches(r) || !e.succeeded() || is_mirror_pod(*r.object, r.user)) return;
  if (any_matches(p.provenance.uncovered_namespaces, r.namespace_name)) return;
  out.push_back({rule_id::admission_bypass,
                 r.kind.kind + " " + (r.namespace_name.empty() ? "" : r.namespace_name + "/") +
                     r.name +
                     " was created without a decision from launchguard's webhook (deleted, failed "
                     "open, scoped "
                     "away or timed out)",
                 {{"auditID", e.audit_id}, {"requestURI", e.request_uri}}});
}

alert_source source_of(rule_id rule) {
  if (rule == rule_id::admission_bypass || rule == rule_id::webhook_failed_open)
    return alert_source::correlation;
  return alert_source::audit;
}

}  // namespace

std::vector<alert> observe(const policy& rules, const audit_event& e, audit_memory& memory,
                           const self_identity& self) {
  bool connection = is_connection(e);
  bool counted_stage =
      e.stage == "ResponseComplete" || (connection && e.stage == "ResponseStarted");
  if (!counted_stage || is_dry_run(e)) return {};

  std::string decision_id = decision_id_of(e, rules.provenance.webhook_names);
  violations found;
  check_audit_only(e, rules, self, memory, found);
  if (decision_id.empty()) {
    admission_request r = as_request(e);
    violations seen = admission_rules(r, e, rules);
    found.insert(found.end(), std::make_move_iterator(seen.begin()),
                 std::make_move_iterator(seen.end()));
    correlate(r, e, rules, found);
  }
  if (found.empty()) return {};

  const user_info& who = e.principal();
  const namespace_settings& ns = rules.settings_for(e.object.namespace_name);
  findings judged =
      judge(rules, request_scope{e.object.namespace_name, who, ns.mode, action::enforce},
            std::move(found));
  std::vector<alert> out;
  out.reserve(judged.size());
  for (auto& f : judged) {
    f.result = outcome::recorded;  // audit sees what already happened: nothing to deny
    alert a = audit_alert(e, f, source_of(f.rule), decision_id);
    if (connection) a.once_key = std::string(to_string(f.rule)) + "/" + e.audit_id;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace launchguard
