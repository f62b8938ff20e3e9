#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/model/object_meta.hpp"
#include "policy/model/pod_spec.hpp"

namespace launchguard {

// The workload kinds whose pod template admission evaluates.
enum class workload_kind : std::uint8_t {
  none,  // not a pod or workload (a Service, a ConfigMap, ...)
  pod,
  deployment,
  replica_set,
  stateful_set,
  daemon_set,
  job,
  cron_job,
  replication_controller,
  pod_template,
};

// Maps a Kubernetes kind name ("Deployment") to a workload kind; `none` for other kinds.
workload_kind workload_kind_from(std::string_view kind);

// The Service fields that exposure rules read.
struct service_spec {
  std::string type;  // ClusterIP, NodePort, LoadBalancer, ExternalName
  std::vector<std::string> external_ips;
  std::vector<std::int32_t> node_ports;

  friend bool operator==(const service_spec&, const service_spec&) = default;
};

// PodExecOptions, PodAttachOptions and PodPortForwardOptions, merged: the body of a CONNECT.
struct connect_options {
  std::string container;
  std::vector<std::string> command;
  bool stdin_attached = false;
  bool tty = false;
  std::vector<std::int32_t> ports;

  friend bool operator==(const connect_options&, const connect_options&) = default;
};

// One rule of a Role or ClusterRole.
struct rbac_rule {
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> verbs;

  friend bool operator==(const rbac_rule&, const rbac_rule&) = default;
};

// roleRef and subjects of a RoleBinding or ClusterRoleBinding.
struct rbac_subject {
  std::string kind;  // User, Group, ServiceAccount
  std::string name;
  std::string namespace_name;

  friend bool operator==(const rbac_subject&, const rbac_subject&) = default;
};

struct role_ref {
  std::string kind;  // Role, ClusterRole
  std::string name;

  friend bool operator==(const role_ref&, const role_ref&) = default;
};

// status.containerStatuses (and init, ephemeral) of a Pod: what the node actually runs.
struct container_status {
  std::string name;
  std::string image;
  std::string image_id;  // "docker.io/library/nginx@sha256:..." or a runtime's config digest

  friend bool operator==(const container_status&, const container_status&) = default;
};

// A Kubernetes object as admission and audit rules see it: type, metadata, and the typed
// parts of its spec. Decoding does not need to know the kind first: pod fields, a pod
// template (spec.template), a CronJob's spec.jobTemplate.spec.template and a PodTemplate's
// top-level template all land in `pod`, since a valid object has only one of them.
//
//   kube_object d = ...;  // a Deployment
//   d.workload == workload_kind::deployment;
//   d.pod->spec.containers[0].image;  // spec.template.spec.containers[0].image
struct kube_object {
  std::string api_version;
  std::string kind;
  object_meta metadata;
  workload_kind workload = workload_kind::none;
  std::optional<pod_template> pod;
  std::optional<std::int32_t> replicas;
  std::optional<bool> suspend;  // Job and CronJob spec.suspend
  std::optional<service_spec> service;
  std::optional<connect_options> connect;
  std::vector<rbac_rule> rbac_rules;
  std::optional<role_ref> binding_role;
  std::vector<rbac_subject> subjects;
  std::vector<container_status> container_statuses;

  friend bool operator==(const kube_object&, const kube_object&) = default;
};

}  // namespace launchguard
