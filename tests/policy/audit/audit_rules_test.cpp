// The rules only audit can see, on the details the golden cases do not pin: the
// secrets-enumeration window and its one report per burst (also with events out of order),
// the distinct tracker's bounds, failed attempts, and each rule's edges.
#include "policy/audit/audit_rules.hpp"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policy/config/policy_loader.hpp"
#include "policy/model/time_text.hpp"

namespace launchguard {

// Readable rule ids in assertion failures (static: other test files define their own).
static void PrintTo(rule_id id, std::ostream* os) {
  *os << to_string(id);
}

namespace {

std::shared_ptr<const policy> load(const std::string& text) {
  auto loaded = load_policy("apiVersion: launchguard/v1\nkind: Policy\n" + text, "policy.yaml");
  if (!loaded.ok()) ADD_FAILURE() << loaded.errors.front().to_string();
  return loaded.value;
}

std::int64_t at(const char* hms) {
  return parse_rfc3339_ms(std::string("2025-06-02T") + hms + "Z").value();
}

const user_info alice{"alice@example.com", "", {"system:authenticated"}};
const user_info bob{"bob@example.com", "", {"system:authenticated"}};

audit_event event(std::string verb, std::string resource, std::string ns = "",
                  std::string name = "", std::string group = "") {
  audit_event e;
  e.api_version = "audit.k8s.io/v1";
  e.audit_id = "a1";
  e.stage = "ResponseComplete";
  e.verb = std::move(verb);
  e.user = alice;
  e.object.resource = std::move(resource);
  e.object.namespace_name = std::move(ns);
  e.object.name = std::move(name);
  e.object.api_group = std::move(group);
  e.object.api_version = "v1";
  e.request_uri = "/api/v1/" + e.object.resource;
  e.response_code = 200;
  e.stage_ms = at("10:00:00");
  return e;
}

struct audit_rules_test : ::testing::Test {
  std::shared_ptr<const policy> rules = load("");
  audit_memory memory{1000};
  self_identity self;

  violations check(const audit_event& e) {
    violations out;
    check_audit_only(e, *rules, self, memory, out);
    return out;
  }
  std::vector<rule_id> fired(const audit_event& e) {
    std::vector<rule_id> ids;
    for (const auto& v : check(e))
      ids.push_back(v.rule);
    return ids;
  }
};

std::string evidence(const violation& v, const std::string& key) {
  auto found = find_value(v.evidence, key);
  return found ? std::string(*found) : "(absent)";
}

// --- secrets-enumeration: distinct gets within audit.secretsEnumeration.window ------------------

struct secrets_enumeration : audit_rules_test {
  secrets_enumeration() {
    rules = load("audit:\n  secretsEnumeration: {distinct: 3, window: 1m}\n");
  }

  violations get(const user_info& who, const std::string& ns, const std::string& name,
                 std::int64_t when) {
    audit_event e = event("get", "secrets", ns, name);
    e.user = who;
    e.stage_ms = when;
    return check(e);
  }
  violations get(const std::string& name, const char* hms) {
    return get(alice, "payments", name, at(hms));
  }
};

TEST_F(secrets_enumeration, reports_the_get_that_reaches_the_threshold) {
  EXPECT_TRUE(get("a", "10:00:00").empty());
  EXPECT_TRUE(get("b", "10:00:10").empty());
  auto third = get("c", "10:00:20");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].rule, rule_id::secrets_enumeration);
  EXPECT_EQ(evidence(third[0], "distinct"), "3");
  EXPECT_EQ(evidence(third[0], "scope"), "names");
  EXPECT_EQ(third[0].message, "alice@example.com read 3 distinct secrets within 1m");
}

TEST_F(secrets_enumeration, counts_a_secret_read_twice_once) {
  get("a", "10:00:00");
  get("b", "10:00:01");
  EXPECT_TRUE(get("a", "10:00:02").empty());
  EXPECT_TRUE(get("b", "10:00:03").empty());
  EXPECT_EQ(get("c", "10:00:04").size(), 1u);
}

TEST_F(secrets_enumeration, counts_the_same_name_in_two_namespaces_twice) {
  get(alice, "payments", "db", at("10:00:00"));
  get(alice, "billing", "db", at("10:00:01"));
  EXPECT_EQ(get(alice, "shop", "db", at("10:00:02")).size(), 1u);
}

TEST_F(secrets_enumeration, reports_once_per_burst_not_once_per_get) {
  get("a", "10:00:00");
  get("b", "10:00:10");
  ASSERT_EQ(get("c", "10:00:20").size(), 1u);
  EXPECT_TRUE(get("d", "10:00:30").empty());
  EXPECT_TRUE(get("e", "10:01:00").empty());
  EXPECT_TRUE(get("f", "10:01:19").empty());
}

TEST_F(secrets_enumeration, reports_again_once_a_window_has_passed_since_the_report) {
  get("a", "10:00:00");
  get("b", "10:00:10");
  ASSERT_EQ(get("c", "10:00:20").size(), 1u);
  get("d", "10:00:50");
  get("e", "10:01:00");
  auto next = get("f", "10:01:20");  // one window after the report
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(evidence(next[0], "distinct"), "4");  // c, d, e and f
}

TEST_F(secrets_enumeration, counts_gets_exactly_one_window_apart_together) {
  get("a", "10:00:00");
  get("b", "10:00:30");
  EXPECT_EQ(get("c", "10:01:00").size(), 1u);
}

TEST_F(secrets_enumeration, forgets_gets_older_than_the_window) {
  get(alice, "payments", "a", at("10:00:00"));
  get(alice, "payments", "b", at("10:00:30"));
  EXPECT_TRUE(get(alice, "payments", "c", at("10:01:00") + 1).empty());
}

TEST_F(secrets_enumeration, never_reports_slow_reads) {
  for (int minute = 0; minute < 30; ++minute) {
    EXPECT_TRUE(
        get(alice, "payments", "s" + std::to_string(minute), at("10:00:00") + minute * 61'000)
            .empty())
        << minute;
  }
}

TEST_F(secrets_enumeration, counts_each_principal_apart) {
  get(alice, "payments", "a", at("10:00:00"));
  get(alice, "payments", "b", at("10:00:01"));
  get(bob, "payments", "c", at("10:00:02"));
  EXPECT_TRUE(get(bob, "payments", "d", at("10:00:03")).empty());
}

TEST_F(secrets_enumeration, does_not_join_a_late_get_to_a_burst_hours_later) {
  get("a", "10:00:00");
  get("b", "10:00:01");
  EXPECT_TRUE(get("c", "06:30:00").empty()) << "a get from 06:30 counted with gets at 10:00";
  EXPECT_EQ(get("d", "10:00:02").size(), 1u);
}

TEST_F(secrets_enumeration, counts_a_get_that_arrives_after_later_ones_of_its_burst) {
  get("a", "10:00:00");
  get("c", "10:00:40");
  EXPECT_EQ(get("b", "10:00:20").size(), 1u);  // a, b and c lie within one minute
}

TEST_F(secrets_enumeration, does_not_span_two_windows_around_a_late_get) {
  get("a", "10:00:00");
  get("c", "10:01:40");
  EXPECT_TRUE(get("b", "10:00:50").empty());  // a..c is 100 s: no one minute holds all three
}

TEST_F(secrets_enumeration, reports_a_late_burst_of_its_own_and_not_the_current_one_again) {
  get("a", "10:00:00");
  get("b", "10:00:01");
  ASSERT_EQ(get("c", "10:00:02").size(), 1u);
  get("x", "06:30:00");
  get("y", "06:30:01");
  EXPECT_EQ(get("z", "06:30:02").size(), 1u) << "a burst hours before is another burst";
  EXPECT_TRUE(get("d", "10:00:03").empty()) << "the 10:00 burst was reported already";
}

TEST_F(secrets_enumeration, counts_failed_gets_as_attempts) {
  audit_event refused = event("get", "secrets", "payments", "a");
  refused.response_code = 403;
  refused.response_reason = "Forbidden";
  check(refused);
  get("b", "10:00:01");
  EXPECT_EQ(get("c", "10:00:02").size(), 1u);
}

TEST_F(secrets_enumeration, leaves_the_control_plane_alone) {
  user_info controller{"system:serviceaccount:kube-system:attachdetach-controller", "", {}};
  user_info manager{"system:kube-controller-manager", "", {}};
  for (const auto& who : {controller, manager}) {
    get(who, "payments", "a", at("10:00:00"));
    get(who, "payments", "b", at("10:00:01"));
    EXPECT_TRUE(get(who, "payments", "c", at("10:00:02")).empty()) << who.username;
  }
}

TEST_F(secrets_enumeration, does_not_let_a_person_hide_behind_a_control_plane_identity) {
  audit_event e = event("list", "secrets");
  e.impersonated_user = user_info{"system:kube-controller-manager", "", {}};
  auto found = check(e);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].message,
            "secrets listed across all namespaces by system:kube-controller-manager");
}

TEST_F(secrets_enumeration, reports_every_cluster_wide_list_or_watch_but_no_namespaced_one) {
  EXPECT_EQ(fired(event("list", "secrets")), std::vector{rule_id::secrets_enumeration});
  EXPECT_EQ(fired(event("watch", "secrets")), std::vector{rule_id::secrets_enumeration});
  EXPECT_TRUE(fired(event("list", "secrets", "payments")).empty());
  EXPECT_TRUE(fired(event("watch", "secrets", "payments")).empty());
}

TEST_F(secrets_enumeration, ignores_secrets_of_other_api_groups) {
  EXPECT_TRUE(fired(event("list", "secrets", "", "", "external-secrets.io")).empty());
  for (const char* name : {"a", "b", "c"}) {
    EXPECT_TRUE(fired(event("get", "secrets", "payments", name, "external-secrets.io")).empty());
  }
}

// --- distinct_tracker
// -----------------------------------------------------------------------------

TEST(distinct_tracker, counts_distinct_values_per_key_within_the_window) {
  distinct_tracker t(10);
  EXPECT_EQ(t.add("alice", "a", 1000, 60'000), 1u);
  EXPECT_EQ(t.add("alice", "a", 2000, 60'000), 1u);
  EXPECT_EQ(t.add("alice", "b", 3000, 60'000), 2u);
  EXPECT_EQ(t.add("bob", "a", 3000, 60'000), 1u);
  EXPECT_EQ(t.add("alice", "c", 62'500, 60'000), 2u);  // "a" was last seen at 2000
}

TEST(distinct_tracker, evicts_the_least_recently_used_key_at_the_cap) {
  distinct_tracker t(2);
  t.add("a", "1", 0, 60'000);
  t.add("b", "1", 0, 60'000);
  t.add("a", "2", 1, 60'000);  // a is now more recent than b
  t.add("c", "1", 2, 60'000);  // evicts b
  EXPECT_EQ(t.keys(), 2u);
  EXPECT_EQ(t.add("a", "3", 3, 60'000), 3u) << "a was evicted instead of b";
  EXPECT_EQ(t.add("b", "2", 4, 60'000), 1u) << "b kept its values past eviction";
  EXPECT_EQ(t.keys(), 2u);
  EXPECT_EQ(t.add("a", "4", 5, 60'000), 4u) << "b's return evicted a, not c";
}

TEST(distinct_tracker, a_report_counts_as_use_for_eviction) {
  distinct_tracker t(2);
  t.add("a", "1", 0, 60'000);
  t.add("b", "1", 0, 60'000);
  EXPECT_TRUE(t.report_once("a", 1, 60'000));
  t.add("c", "1", 2, 60'000);  // evicts b, the least recently used
  EXPECT_EQ(t.add("a", "2", 3, 60'000), 2u);
  EXPECT_FALSE(t.report_once("a", 4, 60'000));
}

TEST(distinct_tracker, forgets_reports_with_the_evicted_key) {
  distinct_tracker t(1);
  EXPECT_TRUE(t.report_once("a", 0, 60'000));
  t.add("b", "1", 1, 60'000);
  EXPECT_TRUE(t.report_once("a", 2, 60'000));
}

TEST(distinct_tracker, bounds_the_values_of_one_key) {
  distinct_tracker t(10);
  std::size_t last = 0;
  for (int i = 0; i < 5000; ++i)
    last = t.add("alice", "secret-" + std::to_string(i), 1000, 60'000);
  EXPECT_EQ(last, 4096u);
}

// --- failed attempts
// ------------------------------------------------------------------------------

TEST(attempt_matters, holds_for_the_rules_where_trying_is_the_signal) {
  std::vector<rule_id> yes{rule_id::webhook_config_tampering,
                           rule_id::audit_evidence_deleted,
                           rule_id::network_policy_removed,
                           rule_id::rbac_cluster_admin_binding,
                           rule_id::rbac_exec_role,
                           rule_id::secrets_enumeration,
                           rule_id::launchguard_config_tampering,
                           rule_id::security_workload_tampering,
                           rule_id::pod_exec,
                           rule_id::pod_port_forward};
  for (std::size_t i = 0; i < rule_count; ++i) {
    rule_id id = static_cast<rule_id>(i);
    bool expected = std::find(yes.begin(), yes.end(), id) != yes.end();
    EXPECT_EQ(attempt_matters(id), expected) << to_string(id);
  }
}

TEST(failure_note, names_the_code_and_reason_of_a_failed_request_only) {
  audit_event e = event("delete", "events", "payments", "x");
  EXPECT_EQ(failure_note(e), "");
  e.response_code = 0;  // absent: the request was not answered with an error
  EXPECT_EQ(failure_note(e), "");
  e.response_code = 101;
  EXPECT_EQ(failure_note(e), "");
  e.response_code = 403;
  e.response_reason = "Forbidden";
  EXPECT_EQ(failure_note(e), " (the request failed: 403 Forbidden)");
  e.response_code = 500;
  e.response_reason = "";
  EXPECT_EQ(failure_note(e), " (the request failed: 500)");
}

TEST_F(audit_rules_test, keeps_failed_attempts_only_where_trying_matters) {
  audit_event e = event("delete", "validatingwebhookconfigurations", "", "launchguard",
                        "admissionregistration.k8s.io");
  e.response_code = 403;
  e.response_reason = "Forbidden";
  e.annotations = {{"failed-open.validating.webhook.admission.k8s.io/round_0_index_0",
                    "validate.launchguard.io"}};
  auto found = check(e);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, rule_id::webhook_config_tampering);
  EXPECT_EQ(found[0].message,
            "validatingwebhookconfigurations launchguard deleted by alice@example.com (the request "
            "failed: 403 Forbidden)");
}

// --- webhook rules
// --------------------------------------------------------------------------------

TEST_F(audit_rules_test, reports_writes_to_every_admission_configuration_resource) {
  for (const char* resource : {"validatingwebhookconfigurations", "mutatingwebhookconfigurations",
                               "validatingadmissionpolicies", "validatingadmissionpolicybindings",
                               "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"}) {
    for (const char* verb : {"create", "update", "patch", "delete", "deletecollection"}) {
      EXPECT_EQ(fired(event(verb, resource, "", "x", "admissionregistration.k8s.io")),
                std::vector{rule_id::webhook_config_tampering})
          << verb << " " << resource;
    }
    for (const char* verb : {"get", "list", "watch"}) {
      EXPECT_TRUE(fired(event(verb, resource, "", "x", "admissionregistration.k8s.io")).empty())
          << verb << " " << resource;
    }
  }
}

TEST_F(audit_rules_test, rates_a_failed_open_webhook_by_provenance_webhook_names) {
  rules = load("provenance:\n  webhookNames: [\"guard.corp.example\"]\n");
  audit_event e = event("create", "pods", "payments", "p");
  e.annotations = {
      {"failed-open.validating.webhook.admission.k8s.io/round_0_index_1", "guard.corp.example"},
      {"failed-open.mutation.webhook.admission.k8s.io/round_0_index_0", "validate.launchguard.io"},
      {"validating.webhook.admission.k8s.io/round_0_index_2", "guard.corp.example"}};
  auto found = check(e);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].rule, rule_id::webhook_failed_open);
  EXPECT_EQ(found[0].level, severity::critical);
  EXPECT_EQ(evidence(found[0], "webhook"), "guard.corp.example");
  EXPECT_EQ(found[1].rule, rule_id::webhook_failed_open);
  EXPECT_EQ(found[1].level, std::nullopt) << "a webhook the policy does not name keeps high";
  EXPECT_EQ(evidence(found[1], "annotation"),
            "failed-open.mutation.webhook.admission.k8s.io/round_0_index_0");
}

// --- evidence and network policies
// ----------------------------------------------------------------

TEST_F(audit_rules_test, reports_deleted_events_of_the_core_and_events_api_only) {
  EXPECT_EQ(fired(event("delete", "events", "payments", "x")),
            std::vector{rule_id::audit_evidence_deleted});
  EXPECT_EQ(fired(event("deletecollection", "events", "payments", "", "events.k8s.io")),
            std::vector{rule_id::audit_evidence_deleted});
  EXPECT_TRUE(fired(event("delete", "events", "payments", "x", "example.com")).empty());
  EXPECT_TRUE(fired(event("update", "events", "payments", "x")).empty());
  EXPECT_TRUE(fired(event("create", "events", "payments", "x")).empty());
}

TEST_F(audit_rules_test, reports_every_network_policy_kind_deleted_but_not_changed) {
  for (const char* resource :
       {"networkpolicies", "ciliumnetworkpolicies", "ciliumclusterwidenetworkpolicies",
        "globalnetworkpolicies", "adminnetworkpolicies", "baselineadminnetworkpolicies"}) {
    EXPECT_EQ(fired(event("delete", resource, "payments", "p")),
              std::vector{rule_id::network_policy_removed})
        << resource;
    EXPECT_TRUE(fired(event("create", resource, "payments", "p")).empty()) << resource;
  }
}

// --- anonymous-request
// ----------------------------------------------------------------------------

TEST_F(audit_rules_test, reports_allowed_requests_of_the_unauthenticated_group) {
  audit_event e = event("get", "configmaps", "kube-public", "cluster-info");
  e.user = {"system:anonymous", "", {"system:unauthenticated"}};
  e.request_uri = "/api/v1/namespaces/kube-public/configmaps/cluster-info";
  EXPECT_EQ(fired(e), std::vector{rule_id::anonymous_request});
  e.user = {"bootstrap-probe", "", {"system:unauthenticated"}};
  EXPECT_EQ(fired(e), std::vector{rule_id::anonymous_request});
}

TEST_F(audit_rules_test, leaves_health_and_discovery_endpoints_to_anyone) {
  audit_event e = event("get", "");
  e.user = {"system:anonymous", "", {"system:unauthenticated"}};
  for (const char* uri :
       {"/healthz", "/healthz/etcd", "/livez?verbose", "/readyz/ping", "/version",
        "/version?timeout=32s", "/.well-known/openid-configuration", "/openid/v1/jwks"}) {
    e.request_uri = uri;
    EXPECT_TRUE(fired(e).empty()) << uri;
  }
  for (const char* uri :
       {"/healthzx", "/versions", "/api/v1/namespaces/a/services/healthz", "/apis", "/metrics"}) {
    e.request_uri = uri;
    EXPECT_EQ(fired(e), std::vector{rule_id::anonymous_request}) << uri;
  }
}

// --- RBAC
// -----------------------------------------------------------------------------------------

kube_object binding(std::string role_kind, std::string role_name) {
  kube_object o;
  o.kind = "ClusterRoleBinding";
  o.binding_role = role_ref{std::move(role_kind), std::move(role_name)};
  o.subjects = {{"ServiceAccount", "deployer", "ci"}, {"Group", "contractors", ""}};
  return o;
}

TEST_F(audit_rules_test, reports_bindings_to_the_cluster_admin_cluster_role_only) {
  audit_event e = event("update", "clusterrolebindings", "", "b", "rbac.authorization.k8s.io");
  e.request_object = binding("ClusterRole", "cluster-admin");
  auto found = check(e);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(evidence(found[0], "subjects"), "ServiceAccount:ci/deployer,Group:contractors");
  e.request_object = binding("Role", "cluster-admin");
  EXPECT_TRUE(fired(e).empty()) << "a namespaced Role named cluster-admin";
  e.request_object = binding("ClusterRole", "admin");
  EXPECT_TRUE(fired(e).empty());
  e.verb = "delete";
  e.request_object = binding("ClusterRole", "cluster-admin");
  EXPECT_TRUE(fired(e).empty()) << "removing a binding grants nothing";
}

TEST_F(audit_rules_test, reads_a_binding_from_the_object_after_a_patch_that_omits_the_role) {
  audit_event e =
      event("patch", "clusterrolebindings", "", "cluster-admin", "rbac.authorization.k8s.io");
  kube_object patch;  // {"subjects":[...]}: a merge patch adding a subject
  patch.subjects = {{"User", "bob@example.com", ""}};
  e.request_object = patch;
  EXPECT_TRUE(fired(e).empty());
  e.response_object = binding("ClusterRole", "cluster-admin");
  EXPECT_EQ(fired(e), std::vector{rule_id::rbac_cluster_admin_binding});
}

kube_object role_with(std::vector<std::string> groups, std::vector<std::string> resources,
                      std::vector<std::string> verbs) {
  kube_object o;
  o.kind = "Role";
  o.rbac_rules.push_back({std::move(groups), std::move(resources), std::move(verbs)});
  return o;
}

TEST_F(audit_rules_test, finds_exec_grants_directly_or_by_wildcard) {
  audit_event e = event("create", "roles", "payments", "r", "rbac.authorization.k8s.io");
  struct grant {
    std::vector<std::string> groups, resources, verbs;
    bool fires;
  };
  for (const grant& g : std::vector<grant>{
           {{""}, {"pods/exec"}, {"create"}, true},
           {{""}, {"pods/exec"}, {"get"}, true},
           {{""}, {"pods/attach"}, {"*"}, true},
           {{""}, {"pods/*"}, {"create"}, true},
           {{"*"}, {"*"}, {"*"}, true},
           {{}, {"pods/exec"}, {"create"}, true},
           {{"", "apps"}, {"deployments", "pods/exec"}, {"list", "get"}, true},
           {{""}, {"pods/exec"}, {"list", "watch"}, false},
           {{""}, {"pods", "pods/log"}, {"get", "create"}, false},
           {{"apps"}, {"pods/exec"}, {"create"}, false},
           {{""}, {"pods/portforward"}, {"create"}, false},
       }) {
    e.request_object = role_with(g.groups, g.resources, g.verbs);
    EXPECT_EQ(fired(e).size(), g.fires ? 1u : 0u)
        << ::testing::PrintToString(g.groups) << " " << ::testing::PrintToString(g.resources) << " "
        << ::testing::PrintToString(g.verbs);
  }
}

TEST_F(audit_rules_test, reads_role_rules_from_the_object_after_a_json_patch) {
  audit_event e = event("patch", "clusterroles", "", "support", "rbac.authorization.k8s.io");
  EXPECT_TRUE(fired(e).empty());
  e.response_object = role_with({""}, {"pods/exec"}, {"create"});
  EXPECT_EQ(fired(e), std::vector{rule_id::rbac_exec_role});
}

TEST_F(audit_rules_test, leaves_role_aggregation_to_the_control_plane_but_not_to_impersonators) {
  audit_event e = event("update", "clusterroles", "", "admin", "rbac.authorization.k8s.io");
  e.request_object = role_with({""}, {"pods/exec"}, {"create"});
  e.user = {"system:serviceaccount:kube-system:clusterrole-aggregation-controller", "", {}};
  EXPECT_TRUE(fired(e).empty());
  e.user = alice;
  e.impersonated_user =
      user_info{"system:serviceaccount:kube-system:clusterrole-aggregation-controller", "", {}};
  EXPECT_EQ(fired(e), std::vector{rule_id::rbac_exec_role});
}

// --- launchguard-config-tampering
// -----------------------------------------------------------------

TEST_F(audit_rules_test, guards_the_installation_self_identity_names) {
  self = {"guard", "system:serviceaccount:guard:guard-sa", "guard.example/skip"};
  for (const char* resource :
       {"configmaps", "secrets", "services", "deployments", "daemonsets", "serviceaccounts",
        "roles", "rolebindings", "networkpolicies", "poddisruptionbudgets", "pods", "replicasets",
        "statefulsets", "jobs", "cronjobs", "endpointslices", "endpoints",
        "replicationcontrollers"}) {
    EXPECT_EQ(fired(event("patch", resource, "guard", "x")),
              std::vector{rule_id::launchguard_config_tampering})
        << resource;
    EXPECT_TRUE(fired(event("patch", resource, "launchguard", "x")).empty()) << resource;
  }
  // Deleting its pod stops it (fails open with one replica) until the replacement is ready.
  EXPECT_EQ(fired(event("delete", "pods", "guard", "guard-6b8f9-x")),
            std::vector{rule_id::launchguard_config_tampering});
  // The scheduler, the kubelet and a node drain do their routine work there.
  for (const char* routine : {"status", "binding", "eviction"}) {
    audit_event e = event("create", "pods", "guard", "guard-6b8f9-x");
    e.object.subresource = routine;
    EXPECT_TRUE(fired(e).empty()) << routine;
  }
  EXPECT_TRUE(fired(event("get", "configmaps", "guard", "x")).empty());
  EXPECT_EQ(fired(event("delete", "namespaces", "", "guard")),
            std::vector{rule_id::launchguard_config_tampering});
  EXPECT_TRUE(fired(event("delete", "namespaces", "", "launchguard")).empty());
}

TEST_F(audit_rules_test, a_session_into_launchguards_pods_is_tampering) {
  for (const char* verb : {"get", "create"}) {  // WebSocket (kubectl 1.30+) and SPDY
    for (const char* sub : {"exec", "attach", "portforward"}) {
      audit_event e = event(verb, "pods", "launchguard", "launchguard-6b8f9-x");
      e.object.subresource = sub;
      EXPECT_EQ(fired(e), std::vector{rule_id::launchguard_config_tampering}) << verb << " " << sub;
      e.object.namespace_name = "shop";
      EXPECT_TRUE(fired(e).empty()) << "elsewhere it is pod-exec's business";
    }
  }
  audit_event read = event("get", "pods", "launchguard", "launchguard-6b8f9-x");
  EXPECT_TRUE(fired(read).empty()) << "reading a pod changes nothing";
}

TEST_F(audit_rules_test, lets_launchguard_write_its_own_objects_but_not_its_impersonators) {
  audit_event e = event("update", "configmaps", "launchguard", "launchguard-state");
  e.user = {self.service_account, "", {}};
  EXPECT_TRUE(fired(e).empty());
  e.user = alice;
  e.impersonated_user = user_info{self.service_account, "", {}};
  EXPECT_EQ(fired(e), std::vector{rule_id::launchguard_config_tampering});
}

TEST_F(audit_rules_test, reports_a_namespace_given_the_opt_out_label_however_it_is_written) {
  kube_object labelled;
  labelled.metadata.labels = {{"team", "billing"}, {self.opt_out_label, "true"}};
  for (const char* verb : {"create", "update", "patch"}) {
    audit_event e = event(verb, "namespaces", "", "billing");
    e.request_object = labelled;
    auto found = check(e);
    ASSERT_EQ(found.size(), 1u) << verb;
    EXPECT_EQ(found[0].message,
              "namespace billing labelled launchguard.io/ignore, out of launchguard's sight by "
              "alice@example.com");
  }
  audit_event other = event("patch", "namespaces", "", "billing");
  other.request_object = kube_object{};
  other.request_object->metadata.labels = {{"team", "billing"}};
  EXPECT_TRUE(fired(other).empty());
}

}  // namespace
}  // namespace launchguard
