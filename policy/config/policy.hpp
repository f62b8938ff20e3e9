#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config/duration.hpp"
#include "policy/config/glob.hpp"
#include "policy/model/admission_request.hpp"
#include "policy/rules/pod_security.hpp"
#include "policy/rules/rule_id.hpp"
#include "policy/rules/severity.hpp"

namespace launchguard {

enum class failure_mode : std::uint8_t { closed, open };

// An image pattern as written and compiled. Patterns without a tag or digest match any tag
// and digest of the repository they name.
struct image_pattern {
  std::string text;  // as written in the policy
  glob compiled;     // over the normalized pattern
  bool versioned = false;
};

struct image_settings {
  std::vector<image_pattern> allow;  // empty: any registry
  std::vector<image_pattern> deny;
  bool require_digest = false;
  std::vector<std::string> disallow_tags{"latest"};
};

struct pod_security_settings {
  pss_level level = pss_level::baseline;
  pss_version version;
};

// Namespaces, users and groups a request can match to be exempt.
struct exemption_set {
  std::vector<glob> namespaces;
  std::vector<glob> users;
  std::vector<glob> groups;

  bool matches(std::string_view namespace_name, const user_info& user) const;
  bool empty() const { return namespaces.empty() && users.empty() && groups.empty(); }
};

// What is in force in one namespace: the global settings with the first matching namespace
// entry's fields laid over them, merged once at load time.
struct namespace_settings {
  action mode = action::enforce;
  image_settings images;
  pod_security_settings pod_security;
};

struct namespace_entry {
  glob match;
  namespace_settings settings;
};

struct rule_settings {
  std::optional<action> configured;  // rules.<id>.action; the catalog default otherwise
  exemption_set exemptions;
};

// A workload whose deletion or scale-down blinds the cluster's sensors.
struct security_workload {
  glob namespace_glob;
  std::string kind;  // "DaemonSet", "Deployment", ... or "*"
  glob name;
};

struct evasion_settings {
  std::vector<std::string> sensitive_host_paths;  // added to the built-in list
  string_pairs opt_out_annotations;               // added to the built-in list
  std::vector<security_workload> security_workloads;
};

struct provenance_settings {
  std::vector<glob> protected_namespaces;
  std::vector<glob> trusted_deployers;
  std::vector<glob> webhook_names{glob::name("*launchguard*")};
  std::vector<glob> uncovered_namespaces;
};

struct resource_ceiling {
  double cpu = 16;                            // cores
  double memory = 64.0 * 1024 * 1024 * 1024;  // bytes
  double gpu = 1;
};

struct rate_settings {
  duration_ms window{60'000};
  std::int64_t per_principal = 50;
  std::int64_t per_namespace = 200;
  double spike_factor = 5;
  std::int64_t spike_minimum = 20;
  std::int64_t warmup_windows = 10;
  std::vector<glob> ignore_principals;
  resource_ceiling pod_ceiling;
};

struct secrets_enumeration_settings {
  std::int64_t distinct = 10;
  duration_ms window{5 * 60'000};
};

// A loaded, validated policy. Immutable once built: requests share one through a
// shared_ptr<const policy>, and a reload builds a new one.
//
//   auto loaded = load_policy(text, "policy.yaml");
//   const namespace_settings& s = loaded.value->settings_for("prod-eu");
struct policy {
  std::string source;  // where it came from, for messages
  failure_mode failure = failure_mode::closed;
  exemption_set exemptions;
  namespace_settings global;
  std::vector<namespace_entry> namespaces;
  std::array<rule_settings, rule_count> rules{};
  evasion_settings evasion;
  provenance_settings provenance;
  rate_settings rate;
  secrets_enumeration_settings secrets_enumeration;
  duration_ms dedup_window{10 * 60'000};
  duration_ms alert_retention{30LL * 86'400'000};
  std::int64_t max_alerts = 1'000'000;
  std::int64_t tracked_keys = 1'000'000;

  // The settings of the first namespace entry whose glob matches, else the global ones.
  const namespace_settings& settings_for(std::string_view namespace_name) const;
  const rule_settings& rule(rule_id id) const { return rules[index_of(id)]; }
};

}  // namespace launchguard
