#include "policy/audit/audit_rules.hpp"

#include <algorithm>
#include <array>

#include "policy/audit/audit_request.hpp"
#include "policy/rules/principal.hpp"

namespace launchguard {
namespace {

bool is_write(std::string_view verb) {
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete" ||
         verb == "deletecollection";
}
bool is_delete(std::string_view verb) {
  return verb == "delete" || verb == "deletecollection";
}

std::string target(const audit_event& e) {
  std::string text = e.object.resource;
  if (!e.object.name.empty())
    text += " " + (e.object.namespace_name.empty() ? "" : e.object.namespace_name + "/") +
            e.object.name;
  else if (!e.object.namespace_name.empty())
    text += " in " + e.object.namespace_name;
  return text;
}

std::string past(std::string_view verb) {
  if (verb == "create") return "created";
  if (verb == "update" || verb == "patch") return "changed";
  if (verb == "deletecollection") return "deleted (collection)";
  if (verb == "delete") return "deleted";
  return std::string(verb);
}

std::string by(const audit_event& e) {
  return " by " + e.principal().username + failure_note(e);
}

// The control plane acting on its own, not a person impersonating one of its identities.
bool control_plane(const audit_event& e) {
  return is_system_component(e.principal()) &&
         (!e.impersonated_user || is_system_component(e.user));
}

// The object a write concerns, holding what `has` looks for: the request body, else the object
// after the write (a patch body may not carry the field, and a JSON patch logs no object).
template <class predicate>
const kube_object* written(const audit_event& e, predicate has) {
  if (e.request_object && has(*e.request_object)) return &*e.request_object;
  if (e.response_object && has(*e.response_object)) return &*e.response_object;
  return nullptr;
}

void webhook_tampering(const audit_event& e, violations& out) {
  static constexpr std::array<std::string_view, 6> resources{
      "validatingwebhookconfigurations", "mutatingwebhookconfigurations",
      "validatingadmissionpolicies",     "validatingadmissionpolicybindings",
      "mutatingadmissionpolicies",       "mutatingadmissionpolicybindings"};
  if (e.object.api_group != "admissionregistration.k8s.io" || !is_write(e.verb)) return;
  if (std::find(resources.begin(), resources.end(), e.object.resource) == resources.end()) return;
  out.push_back({rule_id::webhook_config_tampering,
                 target(e) + " " + past(e.verb) + by(e),
                 {{"resource", e.object.resource}, {"name", e.object.name}, {"verb", e.verb}}});
}

void webhook_failed_open(const audit_event& e, const policy& p, violations& out) {
  for (const auto& [key, webhook] : e.annotations) {
    if (!key.starts_with("failed-open.validating.webhook.admission.k8s.io/") &&
        !key.starts_with("failed-open.mutation.webhook.admission.k8s.io/")) {
      continue;
    }
    bool ours = any_matches(p.provenance.webhook_names, webhook);
    violation v{rule_id::webhook_failed_open,
                "webhook " + webhook + " failed open: " + target(e) + " " + past(e.verb) +
                    " without its decision",
                {{"webhook", webhook}, {"annotation", key}}};
    if (ours) v.level = severity::critical;
    out.push_back(std::move(v));
  }
}

// Deleting a namespace deletes everything in it, events and network policies included: the
// namespace controller doing so is not someone removing evidence.
bool namespace_cleanup(const audit_event& e) {
  return e.principal().username == "system:serviceaccount:kube-system:namespace-controller";
}

void evidence_deleted(const audit_event& e, violations& out) {
  if (e.object.resource != "events" || !is_delete(e.verb) || namespace_cleanup(e)) return;
  if (!e.object.api_group.empty() && e.object.api_group != "events.k8s.io") return;
  out.push_back({rule_id::audit_evidence_deleted,
                 "Kubernetes " + target(e) + " " + past(e.verb) + by(e),
                 {{"verb", e.verb}, {"namespace", e.object.namespace_name}}});
}

void network_policy_removed(const audit_event& e, violations& out) {
  static constexpr std::array<std::string_view, 6> resources{
      "networkpolicies",       "ciliumnetworkpolicies", "ciliumclusterwidenetworkpolicies",
      "globalnetworkpolicies", "adminnetworkpolicies",  "baselineadminnetworkpolicies"};
  if (!is_delete(e.verb) || namespace_cleanup(e)) return;
  if (std::find(resources.begin(), resources.end(), e.object.resource) == resources.end()) return;
  out.push_back({rule_id::network_policy_removed,
                 target(e) + " " + past(e.verb) + by(e),
                 {{"resource", e.object.resource}, {"verb", e.verb}}});
}

bool health_path(std::string_view uri) {
  std::string_view path = uri.substr(0, uri.find('?'));
  for (std::string_view open : {"/healthz", "/livez", "/readyz", "/version"}) {
    if (path == open || path.starts_with(std::string(open) + "/")) return true;
  }
  return path == "/.well-known/openid-configuration" || path == "/openid/v1/jwks";
}

void anonymous_request(const audit_event& e, violations& out) {
  const user_info& u = e.user;
  bool anonymous =
      u.username == "system:anonymous" ||
      std::find(u.groups.begin(), u.groups.end(), "system:unauthenticated") != u.groups.end();
  if (!anonymous || !e.succeeded() || health_path(e.request_uri)) return;
  out.push_back({rule_id::anonymous_request,
                 "anonymous " + e.verb + " of " + e.request_uri + " was allowed",
                 {{"verb", e.verb}, {"requestURI", e.request_uri}}});
}

bool is_rbac(const audit_event& e, std::string_view a, std::string_view b) {
  return e.object.api_group == "rbac.authorization.k8s.io" &&
         (e.object.resource == a || e.object.resource == b);
}

void cluster_admin_binding(const audit_event& e, violations& out) {
  if (!is_rbac(e, "clusterrolebindings", "rolebindings") ||
      (e.verb != "create" && e.verb != "update" && e.verb != "patch"))
    return;
  const kube_object* binding =
      written(e, [](const kube_object& o) { return o.binding_role.has_value(); });
  // A namespaced Role may be called cluster-admin too; only the ClusterRole is.
  if (!binding || binding->binding_role->name != "cluster-admin" ||
      (!binding->binding_role->kind.empty() && binding->binding_role->kind != "ClusterRole"))
    return;
  std::string subjects;
  for (const auto& s : binding->subjects) {
    subjects += (subjects.empty() ? "" : ",") + s.kind + ":" +
                (s.namespace_name.empty() ? "" : s.namespace_name + "/") + s.name;
  }
  out.push_back({rule_id::rbac_cluster_admin_binding,
                 target(e) + " grants cluster-admin to " +
                     (subjects.empty() ? "(no subjects)" : subjects) + by(e),
                 {{"subjects", subjects}, {"verb", e.verb}}});
}

bool contains_any(const std::vector<std::string>& list,
                  std::initializer_list<std::string_view> wanted) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& item) {
    return std::find(wanted.begin(), wanted.end(), item) != wanted.end();
  });
}

void exec_role(const audit_event& e, violations& out) {
  if (!is_rbac(e, "roles", "clusterroles") ||
      (e.verb != "create" && e.verb != "update" && e.verb != "patch"))
    return;
  const kube_object* role = written(e, [](const kube_object& o) { return !o.rbac_rules.empty(); });
  if (!role || control_plane(e)) return;  // the aggregation controller
  for (const auto& rule : role->rbac_rules) {
    bool core = rule.api_groups.empty() || contains_any(rule.api_groups, {"", "*"});
    bool exec = contains_any(rule.resources, {"pods/exec", "pods/attach", "pods/*", "*"}) &&
                contains_any(rule.verbs, {"create", "get", "*"});
    // kubectl debug: adding an ephemeral container is an update of pods/ephemeralcontainers.
    bool debug = contains_any(rule.resources, {"pods/ephemeralcontainers", "pods/*", "*"}) &&
                 contains_any(rule.verbs, {"update", "patch", "*"});
    if (core && (exec || debug)) {
      out.push_back({rule_id::rbac_exec_role,
                     target(e) + " grants " +
                         (exec ? "exec or attach into" : "debug containers in") + " pods" + by(e),
                     {{"verb", e.verb}}});
      return;
    }
  }
}

void secrets_enumeration(const audit_event& e, const policy& p, audit_memory& memory,
                         violations& out) {
  if (e.object.resource != "secrets" || !e.object.api_group.empty() || control_plane(e)) return;
  const std::string& who = e.principal().username;
  if ((e.verb == "list" || e.verb == "watch") && e.object.namespace_name.empty()) {
    out.push_back({rule_id::secrets_enumeration,
                   "secrets " + e.verb + "ed across all namespaces" + by(e),
                   {{"verb", e.verb}, {"scope", "cluster"}}});
    return;
  }
  // A get reads one secret; a list in one namespace reads them all: it counts as one item,
  // "NS/*", so listing ten namespaces is as many as getting ten secrets.
  bool namespace_list = (e.verb == "list" || e.verb == "watch") && !e.object.namespace_name.empty();
  if (!namespace_list && (e.verb != "get" || e.object.name.empty())) return;
  std::string item = e.object.namespace_name + "/" + (namespace_list ? "*" : e.object.name);
  std::int64_t window = p.secrets_enumeration.window.count();
  std::size_t distinct = memory.secret_reads.add(who, item, e.stage_ms, window);
  if (distinct < static_cast<std::size_t>(p.secrets_enumeration.distinct)) return;
  if (!memory.secret_reads.report_once(who, e.stage_ms, window)) return;
  out.push_back({rule_id::secrets_enumeration,
                 who + " read " + std::to_string(distinct) + " distinct secrets within " +
                     format_duration(p.secrets_enumeration.window),
                 {{"distinct", std::to_string(distinct)}, {"scope", "names"}}});
}

void config_tampering(const audit_event& e, const self_identity& self, violations& out) {
  // launchguard's own writes and the control plane's bookkeeping are not tampering.
  bool own = !e.impersonated_user && e.user.username == self.service_account;
  const std::string& sub = e.object.subresource;
  // An exec, attach or port-forward into launchguard's pods: `get` over WebSocket (kubectl
  // 1.30 and later), `create` over SPDY.
  bool connection = e.object.resource == "pods" &&
                    (sub == "exec" || sub == "attach" || sub == "portforward") &&
                    (e.verb == "get" || e.verb == "create");
  if ((!is_write(e.verb) && !connection) || own || control_plane(e)) return;
  // Everything that makes up launchguard, or could stand in for it: a pod or workload of any
  // kind there can mount its certificate and tokens, or join its Service (an EndpointSlice
  // written by hand does that directly).
  static constexpr std::array<std::string_view, 18> resources{"configmaps",
                                                              "secrets",
                                                              "services",
                                                              "deployments",
                                                              "daemonsets",
                                                              "serviceaccounts",
                                                              "roles",
                                                              "rolebindings",
                                                              "networkpolicies",
                                                              "poddisruptionbudgets",
                                                              "pods",
                                                              "replicasets",
                                                              "statefulsets",
                                                              "jobs",
                                                              "cronjobs",
                                                              "endpointslices",
                                                              "endpoints",
                                                              "replicationcontrollers"};
  // Status is the kubelet's and the controllers' to write; an eviction is a node drain (the
  // PodDisruptionBudget governs it) and a binding the scheduler's.
  bool routine = sub == "status" || sub == "eviction" || sub == "binding";
  bool own_namespace =
      e.object.namespace_name == self.namespace_name && !routine &&
      std::find(resources.begin(), resources.end(), e.object.resource) != resources.end();
  if (own_namespace && connection) {
    out.push_back({rule_id::launchguard_config_tampering,
                   (sub == "portforward" ? std::string("port-forward to") : sub + " into") +
                       " launchguard's pod " + e.object.namespace_name + "/" + e.object.name +
                       by(e),
                   {{"resource", "pods/" + sub}, {"verb", e.verb}}});
    return;
  }
  if (own_namespace) {
    std::string what = sub.empty() ? target(e) : target(e) + " (" + sub + ")";
    out.push_back({rule_id::launchguard_config_tampering,
                   what + " of launchguard " + past(e.verb) + by(e),
                   {{"resource", e.object.resource}, {"verb", e.verb}}});
    return;
  }
  if (e.object.resource != "namespaces") return;
  if (is_delete(e.verb) && e.object.name == self.namespace_name) {
    out.push_back({rule_id::launchguard_config_tampering,
                   "launchguard's namespace " + e.object.name + " deleted" + by(e),
                   {{"resource", "namespaces"}, {"verb", e.verb}}});
    return;
  }
  // The body shows a merge patch or a whole object; a JSON patch shows in the response only.
  auto labelled = [&](const kube_object& o) {
    return find_value(o.metadata.labels, self.opt_out_label).has_value();
  };
  if ((e.verb == "update" || e.verb == "patch" || e.verb == "create") && written(e, labelled)) {
    out.push_back({rule_id::launchguard_config_tampering,
                   "namespace " + e.object.name + " labelled " + self.opt_out_label +
                       ", out of launchguard's sight" + by(e),
                   {{"label", self.opt_out_label}, {"verb", e.verb}}});
  }
}

}  // namespace

bool attempt_matters(rule_id rule) {
  switch (rule) {
    case rule_id::webhook_config_tampering:
    case rule_id::audit_evidence_deleted:
    case rule_id::network_policy_removed:
    case rule_id::rbac_cluster_admin_binding:
    case rule_id::rbac_exec_role:
    case rule_id::secrets_enumeration:
    case rule_id::launchguard_config_tampering:
    case rule_id::security_workload_tampering:
    case rule_id::pod_exec:
    case rule_id::pod_port_forward:
      return true;
    default:
      return false;
  }
}

std::string failure_note(const audit_event& e) {
  if (e.succeeded()) return {};
  std::string note = " (the request failed: " + std::to_string(e.response_code);
  if (!e.response_reason.empty()) note += " " + e.response_reason;
  return note + ")";
}

void check_audit_only(const audit_event& e, const policy& rules, const self_identity& self,
                      audit_memory& memory, violations& out) {
  violations found;
  webhook_tampering(e, found);
  webhook_failed_open(e, rules, found);
  evidence_deleted(e, found);
  network_policy_removed(e, found);
  anonymous_request(e, found);
  cluster_admin_binding(e, found);
  exec_role(e, found);
  secrets_enumeration(e, rules, memory, found);
  config_tampering(e, self, found);
  for (auto& v : found) {
    if (e.succeeded() || attempt_matters(v.rule)) out.push_back(std::move(v));
  }
}

}  // namespace launchguard
