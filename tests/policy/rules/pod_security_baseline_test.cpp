// The baseline checks: each field they read at pod and container level (regular, init and
// ephemeral containers), allowed and forbidden values, and every version-dependent change.

#include <gtest/gtest.h>

#include "tests/policy/rules/pod_security_fixture.hpp"

namespace launchguard {
namespace {

using namespace pss_test;

constexpr auto baseline = pss_level::baseline;
constexpr auto restricted = pss_level::restricted;

// A restricted pod whose second container, of `kind`, is named "x".
pod_template pod_with_second(container_kind kind) {
  return restricted_pod({make_container("app"), make_container("x", kind)});
}

TEST(pss_host_process, flags_the_pod_level_setting) {
  pod_template pod = restricted_pod();
  pod_sc(pod).windows_host_process = true;
  violation v = only(pod, rule_id::pss_host_process, baseline);
  EXPECT_EQ(v.message, "pod sets securityContext.windowsOptions.hostProcess=true");
  EXPECT_EQ(evidence(v, "field"), "spec.securityContext.windowsOptions.hostProcess");
}

TEST(pss_host_process, flags_containers_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    sc(pod, 1).windows_host_process = true;
    violation v = only(pod, rule_id::pss_host_process, baseline);
    EXPECT_EQ(v.message, "container \"x\" sets securityContext.windowsOptions.hostProcess=true");
    EXPECT_EQ(evidence(v, "field"), "spec." + std::string(to_string(kind)) +
                                        "[*].securityContext.windowsOptions.hostProcess");
  }
}

TEST(pss_host_process, names_pod_and_containers_in_one_violation) {
  pod_template pod = pod_with_second(container_kind::init);
  pod_sc(pod).windows_host_process = true;
  sc(pod, 0).windows_host_process = true;
  sc(pod, 1).windows_host_process = true;
  violation v = only(pod, rule_id::pss_host_process, baseline);
  EXPECT_EQ(
      v.message,
      "pod and containers \"app\", \"x\" set securityContext.windowsOptions.hostProcess=true");
  EXPECT_EQ(evidence(v, "containers"), "app,x");
}

TEST(pss_host_process, allows_false_and_unset) {
  pod_template pod = restricted_pod();
  pod_sc(pod).windows_host_process = false;
  sc(pod).windows_host_process = false;
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_host_namespaces, flags_each_host_namespace) {
  for (auto field : {&pod_spec::host_network, &pod_spec::host_pid, &pod_spec::host_ipc}) {
    pod_template pod = restricted_pod();
    pod.spec.*field = true;
    EXPECT_TRUE(fires(pod, rule_id::pss_host_namespaces, baseline));
  }
}

TEST(pss_host_namespaces, names_every_shared_namespace_in_one_violation) {
  pod_template pod = restricted_pod();
  pod.spec.host_network = pod.spec.host_pid = pod.spec.host_ipc = true;
  violation v = only(pod, rule_id::pss_host_namespaces, baseline);
  EXPECT_EQ(v.message, "pod sets hostNetwork=true, hostPID=true, hostIPC=true");
  EXPECT_EQ(evidence(v, "field"), "spec.hostNetwork,spec.hostPID,spec.hostIPC");
}

TEST(pss_host_namespaces, allows_false) {
  pod_template pod = restricted_pod();
  pod.spec.host_network = pod.spec.host_pid = pod.spec.host_ipc = false;
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_privileged, flags_containers_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    sc(pod, 1).privileged = true;
    EXPECT_EQ(only(pod, rule_id::pss_privileged, baseline).message,
              "container \"x\" sets securityContext.privileged=true");
  }
}

TEST(pss_privileged, names_all_privileged_containers_in_one_violation) {
  pod_template pod = restricted_pod({make_container("app"), make_container("sidecar")});
  sc(pod, 0).privileged = sc(pod, 1).privileged = true;
  violation v = only(pod, rule_id::pss_privileged, baseline);
  EXPECT_EQ(v.message, "containers \"app\", \"sidecar\" set securityContext.privileged=true");
  EXPECT_EQ(evidence(v, "containers"), "app,sidecar");
  EXPECT_EQ(evidence(v, "field"), "spec.containers[*].securityContext.privileged");
}

TEST(pss_privileged, allows_false) {
  pod_template pod = restricted_pod();
  sc(pod).privileged = false;
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_capabilities_baseline, allows_the_default_set) {
  pod_template pod = plain_pod();
  sc(pod).caps =
      capabilities{{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"},
                   {}};
  EXPECT_TRUE(evaluate(pod, baseline).empty());
}

TEST(pss_capabilities_baseline, flags_non_default_capabilities_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = plain_pod({make_container("app"), make_container("x", kind)});
    sc(pod, 1).caps = capabilities{{"CHOWN", "NET_RAW"}, {}};
    violation v = only(pod, rule_id::pss_capabilities_baseline, baseline);
    EXPECT_EQ(v.message, "container \"x\" adds non-default capability \"NET_RAW\"");
    EXPECT_EQ(evidence(v, "value"), "NET_RAW");
  }
}

TEST(pss_capabilities_baseline, compares_names_exactly_as_written) {
  pod_template pod = plain_pod();
  sc(pod).caps = capabilities{{"CAP_CHOWN", "chown"}, {}};
  EXPECT_EQ(only(pod, rule_id::pss_capabilities_baseline, baseline).message,
            "container \"app\" adds non-default capabilities \"CAP_CHOWN\", \"chown\"");
}

TEST(pss_capabilities_baseline, is_replaced_at_restricted_by_capabilities_restricted_from_v1_22) {
  pod_template pod = restricted_pod();
  sc(pod).caps->add = {"SYS_ADMIN"};
  EXPECT_EQ(only(pod, rule_id::pss_capabilities_baseline, restricted, v1(21)).rule,
            rule_id::pss_capabilities_baseline);
  EXPECT_EQ(only(pod, rule_id::pss_capabilities_restricted, restricted, v1(22)).rule,
            rule_id::pss_capabilities_restricted);
}

TEST(pss_host_path_volumes, flags_host_path_volumes) {
  pod_template pod = plain_pod();
  pod.spec.volumes = {{"docker", "hostPath", "/var/run/docker.sock", "Socket"},
                      {"config", "configMap", "", ""}};
  violation v = only(pod, rule_id::pss_host_path_volumes, baseline);
  EXPECT_EQ(v.message, "volume \"docker\" mounts hostPath \"/var/run/docker.sock\"");
  EXPECT_EQ(evidence(v, "volumes"), "docker");
  EXPECT_EQ(evidence(v, "field"), "spec.volumes[*].hostPath");
  EXPECT_EQ(evidence(v, "value"), "/var/run/docker.sock");
}

TEST(pss_host_path_volumes, names_all_host_path_volumes_in_one_violation) {
  pod_template pod = plain_pod();
  pod.spec.volumes = {{"root", "hostPath", "/", ""}, {"logs", "hostPath", "/var/log", ""}};
  EXPECT_EQ(only(pod, rule_id::pss_host_path_volumes, baseline).message,
            "volumes \"root\", \"logs\" mount hostPaths \"/\", \"/var/log\"");
}

TEST(pss_host_path_volumes, allows_other_sources_at_baseline) {
  pod_template pod = plain_pod();
  pod.spec.volumes = {{"data", "nfs", "", ""}, {"config", "configMap", "", ""}};
  EXPECT_TRUE(evaluate(pod, baseline).empty());
}

TEST(pss_host_path_volumes, is_replaced_at_restricted_by_restricted_volumes_at_every_version) {
  pod_template pod = restricted_pod();
  pod.spec.volumes = {{"root", "hostPath", "/", ""}};
  for (pss_version version : {v1(0), v1(25), pss_version{}}) {
    EXPECT_EQ(only(pod, rule_id::pss_restricted_volumes, restricted, version).rule,
              rule_id::pss_restricted_volumes);
  }
}

TEST(pss_host_ports, flags_host_ports_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    pod.spec.containers[1].ports = {{"http", 8080, 80, "", "TCP"}};
    violation v = only(pod, rule_id::pss_host_ports, baseline);
    EXPECT_EQ(v.message, "container \"x\" uses hostPort 80");
    EXPECT_EQ(evidence(v, "field"),
              "spec." + std::string(to_string(kind)) + "[*].ports[*].hostPort");
  }
}

TEST(pss_host_ports, names_all_containers_and_ports) {
  pod_template pod = restricted_pod({make_container("app"), make_container("proxy")});
  pod.spec.containers[0].ports = {{"http", 80, 80, "", ""}, {"https", 443, 443, "", ""}};
  pod.spec.containers[1].ports = {{"admin", 9901, 9901, "", ""}};
  violation v = only(pod, rule_id::pss_host_ports, baseline);
  EXPECT_EQ(v.message, "containers \"app\", \"proxy\" use hostPorts 80, 443, 9901");
  EXPECT_EQ(evidence(v, "value"), "80,443,9901");
}

TEST(pss_host_ports, allows_container_ports_without_host_port) {
  pod_template pod = restricted_pod();
  pod.spec.containers[0].ports = {{"http", 8080, 0, "", "TCP"}};
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_host_probes, flags_probe_and_hook_hosts_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    pod.spec.containers[1].handler_hosts = {
        {"lifecycle.preStop.httpGet.host", "metadata.internal"}};
    violation v = only(pod, rule_id::pss_host_probes, baseline);
    EXPECT_EQ(v.message, "container \"x\" uses probe or lifecycle host \"metadata.internal\"");
    EXPECT_EQ(evidence(v, "field"),
              "spec." + std::string(to_string(kind)) + "[*].lifecycle.preStop.httpGet.host");
  }
}

TEST(pss_host_probes, forbids_loopback_hosts_too) {
  pod_template pod = restricted_pod();
  pod.spec.containers[0].handler_hosts = {{"livenessProbe.httpGet.host", "127.0.0.1"},
                                          {"readinessProbe.tcpSocket.host", "::1"},
                                          {"startupProbe.httpGet.host", "localhost"}};
  violation v = only(pod, rule_id::pss_host_probes, baseline);
  EXPECT_EQ(
      v.message,
      "container \"app\" uses probe or lifecycle hosts \"127.0.0.1\", \"::1\", \"localhost\"");
  EXPECT_EQ(evidence(v, "field"),
            "spec.containers[*].livenessProbe.httpGet.host,spec.containers[*].readinessProbe."
            "tcpSocket.host,spec.containers[*].startupProbe.httpGet.host");
}

TEST(pss_host_probes, allows_handlers_without_host) {
  pod_template pod = restricted_pod();
  pod.spec.containers[0].handler_hosts = {{"livenessProbe.httpGet.host", ""}};
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_host_probes, is_introduced_in_v1_34) {
  pod_template pod = restricted_pod();
  pod.spec.containers[0].handler_hosts = {{"livenessProbe.tcpSocket.host", "10.0.0.1"}};
  EXPECT_FALSE(fires(pod, rule_id::pss_host_probes, baseline, v1(33)));
  EXPECT_FALSE(fires(pod, rule_id::pss_host_probes, restricted, v1(33)));
  EXPECT_TRUE(fires(pod, rule_id::pss_host_probes, baseline, v1(34)));
  EXPECT_TRUE(fires(pod, rule_id::pss_host_probes, baseline));
}

TEST(pss_apparmor, flags_the_pod_level_profile) {
  pod_template pod = restricted_pod();
  pod_sc(pod).app_armor_profile = security_profile{"Unconfined", ""};
  violation v = only(pod, rule_id::pss_apparmor, baseline);
  EXPECT_EQ(v.message, "pod sets forbidden AppArmor profile \"Unconfined\"");
  EXPECT_EQ(evidence(v, "field"), "spec.securityContext.appArmorProfile.type");
}

TEST(pss_apparmor, flags_container_profiles_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    sc(pod, 1).app_armor_profile = security_profile{"Unconfined", ""};
    EXPECT_EQ(only(pod, rule_id::pss_apparmor, baseline).message,
              "container \"x\" sets forbidden AppArmor profile \"Unconfined\"");
  }
}

TEST(pss_apparmor, allows_runtime_default_and_localhost_profiles) {
  pod_template pod = restricted_pod();
  pod_sc(pod).app_armor_profile = security_profile{"RuntimeDefault", ""};
  sc(pod).app_armor_profile = security_profile{"Localhost", "k8s-nginx"};
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_apparmor, flags_forbidden_annotations) {
  pod_template pod = restricted_pod();
  pod.metadata.annotations = {{"container.apparmor.security.beta.kubernetes.io/app", "unconfined"}};
  violation v = only(pod, rule_id::pss_apparmor, baseline);
  EXPECT_EQ(v.message,
            "annotation for container \"app\" sets forbidden AppArmor profile \"unconfined\"");
  EXPECT_EQ(evidence(v, "annotations"), "container.apparmor.security.beta.kubernetes.io/app");
  EXPECT_EQ(evidence(v, "value"), "unconfined");
}

TEST(pss_apparmor, allows_runtime_default_localhost_and_empty_annotations) {
  pod_template pod = restricted_pod();
  pod.metadata.annotations = {
      {"container.apparmor.security.beta.kubernetes.io/a", "runtime/default"},
      {"container.apparmor.security.beta.kubernetes.io/b", "localhost/k8s"},
      {"container.apparmor.security.beta.kubernetes.io/c", ""},
      {"apparmor.example/app", "unconfined"}};
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_apparmor, names_every_setter_in_one_violation) {
  pod_template pod = restricted_pod();
  pod_sc(pod).app_armor_profile = security_profile{"Unconfined", ""};
  sc(pod).app_armor_profile = security_profile{"Unconfined", ""};
  pod.metadata.annotations = {{"container.apparmor.security.beta.kubernetes.io/app", "unconfined"}};
  EXPECT_EQ(only(pod, rule_id::pss_apparmor, baseline).message,
            "pod and container \"app\" and annotation for container \"app\" set forbidden AppArmor "
            "profiles \"Unconfined\", \"unconfined\"");
}

// Upstream added the field check inside its v1.0 revision, so pinning a version keeps it.
TEST(pss_apparmor, checks_fields_and_annotations_at_every_version) {
  pod_template field = restricted_pod();
  sc(field).app_armor_profile = security_profile{"Unconfined", ""};
  pod_template annotation = restricted_pod();
  annotation.metadata.annotations = {
      {"container.apparmor.security.beta.kubernetes.io/app", "unconfined"}};
  for (pss_version version : {v1(0), v1(29), pss_version{}}) {
    EXPECT_TRUE(fires(field, rule_id::pss_apparmor, baseline, version));
    EXPECT_TRUE(fires(annotation, rule_id::pss_apparmor, baseline, version));
  }
}

TEST(pss_selinux, allows_the_container_types) {
  for (const char* type : {"", "container_t", "container_init_t", "container_kvm_t"}) {
    SCOPED_TRACE(type);
    pod_template pod = restricted_pod();
    pod_sc(pod).se_linux = se_linux_options{"", "", type, "s0:c123,c456"};
    sc(pod).se_linux = se_linux_options{"", "", type, ""};
    EXPECT_TRUE(evaluate(pod, restricted, v1(0)).empty());
  }
}

TEST(pss_selinux, flags_other_types_at_pod_level) {
  pod_template pod = restricted_pod();
  pod_sc(pod).se_linux = se_linux_options{"", "", "spc_t", ""};
  violation v = only(pod, rule_id::pss_selinux, baseline);
  EXPECT_EQ(v.message, "pod sets forbidden seLinuxOptions type \"spc_t\"");
  EXPECT_EQ(evidence(v, "field"), "spec.securityContext.seLinuxOptions.type");
  EXPECT_EQ(evidence(v, "value"), "spc_t");
}

TEST(pss_selinux, flags_container_options_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    sc(pod, 1).se_linux = se_linux_options{"", "", "unconfined_t", ""};
    EXPECT_EQ(only(pod, rule_id::pss_selinux, baseline).message,
              "container \"x\" sets forbidden seLinuxOptions type \"unconfined_t\"");
  }
}

TEST(pss_selinux, forbids_user_and_role) {
  pod_template pod = restricted_pod();
  sc(pod).se_linux = se_linux_options{"system_u", "system_r", "container_t", ""};
  violation v = only(pod, rule_id::pss_selinux, baseline);
  EXPECT_EQ(v.message, "container \"app\" sets forbidden seLinuxOptions user, role");
  EXPECT_EQ(evidence(v, "field"),
            "spec.containers[*].securityContext.seLinuxOptions.user,"
            "spec.containers[*].securityContext.seLinuxOptions.role");
}

TEST(pss_selinux, allows_container_engine_t_from_v1_31) {
  pod_template pod = restricted_pod();
  sc(pod).se_linux = se_linux_options{"", "", "container_engine_t", ""};
  EXPECT_TRUE(fires(pod, rule_id::pss_selinux, baseline, v1(30)));
  EXPECT_FALSE(fires(pod, rule_id::pss_selinux, baseline, v1(31)));
  EXPECT_FALSE(fires(pod, rule_id::pss_selinux, restricted));
}

TEST(pss_proc_mount, flags_any_value_but_default_in_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = plain_pod({make_container("app"), make_container("x", kind)});
    sc(pod, 1).proc_mount = "Unmasked";
    violation v = only(pod, rule_id::pss_proc_mount, baseline);
    EXPECT_EQ(v.message, "container \"x\" sets securityContext.procMount \"Unmasked\"");
    EXPECT_EQ(evidence(v, "value"), "Unmasked");
  }
}

TEST(pss_proc_mount, allows_default_and_unset) {
  pod_template pod = plain_pod({make_container("app"), make_container("b")});
  sc(pod, 0).proc_mount = "Default";
  EXPECT_TRUE(evaluate(pod, baseline).empty());
}

TEST(pss_proc_mount, exempts_user_namespace_pods_from_v1_35) {
  pod_template pod = plain_pod();
  sc(pod).proc_mount = "Unmasked";
  pod.spec.host_users = false;
  EXPECT_TRUE(fires(pod, rule_id::pss_proc_mount, baseline, v1(34)));
  EXPECT_FALSE(fires(pod, rule_id::pss_proc_mount, baseline, v1(35)));
  EXPECT_FALSE(fires(pod, rule_id::pss_proc_mount, baseline));
  pod.spec.host_users = true;
  EXPECT_TRUE(fires(pod, rule_id::pss_proc_mount, baseline));
}

TEST(pss_seccomp_baseline, flags_the_pod_level_profile) {
  pod_template pod = plain_pod();
  pod_sc(pod).seccomp_profile = security_profile{"Unconfined", ""};
  violation v = only(pod, rule_id::pss_seccomp_baseline, baseline);
  EXPECT_EQ(v.message, "pod sets securityContext.seccompProfile.type \"Unconfined\"");
  EXPECT_EQ(evidence(v, "field"), "spec.securityContext.seccompProfile.type");
}

TEST(pss_seccomp_baseline, flags_container_profiles_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = plain_pod({make_container("app"), make_container("x", kind)});
    sc(pod, 1).seccomp_profile = security_profile{"Unconfined", ""};
    EXPECT_EQ(only(pod, rule_id::pss_seccomp_baseline, baseline).message,
              "container \"x\" sets securityContext.seccompProfile.type \"Unconfined\"");
  }
}

TEST(pss_seccomp_baseline, allows_runtime_default_localhost_and_unset) {
  pod_template pod = plain_pod({make_container("a"), make_container("b"), make_container("c")});
  pod_sc(pod).seccomp_profile = security_profile{"RuntimeDefault", ""};
  sc(pod, 0).seccomp_profile = security_profile{"Localhost", "profiles/audit.json"};
  EXPECT_TRUE(evaluate(pod, baseline).empty());
}

TEST(pss_seccomp_baseline, applies_to_windows_pods) {
  pod_template pod = plain_pod();
  pod.spec.os_name = "windows";
  pod_sc(pod).seccomp_profile = security_profile{"Unconfined", ""};
  EXPECT_TRUE(fires(pod, rule_id::pss_seccomp_baseline, baseline));
}

TEST(pss_seccomp_baseline, reads_the_field_only_from_v1_19) {
  pod_template pod = plain_pod();
  pod_sc(pod).seccomp_profile = security_profile{"Unconfined", ""};
  EXPECT_FALSE(fires(pod, rule_id::pss_seccomp_baseline, baseline, v1(18)));
  EXPECT_TRUE(fires(pod, rule_id::pss_seccomp_baseline, baseline, v1(19)));
}

TEST(pss_seccomp_baseline, reads_the_alpha_annotations_before_v1_19) {
  pod_template pod = plain_pod();
  pod.metadata.annotations = {{"seccomp.security.alpha.kubernetes.io/pod", "unconfined"}};
  violation v = only(pod, rule_id::pss_seccomp_baseline, baseline, v1(18));
  EXPECT_EQ(v.message, "pod sets forbidden seccomp annotation \"unconfined\"");
  EXPECT_EQ(evidence(v, "annotations"), "seccomp.security.alpha.kubernetes.io/pod");
  EXPECT_FALSE(fires(pod, rule_id::pss_seccomp_baseline, baseline, v1(19)));
}

TEST(pss_seccomp_baseline, reads_container_annotations_of_spec_containers_only) {
  pod_template pod = plain_pod({make_container("app"), make_container("x", container_kind::init)});
  pod.metadata.annotations = {
      {"container.seccomp.security.alpha.kubernetes.io/x", "unconfined"},
      {"container.seccomp.security.alpha.kubernetes.io/ghost", "unconfined"}};
  violation v = only(pod, rule_id::pss_seccomp_baseline, baseline, v1(0));
  EXPECT_EQ(v.message, "container \"x\" sets forbidden seccomp annotation \"unconfined\"");
  EXPECT_EQ(evidence(v, "containers"), "x");
}

TEST(pss_seccomp_baseline, allows_default_and_localhost_annotations) {
  pod_template pod = plain_pod({make_container("a"), make_container("b")});
  pod.metadata.annotations = {
      {"seccomp.security.alpha.kubernetes.io/pod", "runtime/default"},
      {"container.seccomp.security.alpha.kubernetes.io/a", "docker/default"},
      {"container.seccomp.security.alpha.kubernetes.io/b", "localhost/p.json"}};
  EXPECT_TRUE(evaluate(pod, baseline, v1(18)).empty());
}

TEST(pss_seccomp_baseline, still_checks_annotations_at_restricted_before_v1_19) {
  pod_template pod = restricted_pod();
  pod.metadata.annotations = {{"seccomp.security.alpha.kubernetes.io/pod", "unconfined"}};
  EXPECT_EQ(only(pod, rule_id::pss_seccomp_baseline, restricted, v1(18)).rule,
            rule_id::pss_seccomp_baseline);
  EXPECT_TRUE(evaluate(pod, restricted, v1(19)).empty());
}

TEST(pss_sysctls, allows_the_v1_0_safe_set) {
  pod_template pod = restricted_pod();
  for (const char* name :
       {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"}) {
    pod_sc(pod).sysctls.push_back({name, "1"});
  }
  EXPECT_TRUE(evaluate(pod, restricted, v1(0)).empty());
}

TEST(pss_sysctls, flags_unsafe_sysctls_in_one_violation) {
  pod_template pod = restricted_pod();
  pod_sc(pod).sysctls = {
      {"kernel.msgmax", "65536"}, {"net.ipv4.tcp_syncookies", "1"}, {"net.core.somaxconn", "1024"}};
  violation v = only(pod, rule_id::pss_sysctls, baseline);
  EXPECT_EQ(v.message, "pod sets forbidden sysctls kernel.msgmax, net.core.somaxconn");
  EXPECT_EQ(evidence(v, "field"), "spec.securityContext.sysctls");
  EXPECT_EQ(evidence(v, "value"), "kernel.msgmax,net.core.somaxconn");
}

TEST(pss_sysctls, widens_the_safe_set_at_each_version) {
  struct added {
    const char* name;
    int since;
  };
  for (added a : {added{"net.ipv4.ip_local_reserved_ports", 27},
                  {"net.ipv4.tcp_keepalive_time", 29},
                  {"net.ipv4.tcp_fin_timeout", 29},
                  {"net.ipv4.tcp_keepalive_intvl", 29},
                  {"net.ipv4.tcp_keepalive_probes", 29},
                  {"net.ipv4.tcp_rmem", 32},
                  {"net.ipv4.tcp_wmem", 32},
                  {"net.ipv4.tcp_slow_start_after_idle", 37},
                  {"net.ipv4.tcp_notsent_lowat", 37}}) {
    SCOPED_TRACE(a.name);
    pod_template pod = restricted_pod();
    pod_sc(pod).sysctls = {{a.name, "1"}};
    EXPECT_TRUE(fires(pod, rule_id::pss_sysctls, baseline, v1(a.since - 1)));
    EXPECT_FALSE(fires(pod, rule_id::pss_sysctls, baseline, v1(a.since)));
    EXPECT_FALSE(fires(pod, rule_id::pss_sysctls, restricted));
  }
}

}  // namespace
}  // namespace launchguard
