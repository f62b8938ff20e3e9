#include "policy/rules/pod_security.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include "policy/rules/pod_security_checks.hpp"

namespace launchguard {

std::string_view to_string(pss_level level) {
  switch (level) {
    case pss_level::privileged:
      return "privileged";
    case pss_level::baseline:
      return "baseline";
    case pss_level::restricted:
      return "restricted";
  }
  return "restricted";
}

// Exact, case-sensitive names, as upstream's api.ParseLevel.
std::optional<pss_level> pss_level_from(std::string_view text) {
  if (text == "privileged") return pss_level::privileged;
  if (text == "baseline") return pss_level::baseline;
  if (text == "restricted") return pss_level::restricted;
  return std::nullopt;
}

// Upstream's api.ParseVersion accepts "latest" or ^v1\.([0-9]|[1-9][0-9]*)$ only, so "v1.05"
// and "v2.0" are errors there too, not other spellings of a version.
std::optional<pss_version> pss_version_from(std::string_view text) {
  if (text == "latest") return pss_version{};
  constexpr std::string_view prefix = "v1.";
  if (!text.starts_with(prefix)) return std::nullopt;
  std::string_view digits = text.substr(prefix.size());
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
  int minor = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return std::nullopt;
    if (minor > (std::numeric_limits<int>::max() - (ch - '0')) / 10) return std::nullopt;
    minor = minor * 10 + (ch - '0');
  }
  return pss_version{minor};
}

namespace pss_detail {

void unique_list::add(std::string_view item) {
  if (std::find(items_.begin(), items_.end(), item) == items_.end()) items_.emplace_back(item);
}

std::string unique_list::join(std::string_view separator, bool quote) const {
  std::string text;
  for (const std::string& item : items_) {
    if (!text.empty()) text += separator;
    text += quote ? '"' + item + '"' : item;
  }
  return text;
}

void finding::add_pod(std::string_view field) {
  pod = true;
  fields.add("spec." + std::string(field));
}

void finding::add_container(const container& c, std::string_view field) {
  containers.add(c.name);
  fields.add(container_path(c, field));
}

std::vector<std::string> finding::setters() const {
  std::vector<std::string> parts;
  if (pod) parts.emplace_back("pod");
  if (!containers.empty()) parts.push_back(named("container", containers));
  return parts;
}

std::string finding::subject(std::string_view singular_verb, std::string_view plural_verb) const {
  std::size_t count = (pod ? 1 : 0) + containers.size();
  return join_and(setters()) + ' ' + std::string(count > 1 ? plural_verb : singular_verb);
}

string_pairs finding::evidence() const {
  string_pairs evidence;
  if (!containers.empty()) evidence.emplace_back("containers", containers.joined());
  if (!fields.empty()) evidence.emplace_back("field", fields.joined());
  if (!values.empty()) evidence.emplace_back("value", values.joined());
  return evidence;
}

std::string named(std::string_view noun, const unique_list& names) {
  std::string text(noun);
  if (names.size() > 1) text += 's';
  return text + ' ' + names.quoted();
}

const char* plural(std::size_t count, const char* one, const char* many) {
  return count > 1 ? many : one;
}

std::string join_and(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) {
    if (!text.empty()) text += " and ";
    text += part;
  }
  return text;
}

std::string container_path(const container& c, std::string_view field) {
  return "spec." + std::string(to_string(c.kind)) + "[*]." + std::string(field);
}

const container_security_context* security_of(const container& c) {
  return c.security_context ? &*c.security_context : nullptr;
}

const pod_security_context* security_of(const pod_spec& spec) {
  return spec.security_context ? &*spec.security_context : nullptr;
}

bool windows_pod(const pod_spec& spec) {
  return spec.os_name == "windows";
}

bool user_namespace_pod(const pod_spec& spec) {
  return spec.host_users.has_value() && !*spec.host_users;
}

bool allowed_seccomp_type(std::string_view type) {
  return type == "RuntimeDefault" || type == "Localhost";
}

namespace {

// One upstream check. `since` is the first policy version (v1.`since`) that runs it; a
// restricted check that `overrides` a baseline check replaces it at the restricted level from
// that same version on, as upstream's OverrideCheckIDs do (each override starts with the first
// version of the restricted check that declares it).
struct pss_check {
  rule_id id;
  pss_level level;
  int since;
  std::optional<rule_id> overrides;
  check_fn run;
};

// Catalog order, which is also the order of the violations.
constexpr std::array<pss_check, 19> checks{{
    {rule_id::pss_host_process, pss_level::baseline, 0, {}, check_host_process},
    {rule_id::pss_host_namespaces, pss_level::baseline, 0, {}, check_host_namespaces},
    {rule_id::pss_privileged, pss_level::baseline, 0, {}, check_privileged},
    {rule_id::pss_capabilities_baseline, pss_level::baseline, 0, {}, check_capabilities_baseline},
    {rule_id::pss_host_path_volumes, pss_level::baseline, 0, {}, check_host_path_volumes},
    {rule_id::pss_host_ports, pss_level::baseline, 0, {}, check_host_ports},
    {rule_id::pss_host_probes, pss_level::baseline, 34, {}, check_host_probes},
    {rule_id::pss_apparmor, pss_level::baseline, 0, {}, check_apparmor},
    {rule_id::pss_selinux, pss_level::baseline, 0, {}, check_selinux},
    {rule_id::pss_proc_mount, pss_level::baseline, 0, {}, check_proc_mount},
    {rule_id::pss_seccomp_baseline, pss_level::baseline, 0, {}, check_seccomp_baseline},
    {rule_id::pss_sysctls, pss_level::baseline, 0, {}, check_sysctls},
    {rule_id::pss_restricted_volumes, pss_level::restricted, 0, rule_id::pss_host_path_volumes,
     check_restricted_volumes},
    {rule_id::pss_allow_privilege_escalation,
     pss_level::restricted,
     8,
     {},
     check_allow_privilege_escalation},
    {rule_id::pss_run_as_non_root, pss_level::restricted, 0, {}, check_run_as_non_root},
    {rule_id::pss_run_as_user, pss_level::restricted, 23, {}, check_run_as_user},
    {rule_id::pss_seccomp_restricted, pss_level::restricted, 19, rule_id::pss_seccomp_baseline,
     check_seccomp_restricted},
    {rule_id::pss_capabilities_restricted, pss_level::restricted, 22,
     rule_id::pss_capabilities_baseline, check_capabilities_restricted},
    {rule_id::pss_proc_mount_restricted, pss_level::restricted, 35, rule_id::pss_proc_mount,
     check_proc_mount_restricted},
}};

bool overridden(rule_id id, pss_level level, pss_version version) {
  if (level != pss_level::restricted) return false;
  return std::any_of(checks.begin(), checks.end(), [&](const pss_check& c) {
    return c.overrides == id && version.at_least(c.since);
  });
}

bool runs(const pss_check& c, pss_level level, pss_version version) {
  return c.level <= level && version.at_least(c.since) && !overridden(c.id, level, version);
}

}  // namespace
}  // namespace pss_detail

void check_pod_security(const pod_template& pod, pss_level level, pss_version version,
                        violations& out) {
  if (level == pss_level::privileged) return;
  for (const pss_detail::pss_check& c : pss_detail::checks) {
    if (pss_detail::runs(c, level, version)) c.run(pod, version, out);
  }
}

}  // namespace launchguard
