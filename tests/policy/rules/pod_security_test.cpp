// Levels, versions and the override mechanics of the Pod Security Standards checks; the
// checks themselves are in pod_security_baseline_test.cpp and pod_security_restricted_test.cpp.

#include "policy/rules/pod_security.hpp"

#include <iterator>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "tests/policy/rules/pod_security_fixture.hpp"

namespace launchguard {
namespace {

using namespace pss_test;

// A pod that breaks every baseline and restricted check it can at once.
pod_template hostile_pod() {
  pod_template pod =
      plain_pod({make_container("app"), make_container("init", container_kind::init)});
  pod.spec.host_pid = true;
  pod.spec.host_users = true;
  pod_security_context& psc = pod_sc(pod);
  psc.run_as_user = 0;
  psc.windows_host_process = true;
  psc.sysctls.push_back({"kernel.msgmax", "65536"});
  psc.se_linux = se_linux_options{"", "", "spc_t", ""};
  psc.seccomp_profile = security_profile{"Unconfined", ""};
  psc.app_armor_profile = security_profile{"Unconfined", ""};
  container_security_context& c = sc(pod);
  c.privileged = true;
  c.caps = capabilities{{"SYS_ADMIN"}, {}};
  c.proc_mount = "Unmasked";
  pod.spec.containers[0].ports.push_back({"http", 80, 80, "", "TCP"});
  pod.spec.containers[0].handler_hosts.push_back({"livenessProbe.httpGet.host", "10.0.0.1"});
  pod.spec.volumes.push_back({"root", "hostPath", "/", ""});
  return pod;
}

TEST(pss_level, round_trips_through_its_name) {
  for (pss_level level : {pss_level::privileged, pss_level::baseline, pss_level::restricted}) {
    EXPECT_EQ(pss_level_from(to_string(level)), level);
  }
  EXPECT_EQ(to_string(pss_level::baseline), "baseline");
}

TEST(pss_level, rejects_other_spellings) {
  EXPECT_FALSE(pss_level_from("Baseline"));
  EXPECT_FALSE(pss_level_from(""));
  EXPECT_FALSE(pss_level_from("restricted "));
}

TEST(pss_version, parses_latest_and_v1_minor) {
  EXPECT_TRUE(pss_version_from("latest")->latest());
  EXPECT_EQ(pss_version_from("v1.0"), v1(0));
  EXPECT_EQ(pss_version_from("v1.25"), v1(25));
  EXPECT_EQ(pss_version_from("v1.137"), v1(137));
}

TEST(pss_version, rejects_what_upstream_rejects) {
  for (const char* text : {"", "1.25", "v1.", "v1.x", "v1.025", "v1.00", "v2.1", "V1.25", "v1.-1",
                           "v1.25.0", "Latest", "v1.99999999999"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(pss_version_from(text));
  }
}

TEST(pss_version, latest_includes_every_version) {
  EXPECT_TRUE(pss_version{}.at_least(1000));
  EXPECT_TRUE(v1(25).at_least(25));
  EXPECT_FALSE(v1(24).at_least(25));
}

TEST(check_pod_security, privileged_level_checks_nothing) {
  EXPECT_TRUE(evaluate(hostile_pod(), pss_level::privileged).empty());
  EXPECT_TRUE(evaluate(hostile_pod(), pss_level::privileged, v1(0)).empty());
}

TEST(check_pod_security, restricted_pod_passes_every_level_and_version) {
  pod_template pod =
      restricted_pod({make_container("app"), make_container("init", container_kind::init),
                      make_container("debug", container_kind::ephemeral)});
  for (int minor = 0; minor <= 40; ++minor) {
    SCOPED_TRACE(minor);
    EXPECT_TRUE(evaluate(pod, pss_level::restricted, v1(minor)).empty());
    EXPECT_TRUE(evaluate(pod, pss_level::baseline, v1(minor)).empty());
  }
  EXPECT_TRUE(evaluate(pod, pss_level::restricted).empty());
}

TEST(check_pod_security, plain_pod_passes_baseline_but_not_restricted) {
  EXPECT_TRUE(evaluate(plain_pod(), pss_level::baseline).empty());
  EXPECT_EQ(rules_of(evaluate(plain_pod(), pss_level::restricted)),
            (std::vector<rule_id>{rule_id::pss_allow_privilege_escalation,
                                  rule_id::pss_run_as_non_root, rule_id::pss_seccomp_restricted,
                                  rule_id::pss_capabilities_restricted}));
}

TEST(check_pod_security, baseline_reports_each_failing_check_once_in_catalog_order) {
  EXPECT_EQ(rules_of(evaluate(hostile_pod(), pss_level::baseline)),
            (std::vector<rule_id>{rule_id::pss_host_process, rule_id::pss_host_namespaces,
                                  rule_id::pss_privileged, rule_id::pss_capabilities_baseline,
                                  rule_id::pss_host_path_volumes, rule_id::pss_host_ports,
                                  rule_id::pss_host_probes, rule_id::pss_apparmor,
                                  rule_id::pss_selinux, rule_id::pss_proc_mount,
                                  rule_id::pss_seccomp_baseline, rule_id::pss_sysctls}));
}

TEST(check_pod_security, restricted_replaces_overridden_baseline_checks) {
  EXPECT_EQ(rules_of(evaluate(hostile_pod(), pss_level::restricted)),
            (std::vector<rule_id>{
                rule_id::pss_host_process, rule_id::pss_host_namespaces, rule_id::pss_privileged,
                rule_id::pss_host_ports, rule_id::pss_host_probes, rule_id::pss_apparmor,
                rule_id::pss_selinux, rule_id::pss_sysctls, rule_id::pss_restricted_volumes,
                rule_id::pss_allow_privilege_escalation, rule_id::pss_run_as_non_root,
                rule_id::pss_run_as_user, rule_id::pss_seccomp_restricted,
                rule_id::pss_capabilities_restricted, rule_id::pss_proc_mount_restricted}));
}

// Upstream declares each override on the restricted check's own versions, so an override
// begins when its restricted check does and the baseline check runs at restricted before it.
TEST(check_pod_security, restricted_runs_baseline_checks_before_their_override_exists) {
  EXPECT_EQ(rules_of(evaluate(hostile_pod(), pss_level::restricted, v1(18))),
            (std::vector<rule_id>{
                rule_id::pss_host_process, rule_id::pss_host_namespaces, rule_id::pss_privileged,
                rule_id::pss_capabilities_baseline, rule_id::pss_host_ports, rule_id::pss_apparmor,
                rule_id::pss_selinux, rule_id::pss_proc_mount, rule_id::pss_sysctls,
                rule_id::pss_restricted_volumes, rule_id::pss_allow_privilege_escalation,
                rule_id::pss_run_as_non_root}));
}

TEST(check_pod_security, checks_not_yet_introduced_do_not_run) {
  // v1.0: no allowPrivilegeEscalation (v1.8), runAsUser (v1.23), seccompProfile_restricted
  // (v1.19), capabilities_restricted (v1.22), hostProbes (v1.34) or procMount_restricted (v1.35).
  violations found = evaluate(hostile_pod(), pss_level::restricted, v1(0));
  for (rule_id id : {rule_id::pss_allow_privilege_escalation, rule_id::pss_run_as_user,
                     rule_id::pss_seccomp_restricted, rule_id::pss_capabilities_restricted,
                     rule_id::pss_host_probes, rule_id::pss_proc_mount_restricted}) {
    EXPECT_EQ(find_rule(found, id), nullptr) << to_string(id);
  }
  EXPECT_NE(find_rule(found, rule_id::pss_run_as_non_root), nullptr);
}

// For each check, a change to restricted_pod() that fails that check alone at its own level.
struct breaker {
  rule_id rule;
  pss_level level;
  std::optional<rule_id> replaced_at_restricted;  // by the restricted check overriding it
  void (*apply)(pod_template&);
};

void unmask_in_user_namespace(pod_template& p) {
  sc(p).proc_mount = "Unmasked";
  p.spec.host_users = false;
}

constexpr auto base = pss_level::baseline;
constexpr auto strict = pss_level::restricted;
constexpr std::optional<rule_id> kept;

const breaker breakers[] = {
    {rule_id::pss_host_process, base, kept,
     [](pod_template& p) { sc(p).windows_host_process = true; }},
    {rule_id::pss_host_namespaces, base, kept, [](pod_template& p) { p.spec.host_network = true; }},
    {rule_id::pss_privileged, base, kept, [](pod_template& p) { sc(p).privileged = true; }},
    {rule_id::pss_capabilities_baseline, base, rule_id::pss_capabilities_restricted,
     [](pod_template& p) { sc(p).caps->add = {"NET_RAW"}; }},
    {rule_id::pss_host_path_volumes, base, rule_id::pss_restricted_volumes,
     [](pod_template& p) {
       p.spec.volumes = {{"v", "hostPath", "/", ""}};
     }},
    {rule_id::pss_host_ports, base, kept,
     [](pod_template& p) {
       p.spec.containers[0].ports = {{"", 80, 80, "", ""}};
     }},
    {rule_id::pss_host_probes, base, kept,
     [](pod_template& p) {
       p.spec.containers[0].handler_hosts = {{"startupProbe.httpGet.host", "h"}};
     }},
    {rule_id::pss_apparmor, base, kept,
     [](pod_template& p) {
       sc(p).app_armor_profile = security_profile{"Unconfined", ""};
     }},
    {rule_id::pss_selinux, base, kept,
     [](pod_template& p) {
       sc(p).se_linux = se_linux_options{"", "", "spc_t", ""};
     }},
    {rule_id::pss_proc_mount, base, rule_id::pss_proc_mount_restricted,
     [](pod_template& p) { sc(p).proc_mount = "Unmasked"; }},
    {rule_id::pss_seccomp_baseline, base, rule_id::pss_seccomp_restricted,
     [](pod_template& p) {
       sc(p).seccomp_profile = security_profile{"Unconfined", ""};
     }},
    {rule_id::pss_sysctls, base, kept,
     [](pod_template& p) {
       pod_sc(p).sysctls = {{"kernel.msgmax", "1"}};
     }},
    {rule_id::pss_restricted_volumes, strict, kept,
     [](pod_template& p) {
       p.spec.volumes = {{"v", "nfs", "", ""}};
     }},
    {rule_id::pss_allow_privilege_escalation, strict, kept,
     [](pod_template& p) { sc(p).allow_privilege_escalation = true; }},
    {rule_id::pss_run_as_non_root, strict, kept,
     [](pod_template& p) { pod_sc(p).run_as_non_root = false; }},
    {rule_id::pss_run_as_user, strict, kept, [](pod_template& p) { sc(p).run_as_user = 0; }},
    {rule_id::pss_seccomp_restricted, strict, kept,
     [](pod_template& p) { pod_sc(p).seccomp_profile.reset(); }},
    {rule_id::pss_capabilities_restricted, strict, kept,
     [](pod_template& p) { sc(p).caps->drop.clear(); }},
    {rule_id::pss_proc_mount_restricted, strict, kept, unmask_in_user_namespace},
};

TEST(check_pod_security, runs_each_check_from_its_own_level) {
  ASSERT_EQ(std::size(breakers), 19u);
  for (const breaker& b : breakers) {
    SCOPED_TRACE(to_string(b.rule));
    pod_template pod = restricted_pod();
    b.apply(pod);
    EXPECT_TRUE(evaluate(pod, pss_level::privileged).empty());
    if (b.level == pss_level::baseline) {
      EXPECT_EQ(rules_of(evaluate(pod, pss_level::baseline)), std::vector<rule_id>{b.rule});
    } else {
      EXPECT_TRUE(evaluate(pod, pss_level::baseline).empty());
    }
    EXPECT_EQ(rules_of(evaluate(pod, pss_level::restricted)),
              std::vector<rule_id>{b.replaced_at_restricted.value_or(b.rule)});
  }
}

TEST(check_pod_security, appends_to_existing_violations) {
  violations found{{rule_id::image_denied, "denied", {}}};
  check_pod_security(hostile_pod(), pss_level::baseline, pss_version{}, found);
  ASSERT_GT(found.size(), 1u);
  EXPECT_EQ(found[0].rule, rule_id::image_denied);
}

TEST(check_pod_security, every_violation_carries_evidence) {
  for (const violation& v : evaluate(hostile_pod(), pss_level::restricted)) {
    SCOPED_TRACE(to_string(v.rule));
    EXPECT_FALSE(v.message.empty());
    EXPECT_FALSE(v.evidence.empty());
  }
}

}  // namespace
}  // namespace launchguard
