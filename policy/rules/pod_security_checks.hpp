#pragma once

// Internal to the Pod Security Standards rules: the per-check functions and the small
// vocabulary they share to build messages and evidence. Only pod_security*.cpp include it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "policy/model/pod_spec.hpp"
#include "policy/rules/pod_security.hpp"
#include "policy/rules/violation.hpp"

namespace launchguard::pss_detail {

// Strings kept in first-seen order, each once: container names, field paths, values. Pods
// have a handful of each, so a linear search beats a set and keeps messages in pod order.
class unique_list {
 public:
  void add(std::string_view item);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<std::string>& items() const { return items_; }
  std::string quoted() const { return join(", ", true); }   // "a", "b"
  std::string listed() const { return join(", ", false); }  // a, b
  std::string joined() const { return join(",", false); }   // a,b (evidence values)

 private:
  std::string join(std::string_view separator, bool quote) const;

  std::vector<std::string> items_;
};

// What one check found wrong in one pod template: the pod-level field and the containers
// at fault, the field paths they set and the offending values.
//
//   finding f;
//   f.add_container(c, "securityContext.privileged");
//   f.subject("sets", "set");  // container "app" sets
struct finding {
  bool pod = false;
  unique_list containers;
  unique_list fields;
  unique_list values;

  // `field` relative to spec.securityContext or to the container, e.g. "securityContext.x".
  void add_pod(std::string_view field);
  void add_container(const container& c, std::string_view field);
  bool empty() const { return !pod && containers.empty(); }
  // The parts that set the bad value: "pod", `containers "a", "b"`.
  std::vector<std::string> setters() const;
  // `pod and container "a" set`: the setters and the verb agreeing with them.
  std::string subject(std::string_view singular_verb, std::string_view plural_verb) const;
  string_pairs evidence() const;
};

// `container "a"` or `containers "a", "b"` (`noun` is the singular).
std::string named(std::string_view noun, const unique_list& names);
// `many` when `count` is more than one, else `one`.
const char* plural(std::size_t count, const char* one, const char* many);
// "pod", "pod and container \"a\"": parts joined for a message.
std::string join_and(const std::vector<std::string>& parts);
// "spec.initContainers[*].securityContext.privileged" for an init container.
std::string container_path(const container& c, std::string_view field);

const container_security_context* security_of(const container& c);
const pod_security_context* security_of(const pod_spec& spec);
// Upstream reads spec.os.name == "windows" exactly.
bool windows_pod(const pod_spec& spec);
// spec.hostUsers: false, explicitly.
bool user_namespace_pod(const pod_spec& spec);
bool allowed_seccomp_type(std::string_view type);

using check_fn = void (*)(const pod_template&, pss_version, violations&);

// Baseline (pod_security_baseline.cpp).
void check_host_process(const pod_template& pod, pss_version version, violations& out);
void check_host_namespaces(const pod_template& pod, pss_version version, violations& out);
void check_privileged(const pod_template& pod, pss_version version, violations& out);
void check_capabilities_baseline(const pod_template& pod, pss_version version, violations& out);
void check_host_path_volumes(const pod_template& pod, pss_version version, violations& out);
void check_host_ports(const pod_template& pod, pss_version version, violations& out);
void check_host_probes(const pod_template& pod, pss_version version, violations& out);
void check_apparmor(const pod_template& pod, pss_version version, violations& out);
void check_selinux(const pod_template& pod, pss_version version, violations& out);
void check_proc_mount(const pod_template& pod, pss_version version, violations& out);
void check_seccomp_baseline(const pod_template& pod, pss_version version, violations& out);
void check_sysctls(const pod_template& pod, pss_version version, violations& out);
// Shared by pss-proc-mount and pss-proc-mount-restricted: anything but "Default" is forbidden.
void report_proc_mount(const pod_template& pod, rule_id rule, violations& out);

// Restricted (pod_security_restricted.cpp).
void check_restricted_volumes(const pod_template& pod, pss_version version, violations& out);
void check_allow_privilege_escalation(const pod_template& pod, pss_version version,
                                      violations& out);
void check_run_as_non_root(const pod_template& pod, pss_version version, violations& out);
void check_run_as_user(const pod_template& pod, pss_version version, violations& out);
void check_seccomp_restricted(const pod_template& pod, pss_version version, violations& out);
void check_capabilities_restricted(const pod_template& pod, pss_version version, violations& out);
void check_proc_mount_restricted(const pod_template& pod, pss_version version, violations& out);

}  // namespace launchguard::pss_detail
