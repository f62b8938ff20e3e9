#include "policy/model/model_json.hpp"

namespace launchguard {
namespace {

using nlohmann::json;

template <class value_type>
void put(json& out, const char* key, const value_type& value) {
  out[key] = value;
}

void put_if(json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

template <class value_type>
void put_if(json& out, const char* key, const std::optional<value_type>& value) {
  if (value) out[key] = *value;
}

template <class value_type>
void put_if(json& out, const char* key, const std::vector<value_type>& values) {
  if (!values.empty()) out[key] = values;
}

void put_if(json& out, const char* key, const string_pairs& pairs) {
  if (pairs.empty()) return;
  json object = json::object();
  for (const auto& [k, v] : pairs)
    object[k] = v;
  out[key] = std::move(object);
}

void put_if(json& out, const char* key, const json& value) {
  if (!value.empty()) out[key] = value;
}

json profile_json(const std::optional<security_profile>& profile) {
  if (!profile) return json();
  json out = json::object();
  put_if(out, "type", profile->type);
  put_if(out, "localhostProfile", profile->localhost_profile);
  return out;
}

json se_linux_json(const std::optional<se_linux_options>& options) {
  if (!options) return json();
  json out = json::object();
  put_if(out, "user", options->user);
  put_if(out, "role", options->role);
  put_if(out, "type", options->type);
  put_if(out, "level", options->level);
  return out;
}

json container_security_json(const container_security_context& sc) {
  json out = json::object();
  put_if(out, "privileged", sc.privileged);
  put_if(out, "allowPrivilegeEscalation", sc.allow_privilege_escalation);
  put_if(out, "runAsNonRoot", sc.run_as_non_root);
  put_if(out, "runAsUser", sc.run_as_user);
  put_if(out, "runAsGroup", sc.run_as_group);
  put_if(out, "readOnlyRootFilesystem", sc.read_only_root_filesystem);
  if (sc.caps) out["capabilities"] = {{"add", sc.caps->add}, {"drop", sc.caps->drop}};
  put_if(out, "seccompProfile", profile_json(sc.seccomp_profile));
  put_if(out, "appArmorProfile", profile_json(sc.app_armor_profile));
  put_if(out, "seLinuxOptions", se_linux_json(sc.se_linux));
  put_if(out, "procMount", sc.proc_mount);
  put_if(out, "windowsHostProcess", sc.windows_host_process);
  return out;
}

json pod_security_json(const pod_security_context& sc) {
  json out = json::object();
  put_if(out, "runAsNonRoot", sc.run_as_non_root);
  put_if(out, "runAsUser", sc.run_as_user);
  put_if(out, "runAsGroup", sc.run_as_group);
  put_if(out, "fsGroup", sc.fs_group);
  put_if(out, "seccompProfile", profile_json(sc.seccomp_profile));
  put_if(out, "appArmorProfile", profile_json(sc.app_armor_profile));
  put_if(out, "seLinuxOptions", se_linux_json(sc.se_linux));
  json sysctls = json::array();
  for (const auto& s : sc.sysctls)
    sysctls.push_back({{"name", s.name}, {"value", s.value}});
  put_if(out, "sysctls", sysctls);
  put_if(out, "windowsHostProcess", sc.windows_host_process);
  return out;
}

json resources_json(const resource_list& list) {
  json out = json::object();
  put_if(out, "cpu", list.cpu);
  put_if(out, "memory", list.memory);
  put_if(out, "gpu", list.gpu);
  return out;
}

json container_json(const container& c) {
  json out = {{"kind", to_string(c.kind)}, {"name", c.name}, {"image", c.image}};
  put_if(out, "command", c.command);
  if (c.security_context) out["securityContext"] = container_security_json(*c.security_context);
  json ports = json::array();
  for (const auto& p : c.ports) {
    json port = {{"containerPort", p.port}};
    put_if(port, "name", p.name);
    if (p.host_port != 0) port["hostPort"] = p.host_port;
    put_if(port, "hostIP", p.host_ip);
    put_if(port, "protocol", p.protocol);
    ports.push_back(std::move(port));
  }
  put_if(out, "ports", ports);
  json hosts = json::object();
  for (const auto& h : c.handler_hosts)
    hosts[h.field] = h.host;
  put_if(out, "handlerHosts", hosts);
  put_if(out, "requests", resources_json(c.requests));
  put_if(out, "limits", resources_json(c.limits));
  put_if(out, "targetContainerName", c.target_container_name);
  return out;
}

json meta_json(const object_meta& meta) {
  json out = json::object();
  put_if(out, "name", meta.name);
  put_if(out, "generateName", meta.generate_name);
  put_if(out, "namespace", meta.namespace_name);
  put_if(out, "uid", meta.uid);
  put_if(out, "labels", meta.labels);
  put_if(out, "annotations", meta.annotations);
  json owners = json::array();
  for (const auto& o : meta.owner_references) {
    owners.push_back({{"apiVersion", o.api_version},
                      {"kind", o.kind},
                      {"name", o.name},
                      {"uid", o.uid},
                      {"controller", o.controller}});
  }
  put_if(out, "ownerReferences", owners);
  return out;
}

json spec_json(const pod_spec& spec) {
  json out = json::object();
  json containers = json::array();
  for (const auto& c : spec.containers)
    containers.push_back(container_json(c));
  put_if(out, "containers", containers);
  json volumes = json::array();
  for (const auto& v : spec.volumes) {
    json vol = {{"name", v.name}, {"source", v.source}};
    put_if(vol, "hostPath", v.host_path);
    put_if(vol, "hostPathType", v.host_path_type);
    volumes.push_back(std::move(vol));
  }
  put_if(out, "volumes", volumes);
  if (spec.security_context) out["securityContext"] = pod_security_json(*spec.security_context);
  put_if(out, "hostNetwork", spec.host_network);
  put_if(out, "hostPID", spec.host_pid);
  put_if(out, "hostIPC", spec.host_ipc);
  put_if(out, "hostUsers", spec.host_users);
  put_if(out, "os", spec.os_name);
  put_if(out, "nodeName", spec.node_name);
  put_if(out, "schedulerName", spec.scheduler_name);
  put_if(out, "serviceAccountName", spec.service_account_name);
  put_if(out, "runtimeClassName", spec.runtime_class_name);
  put_if(out, "priorityClassName", spec.priority_class_name);
  put_if(out, "nodeSelector", spec.node_selector);
  json terms = json::array();
  for (const auto& term : spec.required_node_affinity) {
    json expressions = json::array();
    for (const auto& r : term) {
      json requirement = {{"key", r.key}, {"operator", r.op}, {"values", r.values}};
      if (r.field) requirement["field"] = true;
      expressions.push_back(std::move(requirement));
    }
    terms.push_back(std::move(expressions));
  }
  put_if(out, "requiredNodeAffinity", terms);
  json tolerations = json::array();
  for (const auto& t : spec.tolerations) {
    json entry = json::object();
    put_if(entry, "key", t.key);
    put_if(entry, "operator", t.op);
    put_if(entry, "value", t.value);
    put_if(entry, "effect", t.effect);
    tolerations.push_back(std::move(entry));
  }
  put_if(out, "tolerations", tolerations);
  return out;
}

}  // namespace

nlohmann::json to_json(const pod_template& pod) {
  return {{"metadata", meta_json(pod.metadata)}, {"spec", spec_json(pod.spec)}};
}

nlohmann::json to_json(const kube_object& object) {
  json out = json::object();
  put_if(out, "apiVersion", object.api_version);
  put_if(out, "kind", object.kind);
  put_if(out, "metadata", meta_json(object.metadata));
  if (object.pod) out["pod"] = to_json(*object.pod);
  put_if(out, "replicas", object.replicas);
  put_if(out, "suspend", object.suspend);
  if (object.service) {
    json service = json::object();
    put_if(service, "type", object.service->type);
    put_if(service, "externalIPs", object.service->external_ips);
    put_if(service, "nodePorts", object.service->node_ports);
    out["service"] = std::move(service);
  }
  json rules = json::array();
  for (const auto& r : object.rbac_rules) {
    rules.push_back({{"apiGroups", r.api_groups}, {"resources", r.resources}, {"verbs", r.verbs}});
  }
  put_if(out, "rules", rules);
  if (object.binding_role)
    out["roleRef"] = {{"kind", object.binding_role->kind}, {"name", object.binding_role->name}};
  json subjects = json::array();
  for (const auto& s : object.subjects) {
    json subject = {{"kind", s.kind}, {"name", s.name}};
    put_if(subject, "namespace", s.namespace_name);
    subjects.push_back(std::move(subject));
  }
  put_if(out, "subjects", subjects);
  json statuses = json::array();
  for (const auto& s : object.container_statuses) {
    statuses.push_back({{"name", s.name}, {"image", s.image}, {"imageID", s.image_id}});
  }
  put_if(out, "containerStatuses", statuses);
  if (object.connect) {
    json options = json::object();
    put_if(options, "container", object.connect->container);
    put_if(options, "command", object.connect->command);
    put(options, "stdin", object.connect->stdin_attached);
    put(options, "tty", object.connect->tty);
    put_if(options, "ports", object.connect->ports);
    out["connect"] = std::move(options);
  }
  return out;
}

nlohmann::json to_json(const admission_request& request) {
  json out = {
      {"reviewApiVersion", request.review_api_version},
      {"uid", request.uid},
      {"kind",
       {{"group", request.kind.group},
        {"version", request.kind.version},
        {"kind", request.kind.kind}}},
      {"resource",
       {{"group", request.resource.group},
        {"version", request.resource.version},
        {"resource", request.resource.resource}}},
      {"operation", to_string(request.op)},
      {"userInfo",
       {{"username", request.user.username},
        {"uid", request.user.uid},
        {"groups", request.user.groups}}},
      {"dryRun", request.dry_run},
  };
  put_if(out, "subResource", request.sub_resource);
  put_if(out, "name", request.name);
  put_if(out, "namespace", request.namespace_name);
  if (request.object) out["object"] = to_json(*request.object);
  if (request.old_object) out["oldObject"] = to_json(*request.old_object);
  return out;
}

}  // namespace launchguard
