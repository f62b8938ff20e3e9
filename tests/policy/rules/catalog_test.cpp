#include "policy/rules/catalog.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

TEST(catalog, has_one_entry_per_rule_in_rule_id_order) {
  auto catalog = rule_catalog();
  ASSERT_EQ(catalog.size(), rule_count);
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    EXPECT_EQ(index_of(catalog[i].id), i) << "entry " << i << " is " << to_string(catalog[i].id);
  }
}

TEST(catalog, rule_of_returns_the_entry_of_that_id) {
  for (const rule_info& info : rule_catalog()) {
    EXPECT_EQ(&rule_of(info.id), &info) << to_string(info.id);
  }
}

TEST(catalog, every_entry_documents_its_detection_strategy) {
  for (const rule_info& info : rule_catalog()) {
    SCOPED_TRACE(std::string(to_string(info.id)));
    EXPECT_FALSE(info.title.empty());
    EXPECT_FALSE(info.goal.empty());
    EXPECT_FALSE(info.false_positives.empty());
    EXPECT_FALSE(info.blind_spots.empty());
    EXPECT_FALSE(info.response.investigate.empty());
    EXPECT_FALSE(info.response.contain.empty());
    EXPECT_FALSE(info.response.analyse.empty());
    EXPECT_FALSE(info.response.remediate.empty());
    EXPECT_FALSE(info.response.report.empty());
    EXPECT_FALSE(info.tactics.empty());
    EXPECT_FALSE(info.techniques.empty());
    EXPECT_NE(info.sources, 0);
  }
}

TEST(catalog, texts_are_single_lines) {
  for (const rule_info& info : rule_catalog()) {
    for (std::string_view text :
         {info.title, info.goal, info.false_positives, info.blind_spots, info.response.investigate,
          info.response.contain, info.response.analyse, info.response.remediate,
          info.response.report}) {
      EXPECT_EQ(text.find('\n'), std::string_view::npos) << to_string(info.id) << ": " << text;
    }
  }
}

// "T" and four digits, optionally "." and three more (a sub-technique). Checked by hand: GCC
// 12's std::regex trips -Wmaybe-uninitialized in the sanitizer build.
bool is_attack_id(std::string_view id) {
  auto digits = [](std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (id.size() != 5 && id.size() != 9) return false;
  if (id[0] != 'T' || !digits(id.substr(1, 4))) return false;
  return id.size() == 5 || (id[5] == '.' && digits(id.substr(6)));
}

TEST(catalog, techniques_are_attack_ids) {
  EXPECT_TRUE(is_attack_id("T1610"));
  EXPECT_TRUE(is_attack_id("T1562.001"));
  for (const char* wrong : {"T161", "T1562.01", "1610", "T1562-001", "T1610x"})
    EXPECT_FALSE(is_attack_id(wrong)) << wrong;
  for (const rule_info& info : rule_catalog()) {
    for (std::string_view technique : info.techniques)
      EXPECT_TRUE(is_attack_id(technique)) << to_string(info.id) << ": " << technique;
  }
}

struct contract_row {
  rule_id id;
  action default_action;
  severity default_severity;
};

// Section 6 of the product contract: every non-PSS rule, and PSS rules of both levels
// including the three critical baseline ones.
constexpr contract_row contract_table[] = {
    {rule_id::image_registry_not_allowed, action::enforce, severity::high},
    {rule_id::image_denied, action::enforce, severity::critical},
    {rule_id::image_not_pinned, action::warn, severity::low},
    {rule_id::image_mutable_tag, action::warn, severity::low},
    {rule_id::image_first_seen, action::audit, severity::medium},
    {rule_id::image_tag_drift, action::audit, severity::high},
    {rule_id::pss_host_process, action::enforce, severity::high},
    {rule_id::pss_host_namespaces, action::enforce, severity::critical},
    {rule_id::pss_privileged, action::enforce, severity::critical},
    {rule_id::pss_capabilities_baseline, action::enforce, severity::high},
    {rule_id::pss_host_path_volumes, action::enforce, severity::critical},
    {rule_id::pss_sysctls, action::enforce, severity::high},
    {rule_id::pss_restricted_volumes, action::enforce, severity::medium},
    {rule_id::pss_run_as_non_root, action::enforce, severity::medium},
    {rule_id::pss_proc_mount_restricted, action::enforce, severity::medium},
    {rule_id::runtime_socket_mount, action::enforce, severity::critical},
    {rule_id::sensitive_host_mount, action::enforce, severity::high},
    {rule_id::scheduler_bypass, action::audit, severity::medium},
    {rule_id::control_plane_toleration, action::audit, severity::medium},
    {rule_id::monitoring_opt_out, action::audit, severity::medium},
    {rule_id::ephemeral_container, action::audit, severity::low},
    {rule_id::pod_exec, action::audit, severity::low},
    {rule_id::pod_port_forward, action::audit, severity::low},
    {rule_id::webhook_config_tampering, action::audit, severity::critical},
    {rule_id::webhook_failed_open, action::audit, severity::high},
    {rule_id::webhook_internal_error, action::audit, severity::high},
    {rule_id::admission_bypass, action::audit, severity::critical},
    {rule_id::launchguard_config_tampering, action::audit, severity::critical},
    {rule_id::security_workload_tampering, action::enforce, severity::critical},
    {rule_id::audit_evidence_deleted, action::audit, severity::high},
    {rule_id::network_policy_removed, action::audit, severity::medium},
    {rule_id::service_exposure, action::audit, severity::low},
    {rule_id::system_namespace_launch, action::audit, severity::high},
    {rule_id::static_pod_launch, action::audit, severity::medium},
    {rule_id::anonymous_request, action::audit, severity::high},
    {rule_id::rbac_cluster_admin_binding, action::audit, severity::high},
    {rule_id::rbac_exec_role, action::audit, severity::medium},
    {rule_id::secrets_enumeration, action::audit, severity::high},
    {rule_id::launch_rate_principal, action::audit, severity::medium},
    {rule_id::launch_rate_namespace, action::audit, severity::medium},
    {rule_id::launch_rate_spike, action::audit, severity::high},
    {rule_id::resource_request_spike, action::audit, severity::high},
    {rule_id::direct_pod_launch, action::audit, severity::medium},
    {rule_id::untrusted_deployer, action::audit, severity::high},
    {rule_id::state_backend_degraded, action::audit, severity::high},
};

TEST(catalog, defaults_match_the_contract_table) {
  for (const contract_row& row : contract_table) {
    const rule_info& info = rule_of(row.id);
    EXPECT_EQ(info.default_action, row.default_action)
        << to_string(row.id) << " action " << to_string(info.default_action);
    EXPECT_EQ(info.default_severity, row.default_severity)
        << to_string(row.id) << " severity " << to_string(info.default_severity);
  }
}

TEST(catalog, pss_rules_enforce_at_their_level) {
  for (const rule_info& info : rule_catalog()) {
    std::string_view name = to_string(info.id);
    if (!name.starts_with("pss-")) {
      EXPECT_EQ(info.level, pss_level::privileged) << name;
      continue;
    }
    EXPECT_EQ(info.default_action, action::enforce) << name;
    if (info.id >= rule_id::pss_restricted_volumes) {
      EXPECT_EQ(info.level, pss_level::restricted) << name;
      EXPECT_EQ(info.default_severity, severity::medium) << name;
    } else {
      EXPECT_EQ(info.level, pss_level::baseline) << name;
      EXPECT_GE(info.default_severity, severity::high) << name;
    }
  }
}

TEST(catalog, exactly_three_watch_rules) {
  std::size_t watched = 0;
  for (const rule_info& info : rule_catalog()) {
    if (info.watch) ++watched;
  }
  EXPECT_EQ(watched, 3u);
  EXPECT_TRUE(rule_of(rule_id::system_namespace_launch).watch);
  EXPECT_TRUE(rule_of(rule_id::security_workload_tampering).watch);
  EXPECT_TRUE(rule_of(rule_id::runtime_socket_mount).watch);
}

TEST(catalog, sources_match_the_vantage_points) {
  for (rule_id id :
       {rule_id::webhook_config_tampering, rule_id::webhook_failed_open, rule_id::admission_bypass,
        rule_id::audit_evidence_deleted, rule_id::network_policy_removed,
        rule_id::anonymous_request, rule_id::rbac_cluster_admin_binding, rule_id::rbac_exec_role,
        rule_id::secrets_enumeration, rule_id::launchguard_config_tampering}) {
    EXPECT_EQ(rule_of(id).sources, from_audit) << to_string(id);
  }
  for (rule_id id : {rule_id::webhook_internal_error, rule_id::pss_privileged,
                     rule_id::image_denied, rule_id::pod_exec, rule_id::static_pod_launch,
                     rule_id::launch_rate_spike, rule_id::state_backend_degraded}) {
    EXPECT_EQ(rule_of(id).sources, from_admission | from_audit) << to_string(id);
  }
}

}  // namespace
}  // namespace launchguard
