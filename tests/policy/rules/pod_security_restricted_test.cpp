// The restricted checks: each field they read at pod and container level (regular, init and
// ephemeral containers), allowed and forbidden values, the versions that introduced or changed
// them, and the Windows and hostUsers: false exemptions.

#include <gtest/gtest.h>

#include "tests/policy/rules/pod_security_fixture.hpp"

namespace launchguard {
namespace {

using namespace pss_test;

constexpr auto baseline = pss_level::baseline;
constexpr auto restricted = pss_level::restricted;

pod_template pod_with_second(container_kind kind) {
  return restricted_pod({make_container("app"), make_container("x", kind)});
}

TEST(pss_restricted_volumes, allows_sources_that_need_no_host_or_network) {
  pod_template pod = restricted_pod();
  for (const char* source : {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                             "persistentVolumeClaim", "projected", "secret"}) {
    pod.spec.volumes.push_back({std::string("v-") + source, source, "", ""});
  }
  EXPECT_TRUE(evaluate(pod, restricted).empty());
  EXPECT_TRUE(evaluate(pod, restricted, v1(0)).empty());  // image too: patched into v1.0
}

TEST(pss_restricted_volumes, flags_other_sources_in_one_violation) {
  pod_template pod = restricted_pod();
  pod.spec.volumes = {{"data", "nfs", "", ""},
                      {"config", "configMap", "", ""},
                      {"root", "hostPath", "/", ""},
                      {"repo", "gitRepo", "", ""}};
  violation v = only(pod, rule_id::pss_restricted_volumes);
  EXPECT_EQ(
      v.message,
      "volumes \"data\", \"root\", \"repo\" use restricted volume types \"nfs\", \"hostPath\", "
      "\"gitRepo\"");
  EXPECT_EQ(evidence(v, "volumes"), "data,root,repo");
  EXPECT_EQ(evidence(v, "field"),
            "spec.volumes[*].nfs,spec.volumes[*].hostPath,spec.volumes[*].gitRepo");
  EXPECT_EQ(evidence(v, "value"), "nfs,hostPath,gitRepo");
}

TEST(pss_restricted_volumes, reports_a_volume_without_source_as_unknown) {
  pod_template pod = restricted_pod();
  pod.spec.volumes = {{"odd", "", "", ""}};
  EXPECT_EQ(only(pod, rule_id::pss_restricted_volumes).message,
            "volume \"odd\" uses restricted volume type \"unknown\"");
}

TEST(pss_restricted_volumes, does_not_run_at_baseline) {
  pod_template pod = restricted_pod();
  pod.spec.volumes = {{"data", "nfs", "", ""}};
  EXPECT_TRUE(evaluate(pod, baseline).empty());
}

TEST(pss_allow_privilege_escalation, requires_false_on_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template unset = pod_with_second(kind);
    sc(unset, 1).allow_privilege_escalation.reset();
    violation v = only(unset, rule_id::pss_allow_privilege_escalation);
    EXPECT_EQ(v.message, "container \"x\" must set securityContext.allowPrivilegeEscalation=false");
    EXPECT_EQ(evidence(v, "field"), "spec." + std::string(to_string(kind)) +
                                        "[*].securityContext.allowPrivilegeEscalation");
    pod_template allowed = pod_with_second(kind);
    sc(allowed, 1).allow_privilege_escalation = true;
    EXPECT_TRUE(fires(allowed, rule_id::pss_allow_privilege_escalation));
  }
}

TEST(pss_allow_privilege_escalation, flags_containers_without_security_context) {
  pod_template pod = restricted_pod();
  pod.spec.containers.push_back(make_container("bare", container_kind::init));
  EXPECT_EQ(evidence(only(pod, rule_id::pss_allow_privilege_escalation, restricted, v1(21)),
                     "containers"),
            "bare");
}

TEST(pss_allow_privilege_escalation, is_introduced_in_v1_8) {
  pod_template pod = plain_pod();
  EXPECT_FALSE(fires(pod, rule_id::pss_allow_privilege_escalation, restricted, v1(7)));
  EXPECT_TRUE(fires(pod, rule_id::pss_allow_privilege_escalation, restricted, v1(8)));
}

TEST(pss_allow_privilege_escalation, exempts_windows_pods_from_v1_25) {
  pod_template pod = restricted_pod();
  sc(pod).allow_privilege_escalation.reset();
  pod.spec.os_name = "windows";
  EXPECT_TRUE(fires(pod, rule_id::pss_allow_privilege_escalation, restricted, v1(24)));
  EXPECT_FALSE(fires(pod, rule_id::pss_allow_privilege_escalation, restricted, v1(25)));
  EXPECT_FALSE(fires(pod, rule_id::pss_allow_privilege_escalation));
  pod.spec.os_name = "linux";
  EXPECT_TRUE(fires(pod, rule_id::pss_allow_privilege_escalation));
}

TEST(pss_run_as_non_root, accepts_pod_level_true_for_unset_containers) {
  pod_template pod =
      restricted_pod({make_container("a"), make_container("b", container_kind::init)});
  EXPECT_FALSE(fires(pod, rule_id::pss_run_as_non_root));
}

TEST(pss_run_as_non_root, accepts_true_on_every_container_without_pod_level) {
  pod_template pod = pod_with_second(container_kind::ephemeral);
  pod_sc(pod).run_as_non_root.reset();
  sc(pod, 0).run_as_non_root = sc(pod, 1).run_as_non_root = true;
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_run_as_non_root, flags_unset_containers_of_every_kind_when_pod_is_unset) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    pod_sc(pod).run_as_non_root.reset();
    sc(pod, 0).run_as_non_root = true;
    violation v = only(pod, rule_id::pss_run_as_non_root);
    EXPECT_EQ(v.message, "pod or container \"x\" must set securityContext.runAsNonRoot=true");
    EXPECT_EQ(evidence(v, "field"), "spec.securityContext.runAsNonRoot,spec." +
                                        std::string(to_string(kind)) +
                                        "[*].securityContext.runAsNonRoot");
  }
}

TEST(pss_run_as_non_root, flags_pod_level_false_even_when_containers_set_true) {
  pod_template pod = restricted_pod();
  pod_sc(pod).run_as_non_root = false;
  sc(pod).run_as_non_root = true;
  EXPECT_EQ(only(pod, rule_id::pss_run_as_non_root).message,
            "pod sets securityContext.runAsNonRoot=false");
}

TEST(pss_run_as_non_root, flags_container_false_despite_pod_level_true) {
  pod_template pod = pod_with_second(container_kind::init);
  sc(pod, 1).run_as_non_root = false;
  EXPECT_EQ(only(pod, rule_id::pss_run_as_non_root).message,
            "container \"x\" sets securityContext.runAsNonRoot=false");
}

TEST(pss_run_as_non_root, names_explicit_and_missing_settings_in_one_violation) {
  pod_template pod =
      restricted_pod({make_container("a"), make_container("b"), make_container("c")});
  pod_sc(pod).run_as_non_root.reset();
  sc(pod, 0).run_as_non_root = false;
  sc(pod, 2).run_as_non_root = true;
  violation v = only(pod, rule_id::pss_run_as_non_root);
  EXPECT_EQ(
      v.message,
      "container \"a\" sets securityContext.runAsNonRoot=false; pod or container \"b\" must set "
      "securityContext.runAsNonRoot=true");
  EXPECT_EQ(evidence(v, "containers"), "a,b");
}

TEST(pss_run_as_non_root, exempts_user_namespace_pods_from_v1_35) {
  pod_template pod = restricted_pod();
  pod_sc(pod).run_as_non_root = false;
  pod.spec.host_users = false;
  EXPECT_TRUE(fires(pod, rule_id::pss_run_as_non_root, restricted, v1(34)));
  EXPECT_FALSE(fires(pod, rule_id::pss_run_as_non_root, restricted, v1(35)));
  EXPECT_FALSE(fires(pod, rule_id::pss_run_as_non_root));
  pod.spec.host_users = true;
  EXPECT_TRUE(fires(pod, rule_id::pss_run_as_non_root));
}

TEST(pss_run_as_non_root, applies_to_windows_pods) {
  pod_template pod = restricted_pod();
  pod.spec.os_name = "windows";
  pod_sc(pod).run_as_non_root.reset();
  EXPECT_TRUE(fires(pod, rule_id::pss_run_as_non_root));
}

TEST(pss_run_as_user, flags_root_on_the_pod) {
  pod_template pod = restricted_pod();
  pod_sc(pod).run_as_user = 0;
  violation v = only(pod, rule_id::pss_run_as_user);
  EXPECT_EQ(v.message, "pod sets securityContext.runAsUser=0");
  EXPECT_EQ(evidence(v, "field"), "spec.securityContext.runAsUser");
}

TEST(pss_run_as_user, flags_root_containers_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    sc(pod, 1).run_as_user = 0;
    EXPECT_EQ(only(pod, rule_id::pss_run_as_user).message,
              "container \"x\" sets securityContext.runAsUser=0");
  }
}

TEST(pss_run_as_user, allows_non_zero_and_unset) {
  pod_template pod = pod_with_second(container_kind::init);
  pod_sc(pod).run_as_user = 1000;
  sc(pod, 0).run_as_user = 65534;
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_run_as_user, is_introduced_in_v1_23_and_not_at_baseline) {
  pod_template pod = restricted_pod();
  sc(pod).run_as_user = 0;
  EXPECT_FALSE(fires(pod, rule_id::pss_run_as_user, restricted, v1(22)));
  EXPECT_TRUE(fires(pod, rule_id::pss_run_as_user, restricted, v1(23)));
  EXPECT_FALSE(fires(pod, rule_id::pss_run_as_user, baseline));
}

TEST(pss_run_as_user, exempts_user_namespace_pods_from_v1_35) {
  pod_template pod = restricted_pod();
  pod_sc(pod).run_as_user = 0;
  pod.spec.host_users = false;
  EXPECT_TRUE(fires(pod, rule_id::pss_run_as_user, restricted, v1(34)));
  EXPECT_FALSE(fires(pod, rule_id::pss_run_as_user, restricted, v1(35)));
  EXPECT_FALSE(fires(pod, rule_id::pss_run_as_user));
}

TEST(pss_seccomp_restricted, requires_a_profile_on_the_pod_or_every_container) {
  pod_template pod = pod_with_second(container_kind::init);
  pod_sc(pod).seccomp_profile.reset();
  violation v = only(pod, rule_id::pss_seccomp_restricted);
  EXPECT_EQ(v.message,
            "pod or containers \"app\", \"x\" must set securityContext.seccompProfile.type to "
            "RuntimeDefault or Localhost");
  EXPECT_EQ(evidence(v, "containers"), "app,x");
}

TEST(pss_seccomp_restricted, accepts_profiles_on_every_container_without_pod_level) {
  pod_template pod = pod_with_second(container_kind::ephemeral);
  pod_sc(pod).seccomp_profile.reset();
  sc(pod, 0).seccomp_profile = security_profile{"Localhost", "profiles/app.json"};
  sc(pod, 1).seccomp_profile = security_profile{"RuntimeDefault", ""};
  EXPECT_TRUE(evaluate(pod, restricted).empty());
}

TEST(pss_seccomp_restricted, flags_an_unset_container_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    pod_sc(pod).seccomp_profile.reset();
    sc(pod, 0).seccomp_profile = security_profile{"RuntimeDefault", ""};
    EXPECT_EQ(evidence(only(pod, rule_id::pss_seccomp_restricted), "containers"), "x");
  }
}

TEST(pss_seccomp_restricted, flags_unconfined_containers_despite_a_pod_profile) {
  pod_template pod = restricted_pod();
  sc(pod).seccomp_profile = security_profile{"Unconfined", ""};
  violation v = only(pod, rule_id::pss_seccomp_restricted);
  EXPECT_EQ(v.message, "container \"app\" sets securityContext.seccompProfile.type \"Unconfined\"");
  EXPECT_EQ(evidence(v, "value"), "Unconfined");
}

TEST(pss_seccomp_restricted, flags_an_unconfined_pod_and_the_containers_it_leaves_bare) {
  pod_template pod = restricted_pod();
  pod_sc(pod).seccomp_profile = security_profile{"Unconfined", ""};
  EXPECT_EQ(only(pod, rule_id::pss_seccomp_restricted).message,
            "pod sets securityContext.seccompProfile.type \"Unconfined\"; pod or container \"app\" "
            "must set securityContext.seccompProfile.type to RuntimeDefault or Localhost");
}

TEST(pss_seccomp_restricted, is_introduced_in_v1_19) {
  pod_template pod = restricted_pod();
  pod_sc(pod).seccomp_profile.reset();
  EXPECT_TRUE(evaluate(pod, restricted, v1(18)).empty());
  EXPECT_TRUE(fires(pod, rule_id::pss_seccomp_restricted, restricted, v1(19)));
  EXPECT_FALSE(fires(pod, rule_id::pss_seccomp_restricted, baseline));
}

TEST(pss_seccomp_restricted, exempts_windows_pods_from_v1_25) {
  pod_template pod = restricted_pod();
  pod_sc(pod).seccomp_profile.reset();
  pod.spec.os_name = "windows";
  EXPECT_TRUE(fires(pod, rule_id::pss_seccomp_restricted, restricted, v1(24)));
  EXPECT_FALSE(fires(pod, rule_id::pss_seccomp_restricted, restricted, v1(25)));
  EXPECT_FALSE(fires(pod, rule_id::pss_seccomp_restricted));
}

TEST(pss_capabilities_restricted, requires_drop_all_on_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    sc(pod, 1).caps->drop = {"NET_RAW"};
    violation v = only(pod, rule_id::pss_capabilities_restricted);
    EXPECT_EQ(v.message, "container \"x\" must set securityContext.capabilities.drop=[\"ALL\"]");
    EXPECT_EQ(evidence(v, "field"),
              "spec." + std::string(to_string(kind)) + "[*].securityContext.capabilities.drop");
  }
}

TEST(pss_capabilities_restricted, flags_containers_without_capabilities) {
  pod_template pod = restricted_pod({make_container("a"), make_container("b")});
  sc(pod, 0).caps.reset();
  pod.spec.containers[1].security_context.reset();
  sc(pod, 1).allow_privilege_escalation = false;
  EXPECT_EQ(only(pod, rule_id::pss_capabilities_restricted).message,
            "containers \"a\", \"b\" must set securityContext.capabilities.drop=[\"ALL\"]");
}

TEST(pss_capabilities_restricted, compares_all_exactly_as_written) {
  pod_template pod = restricted_pod();
  sc(pod).caps->drop = {"all"};
  EXPECT_TRUE(fires(pod, rule_id::pss_capabilities_restricted));
}

TEST(pss_capabilities_restricted, allows_adding_back_only_net_bind_service) {
  pod_template pod = restricted_pod();
  sc(pod).caps->add = {"NET_BIND_SERVICE"};
  EXPECT_TRUE(evaluate(pod, restricted).empty());
  sc(pod).caps->add = {"NET_BIND_SERVICE", "CHOWN"};  // in the baseline default set
  violation v = only(pod, rule_id::pss_capabilities_restricted);
  EXPECT_EQ(v.message, "container \"app\" adds \"CHOWN\" (only NET_BIND_SERVICE may be added)");
  EXPECT_EQ(evidence(v, "value"), "CHOWN");
}

TEST(pss_capabilities_restricted, names_missing_drops_and_bad_adds_in_one_violation) {
  pod_template pod = restricted_pod({make_container("a"), make_container("b")});
  sc(pod, 0).caps->drop.clear();
  sc(pod, 1).caps->add = {"SYS_ADMIN"};
  violation v = only(pod, rule_id::pss_capabilities_restricted);
  EXPECT_EQ(v.message,
            "container \"a\" must set securityContext.capabilities.drop=[\"ALL\"]; container \"b\" "
            "adds \"SYS_ADMIN\" (only NET_BIND_SERVICE may be added)");
  EXPECT_EQ(evidence(v, "containers"), "a,b");
}

TEST(pss_capabilities_restricted, is_introduced_in_v1_22) {
  pod_template pod = restricted_pod();
  sc(pod).caps.reset();
  EXPECT_TRUE(evaluate(pod, restricted, v1(21)).empty());
  EXPECT_TRUE(fires(pod, rule_id::pss_capabilities_restricted, restricted, v1(22)));
}

// Upstream's override of capabilities_baseline is by check id, so a Windows pod that the
// restricted check exempts is not checked against the baseline list either at restricted.
TEST(pss_capabilities_restricted, exempts_windows_pods_from_v1_25_and_still_overrides_baseline) {
  pod_template pod = restricted_pod();
  sc(pod).caps = capabilities{{"SYS_ADMIN"}, {}};
  pod.spec.os_name = "windows";
  EXPECT_TRUE(fires(pod, rule_id::pss_capabilities_restricted, restricted, v1(24)));
  EXPECT_TRUE(evaluate(pod, restricted, v1(25)).empty());
  EXPECT_TRUE(evaluate(pod, restricted).empty());
  EXPECT_TRUE(fires(pod, rule_id::pss_capabilities_baseline, baseline));
}

TEST(pss_proc_mount_restricted, replaces_proc_mount_from_v1_35) {
  pod_template pod = restricted_pod();
  sc(pod).proc_mount = "Unmasked";
  EXPECT_EQ(only(pod, rule_id::pss_proc_mount, restricted, v1(34)).rule, rule_id::pss_proc_mount);
  violation v = only(pod, rule_id::pss_proc_mount_restricted, restricted, v1(35));
  EXPECT_EQ(v.message, "container \"app\" sets securityContext.procMount \"Unmasked\"");
}

TEST(pss_proc_mount_restricted, flags_containers_of_every_kind) {
  for (container_kind kind : all_kinds) {
    SCOPED_TRACE(to_string(kind));
    pod_template pod = pod_with_second(kind);
    sc(pod, 1).proc_mount = "Unmasked";
    EXPECT_EQ(evidence(only(pod, rule_id::pss_proc_mount_restricted), "containers"), "x");
  }
}

TEST(pss_proc_mount_restricted, ignores_user_namespaces) {
  pod_template pod = restricted_pod();
  sc(pod).proc_mount = "Unmasked";
  pod.spec.host_users = false;
  EXPECT_EQ(only(pod, rule_id::pss_proc_mount_restricted).rule, rule_id::pss_proc_mount_restricted);
  EXPECT_TRUE(evaluate(pod, baseline).empty());
}

}  // namespace
}  // namespace launchguard
