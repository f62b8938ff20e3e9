#include "policy/rules/rule_id.hpp"

#include <array>

namespace launchguard {
namespace {

constexpr std::array<std::string_view, rule_count> names{
    "image-registry-not-allowed",
    "image-denied",
    "image-not-pinned",
    "image-mutable-tag",
    "image-first-seen",
    "image-tag-drift",
    "pss-host-process",
    "pss-host-namespaces",
    "pss-privileged",
    "pss-capabilities-baseline",
    "pss-host-path-volumes",
    "pss-host-ports",
    "pss-host-probes",
    "pss-apparmor",
    "pss-selinux",
    "pss-proc-mount",
    "pss-seccomp-baseline",
    "pss-sysctls",
    "pss-restricted-volumes",
    "pss-allow-privilege-escalation",
    "pss-run-as-non-root",
    "pss-run-as-user",
    "pss-seccomp-restricted",
    "pss-capabilities-restricted",
    "pss-proc-mount-restricted",
    "runtime-socket-mount",
    "sensitive-host-mount",
    "scheduler-bypass",
    "control-plane-toleration",
    "monitoring-opt-out",
    "ephemeral-container",
    "pod-exec",
    "pod-port-forward",
    "webhook-config-tampering",
    "webhook-failed-open",
    "webhook-internal-error",
    "admission-bypass",
    "launchguard-config-tampering",
    "security-workload-tampering",
    "audit-evidence-deleted",
    "network-policy-removed",
    "service-exposure",
    "system-namespace-launch",
    "static-pod-launch",
    "anonymous-request",
    "rbac-cluster-admin-binding",
    "rbac-exec-role",
    "secrets-enumeration",
    "launch-rate-principal",
    "launch-rate-namespace",
    "launch-rate-spike",
    "resource-request-spike",
    "direct-pod-launch",
    "untrusted-deployer",
    "state-backend-degraded",
};

}  // namespace

std::string_view to_string(rule_id id) {
  return names[index_of(id)];
}

std::optional<rule_id> rule_from(std::string_view text) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<rule_id>(i);
  }
  return std::nullopt;
}

}  // namespace launchguard
