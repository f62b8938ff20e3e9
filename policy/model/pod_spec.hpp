#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/model/object_meta.hpp"

namespace launchguard {

// Pod Security Standards distinguish "unset" from "set to the default value" (runAsNonRoot
// must be true at pod or container level, seccomp must be set somewhere), so every field a
// check reads is optional here.

// seccompProfile and appArmorProfile share this shape: {type, localhostProfile}.
struct security_profile {
  std::string type;
  std::string localhost_profile;

  friend bool operator==(const security_profile&, const security_profile&) = default;
};

struct se_linux_options {
  std::string user;
  std::string role;
  std::string type;
  std::string level;

  friend bool operator==(const se_linux_options&, const se_linux_options&) = default;
};

struct capabilities {
  std::vector<std::string> add;
  std::vector<std::string> drop;

  friend bool operator==(const capabilities&, const capabilities&) = default;
};

// Container-level securityContext.
struct container_security_context {
  std::optional<bool> privileged;
  std::optional<bool> allow_privilege_escalation;
  std::optional<bool> run_as_non_root;
  std::optional<std::int64_t> run_as_user;
  std::optional<std::int64_t> run_as_group;
  std::optional<bool> read_only_root_filesystem;
  std::optional<capabilities> caps;
  std::optional<security_profile> seccomp_profile;
  std::optional<security_profile> app_armor_profile;
  std::optional<se_linux_options> se_linux;
  std::optional<std::string> proc_mount;
  std::optional<bool> windows_host_process;

  friend bool operator==(const container_security_context&,
                         const container_security_context&) = default;
};

struct sysctl {
  std::string name;
  std::string value;

  friend bool operator==(const sysctl&, const sysctl&) = default;
};

// Pod-level securityContext.
struct pod_security_context {
  std::optional<bool> run_as_non_root;
  std::optional<std::int64_t> run_as_user;
  std::optional<std::int64_t> run_as_group;
  std::optional<std::int64_t> fs_group;
  std::optional<security_profile> seccomp_profile;
  std::optional<security_profile> app_armor_profile;
  std::optional<se_linux_options> se_linux;
  std::vector<sysctl> sysctls;
  std::optional<bool> windows_host_process;

  friend bool operator==(const pod_security_context&, const pod_security_context&) = default;
};

struct container_port {
  std::string name;
  std::int32_t port = 0;  // containerPort
  std::int32_t host_port = 0;
  std::string host_ip;
  std::string protocol;

  friend bool operator==(const container_port&, const container_port&) = default;
};

// A probe or lifecycle handler that names a host (httpGet.host or tcpSocket.host):
// the only part of probes and hooks a rule reads. `field` is its path inside the
// container, e.g. "livenessProbe.httpGet.host".
struct handler_host {
  std::string field;
  std::string host;

  friend bool operator==(const handler_host&, const handler_host&) = default;
};

// resources.requests or resources.limits, quantities as written ("500m", "2Gi").
struct resource_list {
  std::string cpu;
  std::string memory;
  std::string gpu;  // nvidia.com/gpu, amd.com/gpu or gpu.intel.com/*: the first one found

  friend bool operator==(const resource_list&, const resource_list&) = default;
};

enum class container_kind : std::uint8_t { regular, init, ephemeral };

const char* to_string(container_kind kind);

// One entry of containers, initContainers or ephemeralContainers.
//
//   container c{.name = "app", .image = "nginx:1.27"};
struct container {
  container_kind kind = container_kind::regular;
  std::string name;
  std::string image;
  std::vector<std::string> command;
  std::optional<container_security_context> security_context;
  std::vector<container_port> ports;
  std::vector<handler_host> handler_hosts;
  resource_list requests;
  resource_list limits;
  std::string target_container_name;  // ephemeral containers only

  friend bool operator==(const container&, const container&) = default;
};

// A volume: its name, the kind of source ("hostPath", "configMap", ...) and, for hostPath,
// the path and type.
struct volume {
  std::string name;
  std::string source;
  std::string host_path;
  std::string host_path_type;

  friend bool operator==(const volume&, const volume&) = default;
};

struct toleration {
  std::string key;
  std::string op;  // "Exists" or "Equal" ("" means Equal)
  std::string value;
  std::string effect;

  friend bool operator==(const toleration&, const toleration&) = default;
};

// One matchExpressions (or, with `field`, matchFields) entry of a required node affinity
// term. The DaemonSet controller pins its pods with matchFields metadata.name In [node].
struct node_selector_requirement {
  std::string key;
  std::string op;
  std::vector<std::string> values;
  bool field = false;

  friend bool operator==(const node_selector_requirement&,
                         const node_selector_requirement&) = default;
};

// The fields of a PodSpec that rules read.
struct pod_spec {
  std::vector<container> containers;  // regular, init and ephemeral, in that order
  std::vector<volume> volumes;
  std::optional<pod_security_context> security_context;
  std::optional<bool> host_network;
  std::optional<bool> host_pid;
  std::optional<bool> host_ipc;
  std::optional<bool> host_users;
  std::string os_name;
  std::string node_name;
  std::string scheduler_name;
  std::string service_account_name;
  std::string runtime_class_name;
  std::string priority_class_name;
  string_pairs node_selector;
  std::vector<std::vector<node_selector_requirement>> required_node_affinity;  // OR of ANDs
  std::vector<toleration> tolerations;

  friend bool operator==(const pod_spec&, const pod_spec&) = default;
};

// A pod template: the pod's own metadata (labels, annotations, owners) and its spec. For a
// Pod object this is the pod itself; for a Deployment it is spec.template.
struct pod_template {
  object_meta metadata;
  pod_spec spec;

  friend bool operator==(const pod_template&, const pod_template&) = default;
};

}  // namespace launchguard
