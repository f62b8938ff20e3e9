#include "policy/rules/request_rules.hpp"

#include <algorithm>
#include <array>

#include "policy/rules/principal.hpp"

namespace launchguard {
namespace {

constexpr std::array<std::string_view, 3> system_namespaces{"kube-system", "kube-public",
                                                            "kube-node-lease"};

std::string join(const std::vector<std::string>& items, const char* separator = ",") {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : separator) + item;
  return text;
}

std::string object_ref(const admission_request& r) {
  return r.namespace_name.empty() ? r.name : r.namespace_name + "/" + r.name;
}

void check_connect(const admission_request& r, violations& out) {
  if (r.op != operation::connect || r.resource.resource != "pods") return;
  const connect_options empty;
  const connect_options& options = r.object && r.object->connect ? *r.object->connect : empty;
  string_pairs evidence{{"subresource", r.sub_resource}};
  if (!options.container.empty()) evidence.emplace_back("container", options.container);
  if (r.sub_resource == "portforward") {
    std::vector<std::string> ports;
    for (auto port : options.ports)
      ports.push_back(std::to_string(port));
    if (!ports.empty()) evidence.emplace_back("ports", join(ports));
    out.push_back(
        {rule_id::pod_port_forward,
         "port-forward to pod " + object_ref(r) + (ports.empty() ? "" : " ports " + join(ports)),
         std::move(evidence)});
    return;
  }
  if (r.sub_resource != "exec" && r.sub_resource != "attach") return;
  std::string command = join(options.command, " ");
  if (!command.empty()) evidence.emplace_back("command", command);
  evidence.emplace_back("tty", options.tty ? "true" : "false");
  evidence.emplace_back("stdin", options.stdin_attached ? "true" : "false");
  std::string what = r.sub_resource == "exec" ? "exec into pod " : "attach to pod ";
  std::string in_container = options.container.empty() ? "" : " container " + options.container;
  out.push_back({rule_id::pod_exec,
                 what + object_ref(r) + in_container + (command.empty() ? "" : ": " + command),
                 std::move(evidence)});
}

void check_ephemeral(const admission_request& r, violations& out) {
  if (r.op != operation::update || r.sub_resource != "ephemeralcontainers" || !r.object) return;
  // A patch names the containers it adds; a whole object is compared with the old one.
  auto added = r.patch
                   ? added_ephemeral_containers(*r.patch, nullptr)
                   : added_ephemeral_containers(*r.object, r.old_object ? &*r.old_object : nullptr);
  if (added.empty()) return;
  std::vector<std::string> names, images, targets;
  for (const container* c : added) {
    names.push_back(c->name);
    images.push_back(c->image);
    if (!c->target_container_name.empty()) targets.push_back(c->target_container_name);
  }
  std::string target = targets.empty() ? "" : " targeting " + join(targets);
  out.push_back(
      {rule_id::ephemeral_container,
       "ephemeral container " + join(names) + " (" + join(images) + ") added to pod " +
           object_ref(r) + target,
       {{"containers", join(names)}, {"images", join(images)}, {"targets", join(targets)}}});
}

// The kind a /scale subresource acts on, from its resource name.
std::string scaled_kind(std::string_view resource) {
  if (resource == "deployments") return "Deployment";
  if (resource == "statefulsets") return "StatefulSet";
  if (resource == "replicasets") return "ReplicaSet";
  if (resource == "replicationcontrollers") return "ReplicationController";
  return std::string(resource);
}

bool is_security_workload(const policy& p, std::string_view ns, std::string_view kind,
                          std::string_view name) {
  for (const auto& w : p.evasion.security_workloads) {
    if (w.namespace_glob.matches(ns) && (w.kind == "*" || w.kind == kind) && w.name.matches(name))
      return true;
  }
  return false;
}

bool has_security_workloads_in(const policy& p, std::string_view ns) {
  return std::any_of(p.evasion.security_workloads.begin(), p.evasion.security_workloads.end(),
                     [&](const security_workload& w) { return w.namespace_glob.matches(ns); });
}

// What a change does to a workload that makes it stop running, or "" when nothing does.
std::string disabling_change(const admission_request& r) {
  if (r.op == operation::del) return "deleted";
  if (r.op != operation::update || !r.object) return {};
  const kube_object& now = *r.object;
  const kube_object* before = r.old_object ? &*r.old_object : nullptr;
  if (now.replicas && *now.replicas == 0 &&
      (!before || !before->replicas || *before->replicas != 0)) {
    return r.sub_resource == "scale" ? "scaled to zero through /scale" : "scaled to zero";
  }
  if (now.suspend.value_or(false) && !(before && before->suspend.value_or(false)))
    return "suspended";
  if (r.sub_resource.empty() && now.pod) {
    const pod_spec& a = now.pod->spec;
    bool narrowed = !a.node_selector.empty() || !a.required_node_affinity.empty();
    // A patch that sets placement changed it; a whole object is compared with the old one.
    const pod_spec* patched = r.patch && r.patch->pod ? &r.patch->pod->spec : nullptr;
    bool placement_changed =
        (patched != nullptr &&
         (!patched->node_selector.empty() || !patched->required_node_affinity.empty())) ||
        (before && before->pod &&
         (a.node_selector != before->pod->spec.node_selector ||
          a.required_node_affinity != before->pod->spec.required_node_affinity));
    if (placement_changed && narrowed)
      return "given a new node selector or affinity that can leave its nodes empty";
  }
  return {};
}

void check_tampering(const admission_request& r, const policy& p, violations& out) {
  if (p.evasion.security_workloads.empty()) return;
  if (r.op == operation::del && r.kind.kind == "Namespace" &&
      has_security_workloads_in(p, r.name)) {
    out.push_back({rule_id::security_workload_tampering,
                   "namespace " + r.name + ", which holds security workloads, deleted",
                   {{"namespace", r.name}, {"change", "namespace deleted"}}});
    return;
  }
  std::string kind = r.sub_resource == "scale" ? scaled_kind(r.resource.resource) : r.kind.kind;
  // A DELETE of a collection reaches admission once per object with an empty name: the
  // object's own name is in oldObject.
  const std::string& name = r.name.empty() && r.old_object ? r.old_object->metadata.name : r.name;
  if (!is_security_workload(p, r.namespace_name, kind, name)) return;
  std::string change = disabling_change(r);
  if (change.empty()) return;
  std::string ref = r.namespace_name.empty() ? name : r.namespace_name + "/" + name;
  out.push_back({rule_id::security_workload_tampering,
                 "security workload " + kind + " " + ref + " " + change,
                 {{"kind", kind}, {"change", change}}});
}

bool exposed(const service_spec& s) {
  return s.type == "NodePort" || s.type == "LoadBalancer" || !s.external_ips.empty();
}

void check_service(const admission_request& r, violations& out) {
  if ((r.op != operation::create && r.op != operation::update) || r.kind.kind != "Service") return;
  if (!r.object || !r.object->service || !exposed(*r.object->service)) return;
  const service_spec& now = *r.object->service;
  if (r.op == operation::update && r.old_object && r.old_object->service) {
    const service_spec& before = *r.old_object->service;
    if (before.type == now.type && before.external_ips == now.external_ips) return;
  }
  string_pairs evidence{{"type", now.type.empty() ? "ClusterIP" : now.type}};
  if (!now.external_ips.empty()) evidence.emplace_back("externalIPs", join(now.external_ips));
  std::string how =
      !now.external_ips.empty() && now.type != "NodePort" && now.type != "LoadBalancer"
          ? "externalIPs " + join(now.external_ips)
          : "type " + now.type;
  out.push_back({rule_id::service_exposure,
                 "service " + object_ref(r) + " exposed outside the cluster by " + how,
                 std::move(evidence)});
}

bool creates_pods(const admission_request& r) {
  return r.op == operation::create && r.sub_resource.empty() && r.object && r.object->pod;
}

void check_launcher(const admission_request& r, const policy& p, violations& out) {
  if (!r.object || !r.object->pod || !r.sub_resource.empty()) return;
  const kube_object& object = *r.object;
  const std::string& who = r.user.username;
  bool is_pod = object.workload == workload_kind::pod;

  if (creates_pods(r) && is_mirror_pod(object, r.user)) {
    out.push_back({rule_id::static_pod_launch,
                   "mirror pod " + object_ref(r) +
                       " of a static pod started by the kubelet from a file on the node",
                   {{"node", object.pod->spec.node_name}}});
    return;  // a kubelet's own pod: the launcher rules below do not apply
  }
  // A rollout changes the template; a scale or a controller's bookkeeping does not.
  bool template_changed =
      r.op == operation::update && r.old_object && r.old_object->pod != object.pod;
  bool system_namespace = std::find(system_namespaces.begin(), system_namespaces.end(),
                                    r.namespace_name) != system_namespaces.end();
  if ((creates_pods(r) || template_changed) && system_namespace && !is_system_component(r.user)) {
    out.push_back({rule_id::system_namespace_launch,
                   object.kind + " " + object_ref(r) +
                       (template_changed ? " changed in " : " created in ") + r.namespace_name +
                       " by " + who + ", not a system component",
                   {{"kind", object.kind}}});
  }
  if (!any_matches(p.provenance.protected_namespaces, r.namespace_name)) return;
  bool trusted = any_matches(p.provenance.trusted_deployers, who);
  // People do not create pods that controllers own: an owner a person wrote is no owner.
  if (creates_pods(r) && is_pod && is_person(who)) {
    bool claims_owner = !object.metadata.owner_references.empty();
    out.push_back({rule_id::direct_pod_launch,
                   "bare pod " + object_ref(r) + " created directly by " + who +
                       " in a protected namespace" +
                       (claims_owner ? ", with an ownerReference it set itself" : ""),
                   {{"launcher", who}}});
    return;
  }
  bool changes_workload =
      (r.op == operation::create || template_changed) && !is_pod && !is_system_component(r.user);
  bool bare_pod_by_account = creates_pods(r) && is_pod &&
                             object.metadata.owner_references.empty() &&
                             !is_system_component(r.user);
  if ((changes_workload || bare_pod_by_account) && !trusted) {
    out.push_back({rule_id::untrusted_deployer,
                   object.kind + " " + object_ref(r) + " " +
                       (r.op == operation::create ? "created" : "changed") + " by " + who +
                       ", not a trusted deployer, in a protected namespace",
                   {{"launcher", who}, {"kind", object.kind}}});
  }
}

}  // namespace

bool is_mirror_pod(const kube_object& object, const user_info& creator) {
  return object.workload == workload_kind::pod && is_node(creator) &&
         find_value(object.metadata.annotations, "kubernetes.io/config.mirror").has_value();
}

std::vector<const container*> added_ephemeral_containers(const kube_object& object,
                                                         const kube_object* old_object) {
  std::vector<const container*> added;
  if (!object.pod) return added;
  for (const auto& c : object.pod->spec.containers) {
    if (c.kind != container_kind::ephemeral) continue;
    bool existed = false;
    if (old_object && old_object->pod) {
      for (const auto& before : old_object->pod->spec.containers) {
        existed = existed || (before.kind == container_kind::ephemeral && before.name == c.name);
      }
    }
    if (!existed) added.push_back(&c);
  }
  return added;
}

void check_request(const admission_request& request, const policy& rules, violations& out) {
  check_connect(request, out);
  check_ephemeral(request, out);
  check_tampering(request, rules, out);
  check_service(request, out);
  check_launcher(request, rules, out);
}

}  // namespace launchguard
