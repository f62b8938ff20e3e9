#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace launchguard {

// Every rule of the catalog, in catalog order. The id text ("pss-privileged") is the
// contract; this enum only indexes tables.
enum class rule_id : std::uint8_t {
  image_registry_not_allowed,
  image_denied,
  image_not_pinned,
  image_mutable_tag,
  image_first_seen,
  image_tag_drift,
  pss_host_process,
  pss_host_namespaces,
  pss_privileged,
  pss_capabilities_baseline,
  pss_host_path_volumes,
  pss_host_ports,
  pss_host_probes,
  pss_apparmor,
  pss_selinux,
  pss_proc_mount,
  pss_seccomp_baseline,
  pss_sysctls,
  pss_restricted_volumes,
  pss_allow_privilege_escalation,
  pss_run_as_non_root,
  pss_run_as_user,
  pss_seccomp_restricted,
  pss_capabilities_restricted,
  pss_proc_mount_restricted,
  runtime_socket_mount,
  sensitive_host_mount,
  scheduler_bypass,
  control_plane_toleration,
  monitoring_opt_out,
  ephemeral_container,
  pod_exec,
  pod_port_forward,
  webhook_config_tampering,
  webhook_failed_open,
  webhook_internal_error,
  admission_bypass,
  launchguard_config_tampering,
  security_workload_tampering,
  audit_evidence_deleted,
  network_policy_removed,
  service_exposure,
  system_namespace_launch,
  static_pod_launch,
  anonymous_request,
  rbac_cluster_admin_binding,
  rbac_exec_role,
  secrets_enumeration,
  launch_rate_principal,
  launch_rate_namespace,
  launch_rate_spike,
  resource_request_spike,
  direct_pod_launch,
  untrusted_deployer,
  state_backend_degraded,
};

inline constexpr std::size_t rule_count =
    static_cast<std::size_t>(rule_id::state_backend_degraded) + 1;

inline constexpr std::size_t index_of(rule_id id) {
  return static_cast<std::size_t>(id);
}

// "pss-privileged" for rule_id::pss_privileged.
std::string_view to_string(rule_id id);
std::optional<rule_id> rule_from(std::string_view text);

}  // namespace launchguard
