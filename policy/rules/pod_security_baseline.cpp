// The baseline checks of Pod Security Admission, one function per upstream check. Each
// comment names the upstream check id and the policy versions at which it changed; a check
// reads init and ephemeral containers exactly like regular ones, as upstream's visitor does.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "policy/rules/pod_security_checks.hpp"

namespace launchguard::pss_detail {
namespace {

template <std::size_t n>
bool is_one_of(std::string_view value, const std::array<std::string_view, n>& allowed) {
  for (std::string_view a : allowed) {
    if (a == value) return true;
  }
  return false;
}

// An allowed value and the policy version that first allowed it.
struct versioned_value {
  std::string_view value;
  int since;
};

template <std::size_t n>
bool allowed_at(std::string_view value, pss_version version,
                const std::array<versioned_value, n>& allowed) {
  for (const versioned_value& a : allowed) {
    if (a.value == value && version.at_least(a.since)) return true;
  }
  return false;
}

// capabilities_baseline: the container runtime's default set, unchanged since v1.0.
constexpr std::array<std::string_view, 13> default_capabilities{
    "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",      "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};

// seLinuxOptions: container_engine_t joined the list at v1.31.
constexpr std::array<versioned_value, 5> selinux_types{{{"", 0},
                                                        {"container_t", 0},
                                                        {"container_init_t", 0},
                                                        {"container_kvm_t", 0},
                                                        {"container_engine_t", 31}}};

// sysctls: the namespaced, node-isolated ("safe") sysctls, grown at v1.27, v1.29, v1.32 and
// v1.37 as the kubelet's safe list grew.
constexpr std::array<versioned_value, 14> safe_sysctls{{
    {"kernel.shm_rmid_forced", 0},
    {"net.ipv4.ip_local_port_range", 0},
    {"net.ipv4.tcp_syncookies", 0},
    {"net.ipv4.ping_group_range", 0},
    {"net.ipv4.ip_unprivileged_port_start", 0},
    {"net.ipv4.ip_local_reserved_ports", 27},
    {"net.ipv4.tcp_keepalive_time", 29},
    {"net.ipv4.tcp_fin_timeout", 29},
    {"net.ipv4.tcp_keepalive_intvl", 29},
    {"net.ipv4.tcp_keepalive_probes", 29},
    {"net.ipv4.tcp_rmem", 32},
    {"net.ipv4.tcp_wmem", 32},
    {"net.ipv4.tcp_slow_start_after_idle", 37},
    {"net.ipv4.tcp_notsent_lowat", 37},
}};

constexpr std::string_view apparmor_annotation_prefix =
    "container.apparmor.security.beta.kubernetes.io/";
constexpr std::string_view seccomp_pod_annotation = "seccomp.security.alpha.kubernetes.io/pod";
constexpr std::string_view seccomp_container_annotation_prefix =
    "container.seccomp.security.alpha.kubernetes.io/";

bool allowed_apparmor_type(std::string_view type) {
  return type == "RuntimeDefault" || type == "Localhost";
}

bool allowed_apparmor_annotation(std::string_view value) {
  return value.empty() || value == "runtime/default" || value.starts_with("localhost/");
}

bool allowed_seccomp_annotation(std::string_view value) {
  return value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/");
}

// The container.apparmor.security.beta.kubernetes.io/<container> annotations with a forbidden
// value, whatever container they name; their values go to `values`.
struct apparmor_annotations {
  unique_list keys;
  unique_list containers;
};

apparmor_annotations forbidden_apparmor_annotations(const object_meta& meta, unique_list& values) {
  apparmor_annotations found;
  for (const auto& [key, value] : meta.annotations) {
    if (!key.starts_with(apparmor_annotation_prefix) || allowed_apparmor_annotation(value)) {
      continue;
    }
    found.keys.add(key);
    found.containers.add(std::string_view(key).substr(apparmor_annotation_prefix.size()));
    values.add(value);
  }
  return found;
}

// The parts of `options` seLinuxOptions forbids ("type", "user", "role"), described in
// `problems`, their values in `values`. level is free.
std::vector<std::string_view> forbidden_selinux_parts(const se_linux_options& options,
                                                      pss_version version, unique_list& problems,
                                                      unique_list& values) {
  std::vector<std::string_view> parts;
  if (!allowed_at(options.type, version, selinux_types)) {
    parts.push_back("type");
    problems.add("type \"" + options.type + '"');
    values.add(options.type);
  }
  if (!options.user.empty()) {
    parts.push_back("user");
    problems.add("user");
    values.add(options.user);
  }
  if (!options.role.empty()) {
    parts.push_back("role");
    problems.add("role");
    values.add(options.role);
  }
  return parts;
}

// seccompProfile_baseline before v1.19: only the alpha annotations existed. The pod key and
// the key of each container in the spec are read; other container keys are ignored.
void check_seccomp_annotations(const pod_template& pod, violations& out) {
  finding f;
  unique_list keys;
  const string_pairs& annotations = pod.metadata.annotations;
  if (auto value = find_value(annotations, seccomp_pod_annotation)) {
    if (!allowed_seccomp_annotation(*value)) {
      f.pod = true;
      keys.add(seccomp_pod_annotation);
      f.values.add(*value);
    }
  }
  for (const container& c : pod.spec.containers) {
    std::string key = std::string(seccomp_container_annotation_prefix) + c.name;
    auto value = find_value(annotations, key);
    if (!value || allowed_seccomp_annotation(*value)) continue;
    f.containers.add(c.name);
    keys.add(key);
    f.values.add(*value);
  }
  if (f.empty()) return;
  string_pairs evidence = f.evidence();
  evidence.emplace_back("annotations", keys.joined());
  out.push_back({rule_id::pss_seccomp_baseline,
                 f.subject("sets", "set") + " forbidden seccomp annotation " + f.values.quoted(),
                 std::move(evidence)});
}

}  // namespace

// windowsHostProcess (v1.0, unchanged): windowsOptions.hostProcess=true is forbidden on the
// pod and on every container. Windows pods get no exemption from this one.
void check_host_process(const pod_template& pod, pss_version, violations& out) {
  constexpr std::string_view field = "securityContext.windowsOptions.hostProcess";
  finding f;
  const pod_security_context* pod_sc = security_of(pod.spec);
  if (pod_sc && pod_sc->windows_host_process.value_or(false)) f.add_pod(field);
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (sc && sc->windows_host_process.value_or(false)) f.add_container(c, field);
  }
  if (f.empty()) return;
  out.push_back({rule_id::pss_host_process,
                 f.subject("sets", "set") + ' ' + std::string(field) + "=true", f.evidence()});
}

// hostNamespaces (v1.0, unchanged): hostNetwork, hostPID and hostIPC must be unset or false.
void check_host_namespaces(const pod_template& pod, pss_version, violations& out) {
  finding f;
  unique_list shared;
  auto inspect = [&](const std::optional<bool>& value, std::string_view field) {
    if (!value.value_or(false)) return;
    f.add_pod(field);
    shared.add(std::string(field) + "=true");
  };
  inspect(pod.spec.host_network, "hostNetwork");
  inspect(pod.spec.host_pid, "hostPID");
  inspect(pod.spec.host_ipc, "hostIPC");
  if (f.empty()) return;
  out.push_back({rule_id::pss_host_namespaces, "pod sets " + shared.listed(), f.evidence()});
}

// privileged (v1.0, unchanged): securityContext.privileged must be unset or false.
void check_privileged(const pod_template& pod, pss_version, violations& out) {
  finding f;
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (sc && sc->privileged.value_or(false)) f.add_container(c, "securityContext.privileged");
  }
  if (f.empty()) return;
  out.push_back({rule_id::pss_privileged,
                 f.subject("sets", "set") + " securityContext.privileged=true", f.evidence()});
}

// capabilities_baseline (v1.0, unchanged): capabilities.add may only name the default set,
// compared exactly as written ("CAP_CHOWN" and "chown" are not CHOWN). At the restricted
// level capabilities_restricted replaces it from v1.22.
void check_capabilities_baseline(const pod_template& pod, pss_version, violations& out) {
  finding f;
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (!sc || !sc->caps) continue;
    for (const std::string& cap : sc->caps->add) {
      if (is_one_of(cap, default_capabilities)) continue;
      f.add_container(c, "securityContext.capabilities.add");
      f.values.add(cap);
    }
  }
  if (f.empty()) return;
  out.push_back({rule_id::pss_capabilities_baseline,
                 f.subject("adds", "add") + " non-default " +
                     plural(f.values.size(), "capability ", "capabilities ") + f.values.quoted(),
                 f.evidence()});
}

// hostPathVolumes (v1.0, unchanged): no hostPath volume. At the restricted level
// restrictedVolumes replaces it at every version (hostPath is one of its restricted types).
void check_host_path_volumes(const pod_template& pod, pss_version, violations& out) {
  unique_list names;
  unique_list paths;
  for (const volume& v : pod.spec.volumes) {
    if (v.source != "hostPath") continue;
    names.add(v.name);
    paths.add(v.host_path);
  }
  if (names.empty()) return;
  out.push_back({rule_id::pss_host_path_volumes,
                 named("volume", names) + plural(names.size(), " mounts", " mount") +
                     plural(paths.size(), " hostPath ", " hostPaths ") + paths.quoted(),
                 {{"volumes", names.joined()},
                  {"field", "spec.volumes[*].hostPath"},
                  {"value", paths.joined()}}});
}

// hostPorts (v1.0, unchanged): every ports[*].hostPort must be unset or 0.
void check_host_ports(const pod_template& pod, pss_version, violations& out) {
  finding f;
  for (const container& c : pod.spec.containers) {
    for (const container_port& p : c.ports) {
      if (p.host_port == 0) continue;
      f.add_container(c, "ports[*].hostPort");
      f.values.add(std::to_string(p.host_port));
    }
  }
  if (f.empty()) return;
  out.push_back({rule_id::pss_host_ports,
                 f.subject("uses", "use") + plural(f.values.size(), " hostPort ", " hostPorts ") +
                     f.values.listed(),
                 f.evidence()});
}

// hostProbesAndHostLifecycle (new in v1.34): httpGet.host and tcpSocket.host of the liveness,
// readiness and startup probes and of the postStart and preStop hooks must be empty.
// Loopback addresses are forbidden too: an early draft allowed 127.0.0.1 and ::1, the merged
// check allows only "".
void check_host_probes(const pod_template& pod, pss_version, violations& out) {
  finding f;
  for (const container& c : pod.spec.containers) {
    for (const handler_host& h : c.handler_hosts) {
      if (h.host.empty()) continue;
      f.add_container(c, h.field);
      f.values.add(h.host);
    }
  }
  if (f.empty()) return;
  out.push_back({rule_id::pss_host_probes,
                 f.subject("uses", "use") + " probe or lifecycle " +
                     plural(f.values.size(), "host ", "hosts ") + f.values.quoted(),
                 f.evidence()});
}

// appArmorProfile (v1.0): appArmorProfile.type on the pod and containers must be
// RuntimeDefault or Localhost, and every container.apparmor.security.beta.kubernetes.io/*
// annotation must be empty, runtime/default or localhost/*. Upstream added the field check
// (v1.30) inside its single v1.0 revision, so both apply at every policy version.
void check_apparmor(const pod_template& pod, pss_version, violations& out) {
  constexpr std::string_view field = "securityContext.appArmorProfile.type";
  finding f;
  const pod_security_context* pod_sc = security_of(pod.spec);
  if (pod_sc && pod_sc->app_armor_profile &&
      !allowed_apparmor_type(pod_sc->app_armor_profile->type)) {
    f.add_pod(field);
    f.values.add(pod_sc->app_armor_profile->type);
  }
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (!sc || !sc->app_armor_profile || allowed_apparmor_type(sc->app_armor_profile->type)) {
      continue;
    }
    f.add_container(c, field);
    f.values.add(sc->app_armor_profile->type);
  }
  apparmor_annotations annotations = forbidden_apparmor_annotations(pod.metadata, f.values);
  if (f.empty() && annotations.keys.empty()) return;
  std::vector<std::string> setters = f.setters();
  string_pairs evidence = f.evidence();
  if (!annotations.keys.empty()) {
    setters.push_back(plural(annotations.keys.size(), "annotation for ", "annotations for ") +
                      named("container", annotations.containers));
    evidence.emplace_back("annotations", annotations.keys.joined());
  }
  std::size_t count = (f.pod ? 1 : 0) + f.containers.size() + annotations.keys.size();
  out.push_back({rule_id::pss_apparmor,
                 join_and(setters) + plural(count, " sets", " set") + " forbidden AppArmor " +
                     plural(f.values.size(), "profile ", "profiles ") + f.values.quoted(),
                 std::move(evidence)});
}

// seLinuxOptions (v1.0; v1.31 allows type container_engine_t): on the pod and containers,
// type must be empty, container_t, container_init_t or container_kvm_t, and user and role
// must be empty. level is free.
void check_selinux(const pod_template& pod, pss_version version, violations& out) {
  const std::string field = "securityContext.seLinuxOptions.";
  finding f;
  unique_list problems;
  const pod_security_context* pod_sc = security_of(pod.spec);
  if (pod_sc && pod_sc->se_linux) {
    for (std::string_view part :
         forbidden_selinux_parts(*pod_sc->se_linux, version, problems, f.values)) {
      f.add_pod(field + std::string(part));
    }
  }
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (!sc || !sc->se_linux) continue;
    for (std::string_view part :
         forbidden_selinux_parts(*sc->se_linux, version, problems, f.values)) {
      f.add_container(c, field + std::string(part));
    }
  }
  if (f.empty()) return;
  out.push_back({rule_id::pss_selinux,
                 f.subject("sets", "set") + " forbidden seLinuxOptions " + problems.listed(),
                 f.evidence()});
}

void report_proc_mount(const pod_template& pod, rule_id rule, violations& out) {
  finding f;
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (!sc || !sc->proc_mount || *sc->proc_mount == "Default") continue;
    f.add_container(c, "securityContext.procMount");
    f.values.add(*sc->proc_mount);
  }
  if (f.empty()) return;
  out.push_back({rule, f.subject("sets", "set") + " securityContext.procMount " + f.values.quoted(),
                 f.evidence()});
}

// procMount (v1.0: unset or "Default"; v1.35: any value when spec.hostUsers is false). Before
// v1.35 the user-namespace relaxation sat behind the alpha, off-by-default
// UserNamespacesPodSecurityStandards gate, so older versions apply no relaxation. At the
// restricted level procMount_restricted replaces it from v1.35.
void check_proc_mount(const pod_template& pod, pss_version version, violations& out) {
  if (version.at_least(35) && user_namespace_pod(pod.spec)) return;
  report_proc_mount(pod, rule_id::pss_proc_mount, out);
}

// seccompProfile_baseline (v1.0: the alpha annotations; v1.19: seccompProfile.type on the pod
// and containers, which may be unset, RuntimeDefault or Localhost). Windows pods are not exempt
// at this level. At the restricted level seccompProfile_restricted replaces it from v1.19.
void check_seccomp_baseline(const pod_template& pod, pss_version version, violations& out) {
  if (!version.at_least(19)) {
    check_seccomp_annotations(pod, out);
    return;
  }
  constexpr std::string_view field = "securityContext.seccompProfile.type";
  finding f;
  const pod_security_context* pod_sc = security_of(pod.spec);
  if (pod_sc && pod_sc->seccomp_profile && !allowed_seccomp_type(pod_sc->seccomp_profile->type)) {
    f.add_pod(field);
    f.values.add(pod_sc->seccomp_profile->type);
  }
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (!sc || !sc->seccomp_profile || allowed_seccomp_type(sc->seccomp_profile->type)) continue;
    f.add_container(c, field);
    f.values.add(sc->seccomp_profile->type);
  }
  if (f.empty()) return;
  out.push_back(
      {rule_id::pss_seccomp_baseline,
       f.subject("sets", "set") + " securityContext.seccompProfile.type " + f.values.quoted(),
       f.evidence()});
}

// sysctls (v1.0, widened at v1.27, v1.29, v1.32, v1.37): spec.securityContext.sysctls may only
// name safe sysctls; sysctls exist only at pod level.
void check_sysctls(const pod_template& pod, pss_version version, violations& out) {
  const pod_security_context* pod_sc = security_of(pod.spec);
  if (!pod_sc) return;
  finding f;
  for (const sysctl& s : pod_sc->sysctls) {
    if (allowed_at(s.name, version, safe_sysctls)) continue;
    f.pod = true;
    f.values.add(s.name);
  }
  if (f.empty()) return;
  f.fields.add("spec.securityContext.sysctls");
  out.push_back({rule_id::pss_sysctls,
                 "pod sets forbidden " +
                     std::string(plural(f.values.size(), "sysctl ", "sysctls ")) +
                     f.values.listed(),
                 f.evidence()});
}

}  // namespace launchguard::pss_detail
