// The policy file contract (spec section 5): defaults, every section landing in the typed
// policy, errors with line, column and key path, and namespace overrides.

#include "policy/config/policy_loader.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

using std::chrono::milliseconds;

policy_load_result load(std::string_view text) {
  return load_policy(text, "policy.yaml");
}

// Loads text that must be valid and returns the policy.
std::shared_ptr<const policy> load_ok(std::string_view text) {
  auto result = load(text);
  std::string errors;
  for (const auto& e : result.errors)
    errors += e.to_string() + "\n";
  EXPECT_TRUE(result.ok()) << errors;
  EXPECT_EQ(result.value != nullptr, result.ok());
  return result.value;
}

std::string describe(const config_errors& errors) {
  std::string out;
  for (const auto& e : errors)
    out += "  " + e.to_string() + "\n";
  return out;
}

// Asserts that `text` fails with exactly one error, at line:column, whose message starts with
// `path` (the key path) and contains `detail`.
void expect_one_error(std::string_view text, int line, int column, std::string_view path,
                      std::string_view detail) {
  auto result = load(text);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.value, nullptr);
  ASSERT_EQ(result.errors.size(), 1u) << describe(result.errors);
  const config_error& e = result.errors[0];
  EXPECT_EQ(e.file, "policy.yaml");
  EXPECT_EQ(e.line, line) << e.to_string();
  EXPECT_EQ(e.column, column) << e.to_string();
  EXPECT_TRUE(e.message.starts_with(std::string(path) + ": ")) << e.to_string();
  EXPECT_NE(e.message.find(detail), std::string::npos) << e.to_string();
}

std::vector<std::string> texts(const std::vector<image_pattern>& patterns) {
  std::vector<std::string> out;
  for (const auto& p : patterns)
    out.push_back(p.text);
  return out;
}

std::vector<std::string> texts(const std::vector<glob>& globs) {
  std::vector<std::string> out;
  for (const auto& g : globs)
    out.push_back(g.text());
  return out;
}

using strings = std::vector<std::string>;

// ---- defaults ------------------------------------------------------------------------------

void expect_defaults(const policy& p) {
  EXPECT_EQ(p.source, "policy.yaml");
  EXPECT_EQ(p.failure, failure_mode::closed);
  EXPECT_TRUE(p.exemptions.empty());
  EXPECT_EQ(p.global.mode, action::enforce);
  EXPECT_TRUE(p.global.images.allow.empty());
  EXPECT_TRUE(p.global.images.deny.empty());
  EXPECT_FALSE(p.global.images.require_digest);
  EXPECT_EQ(p.global.images.disallow_tags, strings{"latest"});
  EXPECT_EQ(p.global.pod_security.level, pss_level::baseline);
  EXPECT_TRUE(p.global.pod_security.version.latest());
  EXPECT_TRUE(p.namespaces.empty());
  for (std::size_t i = 0; i < rule_count; ++i) {
    EXPECT_FALSE(p.rules[i].configured.has_value()) << to_string(static_cast<rule_id>(i));
    EXPECT_TRUE(p.rules[i].exemptions.empty()) << to_string(static_cast<rule_id>(i));
  }
  EXPECT_TRUE(p.evasion.sensitive_host_paths.empty());
  EXPECT_TRUE(p.evasion.opt_out_annotations.empty());
  EXPECT_TRUE(p.evasion.security_workloads.empty());
  EXPECT_TRUE(p.provenance.protected_namespaces.empty());
  EXPECT_TRUE(p.provenance.trusted_deployers.empty());
  EXPECT_EQ(texts(p.provenance.webhook_names), strings{"*launchguard*"});
  EXPECT_TRUE(p.provenance.uncovered_namespaces.empty());
  EXPECT_EQ(p.rate.window, milliseconds(60'000));
  EXPECT_EQ(p.rate.per_principal, 50);
  EXPECT_EQ(p.rate.per_namespace, 200);
  EXPECT_DOUBLE_EQ(p.rate.spike_factor, 5.0);
  EXPECT_EQ(p.rate.spike_minimum, 20);
  EXPECT_EQ(p.rate.warmup_windows, 10);
  EXPECT_TRUE(p.rate.ignore_principals.empty());
  EXPECT_DOUBLE_EQ(p.rate.pod_ceiling.cpu, 16.0);
  EXPECT_DOUBLE_EQ(p.rate.pod_ceiling.memory, 68719476736.0);
  EXPECT_DOUBLE_EQ(p.rate.pod_ceiling.gpu, 1.0);
  EXPECT_EQ(p.secrets_enumeration.distinct, 10);
  EXPECT_EQ(p.secrets_enumeration.window, milliseconds(300'000));
  EXPECT_EQ(p.dedup_window, milliseconds(600'000));
  EXPECT_EQ(p.alert_retention, milliseconds(30LL * 86'400'000));
  EXPECT_EQ(p.max_alerts, 1'000'000);
  EXPECT_EQ(p.tracked_keys, 1'000'000);
}

TEST(policy_loader, empty_file_gives_the_documented_defaults) {
  auto p = load_ok("");
  ASSERT_NE(p, nullptr);
  expect_defaults(*p);
}

TEST(policy_loader, comments_an_empty_document_or_an_empty_mapping_give_the_defaults) {
  for (std::string_view text : {"# nothing here\n", "---\n", "{}\n",
                                "apiVersion: launchguard/v1\n"
                                "kind: Policy\n"}) {
    SCOPED_TRACE(text);
    auto p = load_ok(text);
    ASSERT_NE(p, nullptr);
    expect_defaults(*p);
  }
}

TEST(policy_loader, names_the_source_it_was_given) {
  auto result = load_policy("mode: warn\n", "/etc/launchguard/policy.yaml");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value->source, "/etc/launchguard/policy.yaml");
  auto bad = load_policy("mode: strict\n", "cm/policy.yaml");
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].file, "cm/policy.yaml");
  EXPECT_TRUE(bad.errors[0].to_string().starts_with("cm/policy.yaml:1:7: mode: "))
      << bad.errors[0].to_string();
}

// ---- the contract's example, section by section ---------------------------------------------

// Spec section 5, verbatim.
constexpr std::string_view contract_example = R"(apiVersion: launchguard/v1
kind: Policy
mode: enforce            # enforce | warn | audit (default enforce)
failureMode: closed      # closed | open (default closed)
exemptions:
  namespaces: [kube-system]
  users: ["system:serviceaccount:kube-system:daemon-set-controller"]
  groups: []
images:
  allow: ["registry.example.com/**"] # empty (default) = any registry
  deny: ["**/xmrig*"]
  requireDigest: false               # default false
  disallowTags: [latest]             # default [latest]; an image with no tag and no digest counts as latest
podSecurity:
  level: baseline        # privileged | baseline | restricted (default baseline)
  version: latest        # or v1.N, with Pod Security Admission's version semantics
namespaces:              # overrides; the first entry whose glob matches wins
  - match: "prod-*"
    mode: enforce
    images: {requireDigest: true}    # each given field replaces the global one; lists replace lists
    podSecurity: {level: restricted}
rules:                   # per-rule overrides by rule id
  pod-exec: {action: enforce, exemptions: {users: ["oncall-*"]}}
evasion:
  sensitiveHostPaths: []   # added to the built-in list
  optOutAnnotations: {}    # key: value pairs that opt a pod out of monitoring, added to the built-in list
  securityWorkloads: [{namespace: falco, kind: DaemonSet, name: "*"}]
provenance:
  protectedNamespaces: ["prod-*"]
  trustedDeployers: ["system:serviceaccount:argocd:*"]
  webhookNames: ["*launchguard*"]     # whose decision ids prove admission saw a request
  uncoveredNamespaces: []             # namespaces the webhook configuration excludes (no bypass expected there)
rate:
  window: 60s
  perPrincipal: 50       # pod launches per principal per window
  perNamespace: 200      # pod launches per namespace per window
  spikeFactor: 5         # window count above spikeFactor x learned baseline ...
  spikeMinimum: 20       # ... and above this floor
  warmupWindows: 10      # windows learned before spikes are reported
  ignorePrincipals: ["system:serviceaccount:kube-system:horizontal-pod-autoscaler"]
  podCeiling: {cpu: "16", memory: 64Gi, gpu: 1}   # a single pod requesting more is reported
audit:
  secretsEnumeration: {distinct: 10, window: 5m}
alerts:
  dedupWindow: 10m       # identical alerts within this window are counted, not repeated; 0s: off
retention:
  alerts: 30d            # older alerts are pruned; also capped by maxAlerts
  maxAlerts: 1000000
limits:
  trackedKeys: 1000000   # per tracker, least recently used evicted beyond it
)";

TEST(policy_loader, accepts_the_contract_example) {
  auto p = load_ok(contract_example);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->global.mode, action::enforce);
  EXPECT_EQ(p->failure, failure_mode::closed);
  EXPECT_EQ(texts(p->exemptions.namespaces), strings{"kube-system"});
  EXPECT_EQ(texts(p->exemptions.users),
            strings{"system:serviceaccount:kube-system:daemon-set-controller"});
  EXPECT_TRUE(p->exemptions.groups.empty());
  EXPECT_EQ(texts(p->global.images.allow), strings{"registry.example.com/**"});
  EXPECT_EQ(texts(p->global.images.deny), strings{"**/xmrig*"});
  EXPECT_FALSE(p->global.images.require_digest);
  EXPECT_EQ(p->global.images.disallow_tags, strings{"latest"});
  EXPECT_EQ(p->global.pod_security.level, pss_level::baseline);
  EXPECT_TRUE(p->global.pod_security.version.latest());

  ASSERT_EQ(p->namespaces.size(), 1u);
  EXPECT_EQ(p->namespaces[0].match.text(), "prod-*");
  const namespace_settings& prod = p->settings_for("prod-eu");
  EXPECT_EQ(prod.mode, action::enforce);
  EXPECT_TRUE(prod.images.require_digest);
  EXPECT_EQ(texts(prod.images.allow), strings{"registry.example.com/**"});
  EXPECT_EQ(prod.pod_security.level, pss_level::restricted);
  EXPECT_FALSE(p->settings_for("dev").images.require_digest);

  const rule_settings& exec = p->rule(rule_id::pod_exec);
  EXPECT_EQ(exec.configured, action::enforce);
  EXPECT_EQ(texts(exec.exemptions.users), strings{"oncall-*"});
  EXPECT_FALSE(p->rule(rule_id::pod_port_forward).configured.has_value());

  ASSERT_EQ(p->evasion.security_workloads.size(), 1u);
  EXPECT_EQ(p->evasion.security_workloads[0].namespace_glob.text(), "falco");
  EXPECT_EQ(p->evasion.security_workloads[0].kind, "DaemonSet");
  EXPECT_EQ(p->evasion.security_workloads[0].name.text(), "*");

  EXPECT_EQ(texts(p->provenance.protected_namespaces), strings{"prod-*"});
  EXPECT_EQ(texts(p->provenance.trusted_deployers), strings{"system:serviceaccount:argocd:*"});
  EXPECT_EQ(texts(p->provenance.webhook_names), strings{"*launchguard*"});
  EXPECT_EQ(texts(p->rate.ignore_principals),
            strings{"system:serviceaccount:kube-system:horizontal-pod-autoscaler"});
  EXPECT_DOUBLE_EQ(p->rate.pod_ceiling.memory, 68719476736.0);
  EXPECT_EQ(p->dedup_window, milliseconds(600'000));
  EXPECT_EQ(p->alert_retention, milliseconds(30LL * 86'400'000));
}

TEST(policy_loader, reads_mode_and_failure_mode) {
  auto p = load_ok("mode: warn\nfailureMode: open\n");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->global.mode, action::warn);
  EXPECT_EQ(p->failure, failure_mode::open);
  EXPECT_EQ(load_ok("mode: audit\n")->global.mode, action::audit);
}

TEST(policy_loader, reads_exemptions) {
  auto p = load_ok(R"(exemptions:
  namespaces: [kube-system, "team-*"]
  users: ["system:serviceaccount:kube-system:*", alice]
  groups: ["system:nodes"]
)");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(texts(p->exemptions.namespaces), (strings{"kube-system", "team-*"}));
  EXPECT_EQ(texts(p->exemptions.users), (strings{"system:serviceaccount:kube-system:*", "alice"}));
  EXPECT_EQ(texts(p->exemptions.groups), strings{"system:nodes"});
}

TEST(policy_loader, reads_images) {
  auto p = load_ok(R"(images:
  allow: ["registry.example.com/**", "nginx:1.*"]
  deny: ["**/xmrig*", "**/*miner*"]
  requireDigest: true
  disallowTags: [latest, dev]
)");
  ASSERT_NE(p, nullptr);
  const image_settings& images = p->global.images;
  EXPECT_EQ(texts(images.allow), (strings{"registry.example.com/**", "nginx:1.*"}));
  EXPECT_EQ(texts(images.deny), (strings{"**/xmrig*", "**/*miner*"}));
  EXPECT_TRUE(images.require_digest);
  EXPECT_EQ(images.disallow_tags, (strings{"latest", "dev"}));
  // Patterns are compiled over their normalized form and know whether they name a version.
  EXPECT_FALSE(images.allow[0].versioned);
  EXPECT_TRUE(images.allow[0].compiled.matches("registry.example.com/a/b"));
  EXPECT_TRUE(images.allow[1].versioned);
  EXPECT_TRUE(images.allow[1].compiled.matches("docker.io/library/nginx:1.27"));
}

TEST(policy_loader, empty_disallow_tags_replaces_the_default) {
  auto p = load_ok("images: {disallowTags: []}\n");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->global.images.disallow_tags.empty());
}

TEST(policy_loader, reads_pod_security) {
  auto p = load_ok("podSecurity: {level: restricted, version: v1.29}\n");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->global.pod_security.level, pss_level::restricted);
  EXPECT_EQ(p->global.pod_security.version, pss_version{29});
  EXPECT_EQ(load_ok("podSecurity: {level: privileged}\n")->global.pod_security.level,
            pss_level::privileged);
}

TEST(policy_loader, reads_rule_actions_and_exemptions) {
  auto p = load_ok(R"(rules:
  pod-exec: {action: enforce, exemptions: {users: ["oncall-*"], groups: [sre]}}
  image-mutable-tag: {action: "off"}
  sensitive-host-mount:
    exemptions:
      namespaces: [monitoring, logging]
  image-first-seen: {action: warn}
)");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->rule(rule_id::pod_exec).configured, action::enforce);
  EXPECT_EQ(texts(p->rule(rule_id::pod_exec).exemptions.users), strings{"oncall-*"});
  EXPECT_EQ(texts(p->rule(rule_id::pod_exec).exemptions.groups), strings{"sre"});
  EXPECT_EQ(p->rule(rule_id::image_mutable_tag).configured, action::off);
  EXPECT_EQ(p->rule(rule_id::image_first_seen).configured, action::warn);
  EXPECT_FALSE(p->rule(rule_id::sensitive_host_mount).configured.has_value());
  EXPECT_EQ(texts(p->rule(rule_id::sensitive_host_mount).exemptions.namespaces),
            (strings{"monitoring", "logging"}));
  EXPECT_TRUE(p->rule(rule_id::pod_port_forward).exemptions.empty());
}

TEST(policy_loader, accepts_every_rule_id_of_the_catalog) {
  std::string text = "rules:\n";
  for (std::size_t i = 0; i < rule_count; ++i) {
    text += "  " + std::string(to_string(static_cast<rule_id>(i))) + ": {action: audit}\n";
  }
  auto p = load_ok(text);
  ASSERT_NE(p, nullptr);
  for (std::size_t i = 0; i < rule_count; ++i) {
    EXPECT_EQ(p->rules[i].configured, action::audit) << to_string(static_cast<rule_id>(i));
  }
}

TEST(policy_loader, reads_evasion) {
  auto p = load_ok(R"(evasion:
  sensitiveHostPaths: [/etc/kubernetes, /var/lib/kubelet]
  optOutAnnotations: {"falco.org/ignore": "true", skip-monitoring: "yes"}
  securityWorkloads:
    - {namespace: falco, kind: DaemonSet, name: "*"}
    - {namespace: "security-*", kind: Deployment, name: "agent-*"}
    - {namespace: launchguard}
)");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->evasion.sensitive_host_paths, (strings{"/etc/kubernetes", "/var/lib/kubelet"}));
  EXPECT_EQ(p->evasion.opt_out_annotations,
            (string_pairs{{"falco.org/ignore", "true"}, {"skip-monitoring", "yes"}}));
  const auto& w = p->evasion.security_workloads;
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1].namespace_glob.text(), "security-*");
  EXPECT_EQ(w[1].kind, "Deployment");
  EXPECT_EQ(w[1].name.text(), "agent-*");
  // kind and name default to any.
  EXPECT_EQ(w[2].namespace_glob.text(), "launchguard");
  EXPECT_EQ(w[2].kind, "*");
  EXPECT_TRUE(w[2].name.matches("anything"));
}

TEST(policy_loader, reads_provenance) {
  auto p = load_ok(R"(provenance:
  protectedNamespaces: ["prod-*", payments]
  trustedDeployers: ["system:serviceaccount:argocd:*"]
  webhookNames: ["validate.example.com"]
  uncoveredNamespaces: [kube-system]
)");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(texts(p->provenance.protected_namespaces), (strings{"prod-*", "payments"}));
  EXPECT_EQ(texts(p->provenance.trusted_deployers), strings{"system:serviceaccount:argocd:*"});
  EXPECT_EQ(texts(p->provenance.webhook_names), strings{"validate.example.com"});
  EXPECT_EQ(texts(p->provenance.uncovered_namespaces), strings{"kube-system"});
}

TEST(policy_loader, reads_rate) {
  auto p = load_ok(R"(rate:
  window: 2m
  perPrincipal: 7
  perNamespace: 70
  spikeFactor: 2.5
  spikeMinimum: 3
  warmupWindows: 0
  ignorePrincipals: ["system:serviceaccount:kube-system:*"]
  podCeiling: {cpu: 500m, memory: 2Gi, gpu: "4"}
)");
  ASSERT_NE(p, nullptr);
  const rate_settings& r = p->rate;
  EXPECT_EQ(r.window, milliseconds(120'000));
  EXPECT_EQ(r.per_principal, 7);
  EXPECT_EQ(r.per_namespace, 70);
  EXPECT_DOUBLE_EQ(r.spike_factor, 2.5);
  EXPECT_EQ(r.spike_minimum, 3);
  EXPECT_EQ(r.warmup_windows, 0);
  EXPECT_EQ(texts(r.ignore_principals), strings{"system:serviceaccount:kube-system:*"});
  EXPECT_DOUBLE_EQ(r.pod_ceiling.cpu, 0.5);
  EXPECT_DOUBLE_EQ(r.pod_ceiling.memory, 2.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(r.pod_ceiling.gpu, 4.0);
}

TEST(policy_loader, reads_audit_alerts_retention_and_limits) {
  auto p = load_ok(R"(audit:
  secretsEnumeration: {distinct: 3, window: 90s}
alerts:
  dedupWindow: 0s
retention:
  alerts: 7d
  maxAlerts: 5000
limits:
  trackedKeys: 4096
)");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->secrets_enumeration.distinct, 3);
  EXPECT_EQ(p->secrets_enumeration.window, milliseconds(90'000));
  EXPECT_EQ(p->dedup_window, milliseconds(0));
  EXPECT_EQ(p->alert_retention, milliseconds(7LL * 86'400'000));
  EXPECT_EQ(p->max_alerts, 5000);
  EXPECT_EQ(p->tracked_keys, 4096);
}

TEST(policy_loader, accepts_a_json_policy_file) {
  auto p = load_ok(R"({
  "apiVersion": "launchguard/v1",
  "kind": "Policy",
  "mode": "warn",
  "images": {"allow": ["registry.example.com/**"], "requireDigest": true},
  "namespaces": [{"match": "prod-*", "mode": "enforce"}],
  "rules": {"pod-exec": {"action": "enforce"}},
  "rate": {"window": "30s", "perPrincipal": 5, "podCeiling": {"cpu": "2"}}
})");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->global.mode, action::warn);
  EXPECT_EQ(texts(p->global.images.allow), strings{"registry.example.com/**"});
  EXPECT_TRUE(p->global.images.require_digest);
  EXPECT_EQ(p->settings_for("prod-a").mode, action::enforce);
  EXPECT_TRUE(p->settings_for("prod-a").images.require_digest);
  EXPECT_EQ(p->rule(rule_id::pod_exec).configured, action::enforce);
  EXPECT_EQ(p->rate.window, milliseconds(30'000));
  EXPECT_EQ(p->rate.per_principal, 5);
  EXPECT_DOUBLE_EQ(p->rate.pod_ceiling.cpu, 2.0);
}

TEST(policy_loader, reports_errors_in_a_json_file_with_line_and_column) {
  expect_one_error(R"({
  "mode": "warn",
  "images": {"alow": []}
})",
                   3, 14, "images", "did you mean \"allow\"");
}

// ---- unknown keys --------------------------------------------------------------------------

TEST(policy_loader, rejects_unknown_top_level_key_with_suggestion) {
  auto result = load("mode: warn\nmdoe: audit\n");
  ASSERT_EQ(result.errors.size(), 1u) << describe(result.errors);
  EXPECT_EQ(result.errors[0].line, 2);
  EXPECT_EQ(result.errors[0].column, 1);
  EXPECT_EQ(result.errors[0].message, "unknown key \"mdoe\"; did you mean \"mode\"?");
  EXPECT_EQ(result.value, nullptr);
}

TEST(policy_loader, rejects_unknown_nested_key_with_line_column_and_suggestion) {
  expect_one_error("images:\n  allow: []\n  requireDigests: true\n", 3, 3, "images",
                   "unknown key \"requireDigests\"; did you mean \"requireDigest\"?");
}

TEST(policy_loader, rejects_unknown_key_far_from_any_by_listing_the_known_keys) {
  expect_one_error("rate:\n  burstiness: 3\n", 2, 3, "rate",
                   "unknown key \"burstiness\" (known keys:");
  auto result = load("rate:\n  burstiness: 3\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].message.find("perPrincipal"), std::string::npos);
  EXPECT_EQ(result.errors[0].message.find("did you mean"), std::string::npos);
}

TEST(policy_loader, rejects_unknown_key_deep_in_a_namespace_entry) {
  expect_one_error(R"(namespaces:
  - match: "prod-*"
    images:
      requireDigest: true
      alow: []
)",
                   5, 7, "namespaces[0].images", "did you mean \"allow\"");
}

TEST(policy_loader, rejects_unknown_rule_id_with_suggestion) {
  expect_one_error("rules:\n  pod-exce: {action: enforce}\n", 2, 3, "rules",
                   "unknown key \"pod-exce\"; did you mean \"pod-exec\"?");
}

TEST(policy_loader, rejects_unknown_rule_id_far_from_any) {
  auto result = load("rules:\n  no-such-rule-at-all: {action: enforce}\n");
  ASSERT_EQ(result.errors.size(), 1u) << describe(result.errors);
  EXPECT_EQ(result.errors[0].line, 2);
  EXPECT_EQ(result.errors[0].column, 3);
  EXPECT_NE(result.errors[0].message.find("unknown key \"no-such-rule-at-all\""),
            std::string::npos);
}

TEST(policy_loader, rejects_unknown_key_inside_a_rule) {
  expect_one_error("rules:\n  pod-exec: {actoin: enforce}\n", 2, 14, "rules.pod-exec",
                   "did you mean \"action\"");
}

// ---- wrong types ---------------------------------------------------------------------------

TEST(policy_loader, rejects_a_list_where_a_string_is_expected) {
  expect_one_error("mode: [enforce]\n", 1, 7, "mode", "expected a string, found a list");
}

TEST(policy_loader, rejects_a_list_where_a_mapping_is_expected) {
  expect_one_error("images:\n  - allow\n", 2, 3, "images", "expected a mapping, found a list");
}

TEST(policy_loader, rejects_a_scalar_where_a_list_is_expected) {
  expect_one_error("images:\n  allow: \"registry.example.com/**\"\n", 2, 10, "images.allow",
                   "expected a list, found a scalar");
}

TEST(policy_loader, rejects_a_mapping_in_a_list_of_names) {
  expect_one_error("exemptions:\n  users: [{name: alice}]\n", 2, 11, "exemptions.users[0]",
                   "expected a string, found a mapping");
}

TEST(policy_loader, rejects_a_non_boolean) {
  expect_one_error("images:\n  requireDigest: sometimes\n", 2, 18, "images.requireDigest",
                   "expected true or false, found \"sometimes\"");
}

TEST(policy_loader, rejects_a_non_integer) {
  expect_one_error("rate:\n  perPrincipal: 1.5\n", 2, 17, "rate.perPrincipal",
                   "expected an integer, found \"1.5\"");
  expect_one_error("limits: {trackedKeys: lots}\n", 1, 23, "limits.trackedKeys",
                   "expected an integer");
}

TEST(policy_loader, rejects_integers_out_of_range) {
  expect_one_error("rate:\n  perNamespace: 0\n", 2, 17, "rate.perNamespace",
                   "must be between 1 and");
  expect_one_error("rate:\n  warmupWindows: -1\n", 2, 18, "rate.warmupWindows",
                   "must be between 0 and");
  expect_one_error("audit:\n  secretsEnumeration: {distinct: 0}\n", 2, 34,
                   "audit.secretsEnumeration.distinct", "must be between 1 and");
}

TEST(policy_loader, rejects_a_bad_number) {
  expect_one_error("rate: {spikeFactor: high}\n", 1, 21, "rate.spikeFactor",
                   "expected a number, found \"high\"");
  expect_one_error("rate: {spikeFactor: 0.5}\n", 1, 21, "rate.spikeFactor", "must be at least");
}

TEST(policy_loader, rejects_a_document_that_is_not_a_mapping) {
  auto result = load("just a string\n");
  ASSERT_EQ(result.errors.size(), 1u) << describe(result.errors);
  EXPECT_EQ(result.errors[0].line, 1);
  EXPECT_EQ(result.errors[0].column, 1);
  EXPECT_NE(result.errors[0].message.find("expected a mapping, found a scalar"), std::string::npos);
}

// ---- globs and patterns --------------------------------------------------------------------

TEST(policy_loader, rejects_namespace_glob_with_uppercase) {
  expect_one_error("exemptions:\n  namespaces: [kube-system, Kube-Public]\n", 2, 29,
                   "exemptions.namespaces[1]", "\"Kube-Public\" can never match a namespace");
}

TEST(policy_loader, rejects_namespace_glob_with_characters_no_namespace_has) {
  expect_one_error("provenance:\n  protectedNamespaces: [\"prod_*\"]\n", 2, 25,
                   "provenance.protectedNamespaces[0]", "can never match a namespace");
}

TEST(policy_loader, rejects_empty_namespace_user_and_group_patterns) {
  expect_one_error("exemptions:\n  namespaces: [\"\"]\n", 2, 16, "exemptions.namespaces[0]",
                   "empty pattern");
  expect_one_error("exemptions:\n  users: [\"\"]\n", 2, 11, "exemptions.users[0]", "empty pattern");
  expect_one_error("exemptions:\n  groups: [\"\"]\n", 2, 12, "exemptions.groups[0]",
                   "empty pattern");
}

TEST(policy_loader, rejects_image_pattern_with_a_space) {
  expect_one_error("images:\n  allow: [\"registry.example.com/my app\"]\n", 2, 11,
                   "images.allow[0]", "is not an image pattern");
}

TEST(policy_loader, rejects_a_wildcard_pattern_without_a_slash_that_could_never_match) {
  expect_one_error("images:\n  deny: [\"xmrig*\"]\n", 2, 10, "images.deny[0]",
                   "\"xmrig*\" can never match: references are registry/path; write \"**/xmrig*\" "
                   "for any registry");
}

TEST(policy_loader, rejects_image_pattern_with_a_double_slash) {
  expect_one_error("images:\n  deny: [\"**/ok\", \"registry.example.com//x\"]\n", 2, 19,
                   "images.deny[1]", "\"registry.example.com//x\" is not an image pattern");
}

TEST(policy_loader, rejects_empty_image_pattern_and_stray_slashes) {
  expect_one_error("images:\n  deny: [\"\"]\n", 2, 10, "images.deny[0]", "is not an image pattern");
  expect_one_error("images:\n  deny: [\"/x\"]\n", 2, 10, "images.deny[0]",
                   "is not an image pattern");
  expect_one_error("images:\n  deny: [\"x/\"]\n", 2, 10, "images.deny[0]",
                   "is not an image pattern");
}

TEST(policy_loader, rejects_namespace_entry_with_bad_match_once) {
  expect_one_error("namespaces:\n  - match: Prod-*\n", 2, 12, "namespaces[0].match",
                   "can never match a namespace");
}

TEST(policy_loader, rejects_namespace_entry_without_match) {
  expect_one_error(R"(namespaces:
  - match: "prod-*"
    mode: warn
  - mode: audit
)",
                   4, 5, "namespaces[1]", "needs \"match\"");
}

TEST(policy_loader, rejects_security_workload_without_namespace) {
  expect_one_error("evasion:\n  securityWorkloads:\n    - {kind: DaemonSet}\n", 3, 7,
                   "evasion.securityWorkloads[0]", "needs \"namespace\"");
}

TEST(policy_loader, rejects_relative_sensitive_host_path) {
  expect_one_error("evasion:\n  sensitiveHostPaths: [etc/kubernetes]\n", 2, 24,
                   "evasion.sensitiveHostPaths[0]", "expected an absolute path");
}

// ---- durations and quantities --------------------------------------------------------------

TEST(policy_loader, rejects_duration_without_unit) {
  expect_one_error("rate:\n  window: 60\n", 2, 11, "rate.window",
                   "expected a duration such as 500ms, 30s, 10m, 1h or 30d, found \"60\"");
}

TEST(policy_loader, rejects_bad_durations_in_every_section) {
  expect_one_error("alerts: {dedupWindow: 10 minutes}\n", 1, 23, "alerts.dedupWindow",
                   "expected a duration");
  expect_one_error("retention:\n  alerts: -30d\n", 2, 11, "retention.alerts",
                   "expected a duration");
  expect_one_error("audit:\n  secretsEnumeration:\n    window: 1.5m\n", 3, 13,
                   "audit.secretsEnumeration.window", "expected a duration");
}

// A policy must not be able to erase the evidence or the trackers' memory (docs/security.md F1).
TEST(policy_loader, rejects_retention_and_limits_below_their_floors) {
  expect_one_error("retention: {alerts: 59m}\n", 1, 21, "retention.alerts", "at least 1h");
  expect_one_error("retention: {maxAlerts: 999}\n", 1, 24, "retention.maxAlerts",
                   "between 1000 and");
  expect_one_error("limits: {trackedKeys: 16}\n", 1, 23, "limits.trackedKeys", "between 1000 and");
  EXPECT_NE(load_ok("retention: {alerts: 1h, maxAlerts: 1000}\nlimits: {trackedKeys: 1000}\n"),
            nullptr);
}

TEST(policy_loader, rejects_a_rate_window_below_one_second) {
  expect_one_error("rate:\n  window: 500ms\n", 2, 11, "rate.window", "at least 1s");
}

TEST(policy_loader, rejects_bad_quantities) {
  expect_one_error("rate:\n  podCeiling: {memory: 64GB}\n", 2, 24, "rate.podCeiling.memory",
                   "expected a resource quantity such as 16, 500m or 64Gi, found \"64GB\"");
  expect_one_error("rate:\n  podCeiling:\n    cpu: \"-1\"\n", 3, 10, "rate.podCeiling.cpu",
                   "expected a resource quantity");
  expect_one_error("rate:\n  podCeiling: {gpu: [1]}\n", 2, 21, "rate.podCeiling.gpu",
                   "expected a string, found a list");
}

// ---- enum values ---------------------------------------------------------------------------

TEST(policy_loader, rejects_bad_enum_values) {
  expect_one_error("mode: strict\n", 1, 7, "mode",
                   "expected one of enforce, warn, audit, found \"strict\"");
  expect_one_error("mode: \"off\"\n", 1, 7, "mode", "expected one of enforce, warn, audit");
  expect_one_error("failureMode: ajar\n", 1, 14, "failureMode", "expected one of closed, open");
  expect_one_error("podSecurity:\n  level: high\n", 2, 10, "podSecurity.level",
                   "expected one of privileged, baseline, restricted, found \"high\"");
  expect_one_error("rules:\n  pod-exec:\n    action: never\n", 3, 13, "rules.pod-exec.action",
                   "expected one of enforce, warn, audit, off, found \"never\"");
  expect_one_error("evasion:\n  securityWorkloads: [{namespace: falco, kind: Service}]\n", 2, 48,
                   "evasion.securityWorkloads[0].kind", "expected one of");
}

TEST(policy_loader, rejects_wrong_api_version_and_kind) {
  expect_one_error("apiVersion: launchguard/v2\n", 1, 13, "apiVersion", "launchguard/v1");
  expect_one_error("kind: Config\n", 1, 7, "kind", "expected one of Policy");
}

TEST(policy_loader, rejects_bad_pod_security_version) {
  expect_one_error("podSecurity:\n  version: \"1.29\"\n", 2, 12, "podSecurity.version",
                   "expected latest or v1.N");
  expect_one_error("podSecurity: {version: v2.0}\n", 1, 24, "podSecurity.version",
                   "expected latest or v1.N");
}

// ---- duplicates ----------------------------------------------------------------------------

TEST(policy_loader, rejects_duplicate_top_level_key) {
  expect_one_error("mode: warn\nfailureMode: open\nmode: audit\n", 3, 1, "mode", "duplicate key");
}

TEST(policy_loader, rejects_duplicate_nested_key) {
  expect_one_error("images:\n  deny: []\n  requireDigest: true\n  deny: [\"**/x\"]\n", 4, 3,
                   "images.deny", "duplicate key");
}

TEST(policy_loader, rejects_duplicate_rule_id) {
  expect_one_error("rules:\n  pod-exec: {action: warn}\n  pod-exec: {action: enforce}\n", 3, 3,
                   "rules.pod-exec", "duplicate key");
}

// ---- several errors ------------------------------------------------------------------------

TEST(policy_loader, reports_every_error_of_one_load) {
  auto result = load(R"(mode: strict
images:
  alow: []
  deny: ["a b"]
namespaces:
  - mode: warn
rate:
  window: 60
  podCeiling: {cpu: lots}
rules:
  pod-exce: {action: enforce}
)");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.value, nullptr);
  std::set<std::pair<int, int>> where;
  for (const auto& e : result.errors)
    where.insert({e.line, e.column});
  std::set<std::pair<int, int>> expected{{1, 7},  {3, 3},  {4, 10}, {6, 5},
                                         {8, 11}, {9, 21}, {11, 3}};
  EXPECT_EQ(where, expected) << describe(result.errors);
  EXPECT_EQ(result.errors.size(), expected.size()) << describe(result.errors);
}

// ---- invalid YAML --------------------------------------------------------------------------

TEST(policy_loader, reports_invalid_yaml_with_line_and_column) {
  auto result = load("mode: warn\nimages:\n  allow: [\"a\"\n  deny: []\n");
  ASSERT_EQ(result.errors.size(), 1u) << describe(result.errors);
  EXPECT_EQ(result.value, nullptr);
  EXPECT_GE(result.errors[0].line, 3) << result.errors[0].to_string();
  EXPECT_GE(result.errors[0].column, 1) << result.errors[0].to_string();
  EXPECT_TRUE(result.errors[0].message.starts_with("not valid YAML")) << result.errors[0].message;
}

TEST(policy_loader, reports_a_bad_indentation_at_its_place) {
  auto result = load("mode: enforce\n  failureMode: open\n");
  ASSERT_EQ(result.errors.size(), 1u) << describe(result.errors);
  EXPECT_EQ(result.errors[0].line, 2) << result.errors[0].to_string();
  EXPECT_GE(result.errors[0].column, 1) << result.errors[0].to_string();
  EXPECT_TRUE(result.errors[0].message.starts_with("not valid YAML")) << result.errors[0].message;
}

TEST(policy_loader, rejects_several_documents) {
  auto result = load("mode: warn\n---\nmode: audit\n");
  ASSERT_EQ(result.errors.size(), 1u) << describe(result.errors);
  EXPECT_GE(result.errors[0].line, 2) << result.errors[0].to_string();  // the second one
  EXPECT_NE(result.errors[0].message.find("one YAML document"), std::string::npos);
}

// yaml-cpp 0.7's LoadAll loops forever on a stray top-level comma (jbeder/yaml-cpp#1040), so a
// typo in a ConfigMap hung check-config and the reload thread. Found by the policy fuzzer.
TEST(policy_loader, a_stray_comma_is_an_error_not_an_endless_loop) {
  for (const char* text : {",", ",W", "mode: warn\n,\n"}) {
    auto result = load(text);
    ASSERT_EQ(result.errors.size(), 1u) << text << ": " << describe(result.errors);
    EXPECT_TRUE(result.errors[0].message.starts_with("not valid YAML")) << result.errors[0].message;
    EXPECT_EQ(result.value, nullptr);
  }
}

// ---- namespace overrides -------------------------------------------------------------------

TEST(policy_loader, first_matching_namespace_entry_wins) {
  auto p = load_ok(R"(mode: enforce
namespaces:
  - match: "prod-eu"
    mode: audit
  - match: "prod-*"
    mode: warn
  - match: "*"
    podSecurity: {level: privileged}
)");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->settings_for("prod-eu").mode, action::audit);
  EXPECT_EQ(p->settings_for("prod-us").mode, action::warn);
  EXPECT_EQ(p->settings_for("dev").mode, action::enforce);
  EXPECT_EQ(p->settings_for("dev").pod_security.level, pss_level::privileged);
  // The catch-all does not reach namespaces an earlier entry took.
  EXPECT_EQ(p->settings_for("prod-us").pod_security.level, pss_level::baseline);
}

TEST(policy_loader, namespace_fields_replace_and_unset_fields_inherit) {
  auto p = load_ok(R"(mode: warn
images:
  allow: ["registry.example.com/**"]
  deny: ["**/xmrig*"]
  disallowTags: [latest, dev]
podSecurity: {level: baseline, version: v1.29}
namespaces:
  - match: "prod-*"
    images: {requireDigest: true, deny: ["**/debug*"]}
    podSecurity: {level: restricted}
)");
  ASSERT_NE(p, nullptr);
  const namespace_settings& prod = p->settings_for("prod-eu");
  EXPECT_EQ(prod.mode, action::warn);                                       // inherited
  EXPECT_TRUE(prod.images.require_digest);                                  // given
  EXPECT_EQ(texts(prod.images.deny), strings{"**/debug*"});                 // list replaced
  EXPECT_EQ(texts(prod.images.allow), strings{"registry.example.com/**"});  // inherited
  EXPECT_EQ(prod.images.disallow_tags, (strings{"latest", "dev"}));         // inherited
  EXPECT_EQ(prod.pod_security.level, pss_level::restricted);                // given
  EXPECT_EQ(prod.pod_security.version, pss_version{29});                    // inherited

  const namespace_settings& other = p->settings_for("dev");
  EXPECT_FALSE(other.images.require_digest);
  EXPECT_EQ(texts(other.images.deny), strings{"**/xmrig*"});
  EXPECT_EQ(other.pod_security.level, pss_level::baseline);
}

TEST(policy_loader, namespace_empty_list_replaces_a_global_list) {
  auto p = load_ok(R"(images:
  allow: ["registry.example.com/**"]
namespaces:
  - match: sandbox
    images: {allow: [], disallowTags: []}
)");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->settings_for("sandbox").images.allow.empty());
  EXPECT_TRUE(p->settings_for("sandbox").images.disallow_tags.empty());
  EXPECT_EQ(p->settings_for("default").images.allow.size(), 1u);
}

TEST(policy_loader, namespace_entries_inherit_globals_written_after_them) {
  auto p = load_ok(R"(namespaces:
  - match: "prod-*"
    images: {requireDigest: true}
  - match: "dev-*"
    mode: audit
mode: warn
images:
  allow: ["registry.example.com/**"]
  deny: ["**/xmrig*"]
  disallowTags: [dev]
podSecurity: {level: restricted, version: v1.30}
)");
  ASSERT_NE(p, nullptr);
  const namespace_settings& prod = p->settings_for("prod-eu");
  EXPECT_EQ(prod.mode, action::warn);
  EXPECT_TRUE(prod.images.require_digest);
  EXPECT_EQ(texts(prod.images.allow), strings{"registry.example.com/**"});
  EXPECT_EQ(texts(prod.images.deny), strings{"**/xmrig*"});
  EXPECT_EQ(prod.images.disallow_tags, strings{"dev"});
  EXPECT_EQ(prod.pod_security.level, pss_level::restricted);
  EXPECT_EQ(prod.pod_security.version, pss_version{30});

  const namespace_settings& dev = p->settings_for("dev-1");
  EXPECT_EQ(dev.mode, action::audit);
  EXPECT_FALSE(dev.images.require_digest);
  EXPECT_EQ(texts(dev.images.allow), strings{"registry.example.com/**"});
  EXPECT_EQ(dev.pod_security.level, pss_level::restricted);
}

TEST(policy_loader, namespace_override_patterns_are_compiled_like_global_ones) {
  auto p = load_ok(R"(namespaces:
  - match: "prod-*"
    images: {allow: ["nginx:1.*"]}
)");
  ASSERT_NE(p, nullptr);
  const auto& allow = p->settings_for("prod-a").images.allow;
  ASSERT_EQ(allow.size(), 1u);
  EXPECT_TRUE(allow[0].versioned);
  EXPECT_TRUE(allow[0].compiled.matches("docker.io/library/nginx:1.27"));
}

// ---- settings_for --------------------------------------------------------------------------

TEST(settings_for, returns_the_global_settings_without_namespace_entries) {
  policy p;
  p.global.mode = action::audit;
  EXPECT_EQ(&p.settings_for("anything"), &p.global);
  EXPECT_EQ(&p.settings_for(""), &p.global);
}

TEST(settings_for, returns_the_first_matching_entry) {
  policy p;
  namespace_settings a;
  a.mode = action::warn;
  namespace_settings b;
  b.mode = action::audit;
  p.namespaces.push_back({glob::name("team-*"), a});
  p.namespaces.push_back({glob::name("team-a"), b});
  EXPECT_EQ(&p.settings_for("team-a"), &p.namespaces[0].settings);
  EXPECT_EQ(p.settings_for("team-a").mode, action::warn);
  EXPECT_EQ(&p.settings_for("other"), &p.global);
  // Matching is anchored and case-sensitive.
  EXPECT_EQ(&p.settings_for("my-team-a"), &p.global);
  EXPECT_EQ(&p.settings_for("Team-a"), &p.global);
}

// ---- exemption_set -------------------------------------------------------------------------

user_info user(std::string name, std::vector<std::string> groups = {}) {
  return user_info{std::move(name), "", std::move(groups)};
}

TEST(exemption_set, empty_set_matches_nothing) {
  exemption_set none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.matches("kube-system", user("admin", {"system:masters"})));
}

TEST(exemption_set, matches_namespaces_by_glob) {
  exemption_set s;
  s.namespaces = {glob::name("kube-*")};
  EXPECT_FALSE(s.empty());
  EXPECT_TRUE(s.matches("kube-system", user("alice")));
  EXPECT_FALSE(s.matches("default", user("alice")));
  EXPECT_FALSE(s.matches("my-kube-system", user("alice")));
}

TEST(exemption_set, namespace_glob_never_matches_a_cluster_scoped_request) {
  exemption_set s;
  s.namespaces = {glob::name("*")};
  EXPECT_TRUE(s.matches("default", user("alice")));
  EXPECT_FALSE(s.matches("", user("alice")));
}

TEST(exemption_set, matches_users_by_glob) {
  exemption_set s;
  s.users = {glob::name("system:serviceaccount:kube-system:*")};
  EXPECT_TRUE(
      s.matches("default", user("system:serviceaccount:kube-system:daemon-set-controller")));
  EXPECT_TRUE(s.matches("", user("system:serviceaccount:kube-system:x")));
  EXPECT_FALSE(s.matches("default", user("system:serviceaccount:default:x")));
  EXPECT_FALSE(s.matches("default", user("System:serviceaccount:kube-system:x")));
}

TEST(exemption_set, matches_when_any_group_matches) {
  exemption_set s;
  s.groups = {glob::name("oncall-*")};
  EXPECT_TRUE(s.matches("default", user("bob", {"system:authenticated", "oncall-sre"})));
  EXPECT_FALSE(s.matches("default", user("bob", {"system:authenticated"})));
  EXPECT_FALSE(s.matches("default", user("oncall-bob")));  // a user name is not a group
}

TEST(exemption_set, loaded_exemptions_match_like_the_contract_says) {
  auto p = load_ok(R"(exemptions:
  namespaces: [kube-system]
  users: ["system:serviceaccount:kube-system:daemon-set-controller"]
  groups: ["breakglass"]
rules:
  pod-exec: {exemptions: {users: ["oncall-*"]}}
)");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->exemptions.matches("kube-system", user("alice")));
  EXPECT_TRUE(p->exemptions.matches(
      "default", user("system:serviceaccount:kube-system:daemon-set-controller")));
  EXPECT_TRUE(p->exemptions.matches("default", user("alice", {"breakglass"})));
  EXPECT_FALSE(p->exemptions.matches("default", user("alice", {"dev"})));
  EXPECT_TRUE(p->rule(rule_id::pod_exec).exemptions.matches("default", user("oncall-carol")));
  EXPECT_FALSE(p->rule(rule_id::pod_exec).exemptions.matches("default", user("carol")));
}

}  // namespace
}  // namespace launchguard
