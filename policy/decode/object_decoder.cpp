#include "policy/decode/object_decoder.hpp"

#include <algorithm>

namespace launchguard::detail {
namespace {

// The optional's value, created empty on first use (emplace would reset it).
template <class value_type>
value_type& ensure(std::optional<value_type>& slot) {
  return slot ? *slot : slot.emplace();
}

void read_owner_reference(od::value value, owner_reference& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "apiVersion") return out.api_version = read_string(field), 0;
    if (key == "kind") return out.kind = read_string(field), 1;
    if (key == "name") return out.name = read_string(field), 2;
    if (key == "uid") return out.uid = read_string(field), 3;
    if (key == "controller") return out.controller = read_bool_or(field, false), 4;
    return -1;
  });
}

void read_security_profile(od::value value, std::optional<security_profile>& out) {
  if (value.is_null()) return;
  security_profile& profile = out.emplace();
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "type") return profile.type = read_string(field), 0;
    if (key == "localhostProfile") return profile.localhost_profile = read_string(field), 1;
    return -1;
  });
}

void read_se_linux(od::value value, std::optional<se_linux_options>& out) {
  if (value.is_null()) return;
  se_linux_options& options = out.emplace();
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "user") return options.user = read_string(field), 0;
    if (key == "role") return options.role = read_string(field), 1;
    if (key == "type") return options.type = read_string(field), 2;
    if (key == "level") return options.level = read_string(field), 3;
    return -1;
  });
}

std::optional<bool> read_host_process(od::value value) {
  std::optional<bool> host_process;
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "hostProcess") return host_process = read_bool(field), 0;
    return -1;
  });
  return host_process;
}

void read_capabilities(od::value value, std::optional<capabilities>& out) {
  if (value.is_null()) return;
  capabilities& caps = out.emplace();
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "add") return caps.add = read_strings(field), 0;
    if (key == "drop") return caps.drop = read_strings(field), 1;
    return -1;
  });
}

void read_container_security(od::value value, std::optional<container_security_context>& out) {
  if (value.is_null()) return;
  container_security_context& sc = out.emplace();
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "privileged") return sc.privileged = read_bool(field), 0;
    if (key == "allowPrivilegeEscalation")
      return sc.allow_privilege_escalation = read_bool(field), 1;
    if (key == "runAsNonRoot") return sc.run_as_non_root = read_bool(field), 2;
    if (key == "runAsUser") return sc.run_as_user = read_int64(field), 3;
    if (key == "runAsGroup") return sc.run_as_group = read_int64(field), 4;
    if (key == "readOnlyRootFilesystem") return sc.read_only_root_filesystem = read_bool(field), 5;
    if (key == "capabilities") return read_capabilities(field, sc.caps), 6;
    if (key == "seccompProfile") return read_security_profile(field, sc.seccomp_profile), 7;
    if (key == "appArmorProfile") return read_security_profile(field, sc.app_armor_profile), 8;
    if (key == "seLinuxOptions") return read_se_linux(field, sc.se_linux), 9;
    if (key == "procMount") {
      if (!field.is_null()) sc.proc_mount = read_string(field);
      return 10;
    }
    if (key == "windowsOptions") return sc.windows_host_process = read_host_process(field), 11;
    return -1;
  });
}

void read_pod_security(od::value value, std::optional<pod_security_context>& out) {
  if (value.is_null()) return;
  pod_security_context& sc = out.emplace();
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "runAsNonRoot") return sc.run_as_non_root = read_bool(field), 0;
    if (key == "runAsUser") return sc.run_as_user = read_int64(field), 1;
    if (key == "runAsGroup") return sc.run_as_group = read_int64(field), 2;
    if (key == "fsGroup") return sc.fs_group = read_int64(field), 3;
    if (key == "seccompProfile") return read_security_profile(field, sc.seccomp_profile), 4;
    if (key == "appArmorProfile") return read_security_profile(field, sc.app_armor_profile), 5;
    if (key == "seLinuxOptions") return read_se_linux(field, sc.se_linux), 6;
    if (key == "windowsOptions") return sc.windows_host_process = read_host_process(field), 7;
    if (key == "sysctls") {
      read_array(field, [&](od::value element) {
        sysctl& entry = sc.sysctls.emplace_back();
        read_object(element, [&](std::string_view k, od::value f) -> int {
          if (k == "name") return entry.name = read_string(f), 0;
          if (k == "value") return entry.value = read_string(f), 1;
          return -1;
        });
      });
      return 8;
    }
    return -1;
  });
}

void read_port(od::value value, container_port& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "name") return out.name = read_string(field), 0;
    if (key == "containerPort") return out.port = read_int32(field), 1;
    if (key == "hostPort") return out.host_port = read_int32(field), 2;
    if (key == "hostIP") return out.host_ip = read_string(field), 3;
    if (key == "protocol") return out.protocol = read_string(field), 4;
    return -1;
  });
}

// httpGet and tcpSocket handlers may name a host; record it with its path.
void read_handler(od::value value, std::string_view where, std::vector<handler_host>& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    int id = key == "httpGet" ? 0 : key == "tcpSocket" ? 1 : -1;
    if (id < 0) return -1;
    read_object(field, [&](std::string_view k, od::value f) -> int {
      if (k != "host") return -1;
      std::string host = read_string(f);
      if (!host.empty()) {
        out.push_back({std::string(where) + "." + std::string(key) + ".host", std::move(host)});
      }
      return 0;
    });
    return id;
  });
}

void read_lifecycle(od::value value, std::vector<handler_host>& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "postStart") return read_handler(field, "lifecycle.postStart", out), 0;
    if (key == "preStop") return read_handler(field, "lifecycle.preStop", out), 1;
    return -1;
  });
}

bool is_gpu_resource(std::string_view name) {
  return name == "nvidia.com/gpu" || name == "amd.com/gpu" || name.starts_with("gpu.intel.com/");
}

void read_resource_list(od::value value, resource_list& out) {
  for (auto& [name, quantity] : read_string_map(value)) {
    if (name == "cpu") {
      out.cpu = std::move(quantity);
    } else if (name == "memory") {
      out.memory = std::move(quantity);
    } else if (is_gpu_resource(name) && out.gpu.empty()) {
      out.gpu = std::move(quantity);
    }
  }
}

void read_resources(od::value value, container& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "requests") return read_resource_list(field, out.requests), 0;
    if (key == "limits") return read_resource_list(field, out.limits), 1;
    return -1;
  });
}

void read_container(od::value value, container& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "name") return out.name = read_string(field), 0;
    if (key == "image") return out.image = read_string(field), 1;
    if (key == "command") return out.command = read_strings(field), 2;
    if (key == "securityContext") return read_container_security(field, out.security_context), 3;
    if (key == "ports") {
      read_array(field, [&](od::value element) { read_port(element, out.ports.emplace_back()); });
      return 4;
    }
    if (key == "livenessProbe") return read_handler(field, "livenessProbe", out.handler_hosts), 5;
    if (key == "readinessProbe") return read_handler(field, "readinessProbe", out.handler_hosts), 6;
    if (key == "startupProbe") return read_handler(field, "startupProbe", out.handler_hosts), 7;
    if (key == "lifecycle") return read_lifecycle(field, out.handler_hosts), 8;
    if (key == "resources") return read_resources(field, out), 9;
    if (key == "targetContainerName") return out.target_container_name = read_string(field), 10;
    return -1;
  });
}

void read_containers(od::value value, container_kind kind, std::vector<container>& out) {
  read_array(value, [&](od::value element) {
    container& c = out.emplace_back();
    c.kind = kind;
    read_container(element, c);
  });
}

void read_volume(od::value value, volume& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "name") return out.name = read_string(field), 0;
    if (field.is_null()) return -1;  // an explicit null source is no source
    if (!out.source.empty()) {
      throw decode_failure(decode_errc::unsupported,
                           "a volume has exactly one source, also " + out.source);
    }
    out.source = std::string(key);
    if (key == "hostPath") {
      read_object(field, [&](std::string_view k, od::value f) -> int {
        if (k == "path") return out.host_path = read_string(f), 0;
        if (k == "type") return out.host_path_type = read_string(f), 1;
        return -1;
      });
    }
    return 1;
  });
}

void read_toleration(od::value value, toleration& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "key") return out.key = read_string(field), 0;
    if (key == "operator") return out.op = read_string(field), 1;
    if (key == "value") return out.value = read_string(field), 2;
    if (key == "effect") return out.effect = read_string(field), 3;
    return -1;
  });
}

// affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
void read_affinity(od::value value, pod_spec& out) {
  auto read_requirement = [](od::value element, node_selector_requirement& req) {
    read_object(element, [&](std::string_view k, od::value f) -> int {
      if (k == "key") return req.key = read_string(f), 0;
      if (k == "operator") return req.op = read_string(f), 1;
      if (k == "values") return req.values = read_strings(f), 2;
      return -1;
    });
  };
  auto read_term = [&](od::value element) {
    auto& term = out.required_node_affinity.emplace_back();
    read_object(element, [&](std::string_view k, od::value f) -> int {
      bool fields = k == "matchFields";
      if (k != "matchExpressions" && !fields) return -1;
      read_array(f, [&](od::value e) {
        node_selector_requirement& req = term.emplace_back();
        req.field = fields;
        read_requirement(e, req);
      });
      return fields ? 1 : 0;
    });
  };
  read_object(value, [&](std::string_view key, od::value node_affinity) -> int {
    if (key != "nodeAffinity") return -1;
    read_object(node_affinity, [&](std::string_view k, od::value required) -> int {
      if (k != "requiredDuringSchedulingIgnoredDuringExecution") return -1;
      read_object(required, [&](std::string_view k2, od::value terms) -> int {
        if (k2 != "nodeSelectorTerms") return -1;
        read_array(terms, read_term);
        return 0;
      });
      return 0;
    });
    return 0;
  });
}

// One member of a PodSpec; returns its id, or -1 for a field the rules do not read.
// Ids 0..31 are reserved for pod spec fields inside a spec object that mixes them with
// workload fields (see read_spec).
int read_pod_spec_field(std::string_view key, od::value field, pod_spec& out) {
  if (key == "containers")
    return read_containers(field, container_kind::regular, out.containers), 0;
  if (key == "initContainers")
    return read_containers(field, container_kind::init, out.containers), 1;
  if (key == "ephemeralContainers") {
    return read_containers(field, container_kind::ephemeral, out.containers), 2;
  }
  if (key == "volumes") {
    read_array(field, [&](od::value element) { read_volume(element, out.volumes.emplace_back()); });
    return 3;
  }
  if (key == "securityContext") return read_pod_security(field, out.security_context), 4;
  if (key == "hostNetwork") return out.host_network = read_bool(field), 5;
  if (key == "hostPID") return out.host_pid = read_bool(field), 6;
  if (key == "hostIPC") return out.host_ipc = read_bool(field), 7;
  if (key == "hostUsers") return out.host_users = read_bool(field), 8;
  if (key == "os") {
    read_object(field, [&](std::string_view k, od::value f) -> int {
      if (k == "name") return out.os_name = read_string(f), 0;
      return -1;
    });
    return 9;
  }
  if (key == "nodeName") return out.node_name = read_string(field), 10;
  if (key == "schedulerName") return out.scheduler_name = read_string(field), 11;
  if (key == "serviceAccountName") return out.service_account_name = read_string(field), 12;
  if (key == "runtimeClassName") return out.runtime_class_name = read_string(field), 13;
  if (key == "priorityClassName") return out.priority_class_name = read_string(field), 14;
  if (key == "nodeSelector") return out.node_selector = read_string_map(field), 15;
  if (key == "affinity") return read_affinity(field, out), 16;
  if (key == "tolerations") {
    read_array(field, [&](od::value e) { read_toleration(e, out.tolerations.emplace_back()); });
    return 17;
  }
  return -1;
}

// containers, initContainers and ephemeralContainers may come in any order in the JSON;
// rules and output read them grouped, regular first.
void group_containers(pod_spec& spec) {
  std::stable_sort(spec.containers.begin(), spec.containers.end(),
                   [](const container& a, const container& b) { return a.kind < b.kind; });
}

void read_pod_template(od::value value, pod_template& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "metadata") return read_object_meta(field, out.metadata), 0;
    if (key == "spec") {
      read_object(field, [&](std::string_view k, od::value f) {
        return read_pod_spec_field(k, f, out.spec);
      });
      group_containers(out.spec);
      return 1;
    }
    return -1;
  });
}

// CronJob: spec.jobTemplate.spec.template
void read_job_template(od::value value, kube_object& out) {
  read_object(value, [&](std::string_view key, od::value job_spec) -> int {
    if (key != "spec") return -1;
    read_object(job_spec, [&](std::string_view k, od::value f) -> int {
      if (k != "template") return -1;
      read_pod_template(f, out.pod.emplace());
      return 0;
    });
    return 0;
  });
}

void read_service_port(od::value value, service_spec& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key != "nodePort") return -1;
    std::int32_t port = read_int32(field);
    if (port != 0) out.node_ports.push_back(port);
    return 0;
  });
}

// The spec of any kind: pod fields (a Pod), a template (workloads), a jobTemplate (CronJob),
// replicas (workloads and Scale), Service fields. Pod spec fields take ids 0..31, the others
// 32 and above, so duplicates are caught across both.
void read_spec(od::value value, kube_object& out, pod_spec& pod_fields) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (int id = read_pod_spec_field(key, field, pod_fields); id >= 0) return id;
    if (key == "template") return read_pod_template(field, out.pod.emplace()), 32;
    if (key == "jobTemplate") return read_job_template(field, out), 33;
    if (key == "replicas") return out.replicas = read_int32(field), 34;
    if (key == "suspend") return out.suspend = read_bool(field), 35;
    if (key == "type") return ensure(out.service).type = read_string(field), 36;
    if (key == "externalIPs") return ensure(out.service).external_ips = read_strings(field), 37;
    if (key == "ports") {
      service_spec& service = ensure(out.service);
      read_array(field, [&](od::value element) { read_service_port(element, service); });
      return 38;
    }
    return -1;
  });
}

void read_rbac_rule(od::value value, rbac_rule& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "apiGroups") return out.api_groups = read_strings(field), 0;
    if (key == "resources") return out.resources = read_strings(field), 1;
    if (key == "verbs") return out.verbs = read_strings(field), 2;
    return -1;
  });
}

void read_subject(od::value value, rbac_subject& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "kind") return out.kind = read_string(field), 0;
    if (key == "name") return out.name = read_string(field), 1;
    if (key == "namespace") return out.namespace_name = read_string(field), 2;
    return -1;
  });
}

void read_container_statuses(od::value value, std::vector<container_status>& out) {
  read_array(value, [&](od::value element) {
    container_status& status = out.emplace_back();
    read_object(element, [&](std::string_view key, od::value field) -> int {
      if (key == "name") return status.name = read_string(field), 0;
      if (key == "image") return status.image = read_string(field), 1;
      if (key == "imageID") return status.image_id = read_string(field), 2;
      return -1;
    });
  });
}

// status of a Pod: the images the node runs, with the digests it resolved.
void read_status(od::value value, kube_object& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "containerStatuses")
      return read_container_statuses(field, out.container_statuses), 0;
    if (key == "initContainerStatuses")
      return read_container_statuses(field, out.container_statuses), 1;
    if (key == "ephemeralContainerStatuses")
      return read_container_statuses(field, out.container_statuses), 2;
    return -1;
  });
}

}  // namespace

void read_object_meta(od::value value, object_meta& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "name") return out.name = read_string(field), 0;
    if (key == "generateName") return out.generate_name = read_string(field), 1;
    if (key == "namespace") return out.namespace_name = read_string(field), 2;
    if (key == "uid") return out.uid = read_string(field), 3;
    if (key == "labels") return out.labels = read_string_map(field), 4;
    if (key == "annotations") return out.annotations = read_string_map(field), 5;
    if (key == "ownerReferences") {
      read_array(field, [&](od::value element) {
        read_owner_reference(element, out.owner_references.emplace_back());
      });
      return 6;
    }
    return -1;
  });
}

void read_kube_object(od::value value, kube_object& out) {
  pod_spec pod_fields;
  bool has_spec = false;
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "apiVersion") return out.api_version = read_string(field), 0;
    if (key == "kind") return out.kind = read_string(field), 1;
    if (key == "metadata") return read_object_meta(field, out.metadata), 2;
    if (key == "spec") return has_spec = true, read_spec(field, out, pod_fields), 3;
    if (key == "template") return read_pod_template(field, out.pod.emplace()), 4;  // PodTemplate
    if (key == "container") return ensure(out.connect).container = read_string(field), 5;
    if (key == "command") return ensure(out.connect).command = read_strings(field), 6;
    if (key == "stdin") return ensure(out.connect).stdin_attached = read_bool_or(field, false), 7;
    if (key == "tty") return ensure(out.connect).tty = read_bool_or(field, false), 8;
    if (key == "ports") {
      connect_options& options = ensure(out.connect);
      read_array(field, [&](od::value e) { options.ports.push_back(read_int32(e)); });
      return 9;
    }
    if (key == "rules") {
      read_array(field, [&](od::value e) { read_rbac_rule(e, out.rbac_rules.emplace_back()); });
      return 10;
    }
    if (key == "roleRef") {
      role_ref& ref = ensure(out.binding_role);
      read_object(field, [&](std::string_view k, od::value f) -> int {
        if (k == "kind") return ref.kind = read_string(f), 0;
        if (k == "name") return ref.name = read_string(f), 1;
        return -1;
      });
      return 11;
    }
    if (key == "subjects") {
      read_array(field, [&](od::value e) { read_subject(e, out.subjects.emplace_back()); });
      return 12;
    }
    if (key == "status") return read_status(field, out), 13;
    return -1;
  });
  out.workload = workload_kind_from(out.kind);
  bool may_be_pod = out.workload == workload_kind::pod || out.kind.empty();
  if (has_spec && !out.pod && may_be_pod) {
    // A Pod's template is the pod itself: its own metadata and spec.
    group_containers(pod_fields);
    out.pod.emplace(pod_template{out.metadata, std::move(pod_fields)});
  }
}

}  // namespace launchguard::detail
