#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "policy/model/pod_spec.hpp"
#include "policy/rules/violation.hpp"

namespace launchguard {

// The Pod Security Standards levels; each includes the checks of the ones before it.
enum class pss_level : std::uint8_t { privileged, baseline, restricted };

std::string_view to_string(pss_level level);
std::optional<pss_level> pss_level_from(std::string_view text);

// A Pod Security Admission version: "latest" or "v1.N". Checks that changed between
// Kubernetes versions evaluate as they did in that version.
struct pss_version {
  int minor = -1;  // -1: latest

  bool latest() const { return minor < 0; }
  // True when this version includes behaviour introduced in v1.`m`.
  bool at_least(int m) const { return minor < 0 || minor >= m; }
  friend bool operator==(const pss_version&, const pss_version&) = default;
};

// "latest" or "v1.N" (N a number); nullopt for anything else.
std::optional<pss_version> pss_version_from(std::string_view text);

// Runs every Pod Security Standards check of `level` (as of `version`) over one pod template
// and appends one violation per failing check, with the rule ids pss-*. The privileged level
// checks nothing. Upstream exceptions apply: Windows pods (spec.os.name: windows) skip the
// Linux-only restricted checks, and pods with spec.hostUsers: false skip the checks that user
// namespaces make safe, each exactly from the version upstream introduced it.
//
//   violations found;
//   check_pod_security(pod, pss_level::restricted, pss_version{}, found);
void check_pod_security(const pod_template& pod, pss_level level, pss_version version,
                        violations& out);

}  // namespace launchguard
