#pragma once

// Pods for the Pod Security Standards tests, built directly as values: a pod that passes every
// check, which each test then breaks in exactly one place.

#include <algorithm>
#include <array>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "policy/rules/pod_security.hpp"
#include "policy/rules/rule_id.hpp"

namespace launchguard {

// Readable rule ids in assertion failures.
inline void PrintTo(rule_id id, std::ostream* os) {
  *os << to_string(id);
}

namespace pss_test {

inline constexpr std::array all_kinds{container_kind::regular, container_kind::init,
                                      container_kind::ephemeral};

inline container make_container(std::string name, container_kind kind = container_kind::regular) {
  container c;
  c.kind = kind;
  c.name = std::move(name);
  c.image = "registry.example/app:1.0";
  return c;
}

// Passes restricted at every version: runAsNonRoot and seccomp at pod level, and each
// container drops ALL and forbids privilege escalation.
inline pod_template restricted_pod(std::vector<container> containers = {make_container("app")}) {
  pod_template pod;
  pod.metadata.name = "web";
  pod_security_context& psc = pod.spec.security_context.emplace();
  psc.run_as_non_root = true;
  psc.seccomp_profile = security_profile{"RuntimeDefault", ""};
  for (container& c : containers) {
    container_security_context& sc = c.security_context.emplace();
    sc.allow_privilege_escalation = false;
    sc.caps = capabilities{{}, {"ALL"}};
  }
  pod.spec.containers = std::move(containers);
  return pod;
}

// Sets nothing at all: passes baseline, fails restricted.
inline pod_template plain_pod(std::vector<container> containers = {make_container("app")}) {
  pod_template pod;
  pod.metadata.name = "web";
  pod.spec.containers = std::move(containers);
  return pod;
}

inline container_security_context& sc(pod_template& pod, std::size_t index = 0) {
  auto& slot = pod.spec.containers.at(index).security_context;
  return slot ? *slot : slot.emplace();
}

inline pod_security_context& pod_sc(pod_template& pod) {
  auto& slot = pod.spec.security_context;
  return slot ? *slot : slot.emplace();
}

inline pss_version v1(int minor) {
  return pss_version{minor};
}

inline violations evaluate(const pod_template& pod, pss_level level,
                           pss_version version = pss_version{}) {
  violations found;
  check_pod_security(pod, level, version, found);
  return found;
}

inline std::vector<rule_id> rules_of(const violations& found) {
  std::vector<rule_id> ids;
  for (const violation& v : found)
    ids.push_back(v.rule);
  return ids;
}

inline const violation* find_rule(const violations& found, rule_id id) {
  auto it =
      std::find_if(found.begin(), found.end(), [&](const violation& v) { return v.rule == id; });
  return it == found.end() ? nullptr : &*it;
}

inline bool fires(const pod_template& pod, rule_id id, pss_level level = pss_level::restricted,
                  pss_version version = pss_version{}) {
  return find_rule(evaluate(pod, level, version), id) != nullptr;
}

// The single violation of `id`, or an empty one (rule differs) after a test failure.
inline violation only(const pod_template& pod, rule_id id, pss_level level = pss_level::restricted,
                      pss_version version = pss_version{}) {
  violations found = evaluate(pod, level, version);
  if (rules_of(found) != std::vector<rule_id>{id}) {
    ADD_FAILURE() << "expected only " << to_string(id) << ", found " << found.size()
                  << " violations" << (found.empty() ? "" : ", first: " + found[0].message);
    return violation{rule_id::state_backend_degraded, "", {}};
  }
  return found[0];
}

inline std::string evidence(const violation& v, std::string_view key) {
  auto value = find_value(v.evidence, key);
  return value ? std::string(*value) : std::string("<absent>");
}

}  // namespace pss_test
}  // namespace launchguard
