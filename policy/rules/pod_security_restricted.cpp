// The restricted checks of Pod Security Admission, one function per upstream check. Each
// comment names the upstream check id and the policy versions at which it changed. Three of
// them exempt Windows pods from v1.25 (API validation already refuses those Linux-only fields
// on a pod with spec.os.name: windows), and two skip pods with spec.hostUsers: false from v1.35
// (root in a user namespace is not root on the node).

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "policy/rules/pod_security_checks.hpp"

namespace launchguard::pss_detail {
namespace {

// restrictedVolumes: the inline volume sources that need no host or network access. image
// was added (v1.33) inside the single v1.0 revision, so it is allowed at every version.
constexpr std::array<std::string_view, 9> allowed_volume_sources{
    "configMap", "csi",   "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim",
    "projected", "secret"};

bool allowed_volume_source(std::string_view source) {
  for (std::string_view s : allowed_volume_sources) {
    if (s == source) return true;
  }
  return false;
}

void merge(finding& into, const finding& from) {
  into.pod = into.pod || from.pod;
  for (const std::string& name : from.containers.items()) {
    into.containers.add(name);
  }
  for (const std::string& field : from.fields.items()) {
    into.fields.add(field);
  }
  for (const std::string& value : from.values.items()) {
    into.values.add(value);
  }
}

// For the checks a container may satisfy itself or inherit from the pod (runAsNonRoot,
// seccompProfile): `bad` holds the explicit forbidden settings, `missing` the containers left
// with nothing allowed. Both go in one message, explicit settings first.
void report_inherited(rule_id rule, const finding& bad, std::string_view bad_tail,
                      const finding& missing, std::string_view missing_tail, violations& out) {
  if (bad.empty() && missing.empty()) return;
  std::string message;
  if (!bad.empty()) message = bad.subject("sets", "set") + std::string(bad_tail);
  if (!missing.empty()) {
    if (!message.empty()) message += "; ";
    message += "pod or " + named("container", missing.containers) + std::string(missing_tail);
  }
  finding all = bad;
  merge(all, missing);
  out.push_back({rule, std::move(message), all.evidence()});
}

}  // namespace

// restrictedVolumes (v1.0): every volume must use one of the allowed sources; a volume with no
// recognised source is reported as "unknown", as upstream does. Overrides hostPathVolumes.
void check_restricted_volumes(const pod_template& pod, pss_version, violations& out) {
  unique_list names;
  unique_list types;
  unique_list fields;
  for (const volume& v : pod.spec.volumes) {
    if (allowed_volume_source(v.source)) continue;
    names.add(v.name);
    types.add(v.source.empty() ? "unknown" : v.source);
    fields.add(v.source.empty() ? "spec.volumes[*]" : "spec.volumes[*]." + v.source);
  }
  if (names.empty()) return;
  out.push_back(
      {rule_id::pss_restricted_volumes,
       named("volume", names) + plural(names.size(), " uses", " use") + " restricted volume " +
           plural(types.size(), "type ", "types ") + types.quoted(),
       {{"volumes", names.joined()}, {"field", fields.joined()}, {"value", types.joined()}}});
}

// allowPrivilegeEscalation (v1.8, when the field appeared; v1.25 exempts Windows pods): every
// container must set allowPrivilegeEscalation to false explicitly.
void check_allow_privilege_escalation(const pod_template& pod, pss_version version,
                                      violations& out) {
  if (version.at_least(25) && windows_pod(pod.spec)) return;
  finding f;
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (sc && !sc->allow_privilege_escalation.value_or(true)) continue;
    f.add_container(c, "securityContext.allowPrivilegeEscalation");
  }
  if (f.empty()) return;
  out.push_back({rule_id::pss_allow_privilege_escalation,
                 named("container", f.containers) +
                     " must set securityContext.allowPrivilegeEscalation=false",
                 f.evidence()});
}

// runAsNonRoot (v1.0; v1.35 skips pods with hostUsers: false, a relaxation that earlier sat
// behind the alpha, off-by-default UserNamespacesPodSecurityStandards gate). The pod must not
// set false, no container may set false, and a container that leaves it unset needs the pod to
// set true. Windows pods are not exempt.
void check_run_as_non_root(const pod_template& pod, pss_version version, violations& out) {
  if (version.at_least(35) && user_namespace_pod(pod.spec)) return;
  constexpr std::string_view field = "securityContext.runAsNonRoot";
  finding bad;
  finding missing;
  bool pod_true = false;
  const pod_security_context* pod_sc = security_of(pod.spec);
  if (pod_sc && pod_sc->run_as_non_root) {
    if (*pod_sc->run_as_non_root) {
      pod_true = true;
    } else {
      bad.add_pod(field);
    }
  }
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (sc && sc->run_as_non_root) {
      if (!*sc->run_as_non_root) bad.add_container(c, field);
    } else if (!pod_true) {
      missing.add_pod(field);
      missing.add_container(c, field);
    }
  }
  report_inherited(rule_id::pss_run_as_non_root, bad, " securityContext.runAsNonRoot=false",
                   missing, " must set securityContext.runAsNonRoot=true", out);
}

// runAsUser (v1.23; v1.35 skips pods with hostUsers: false, as runAsNonRoot): runAsUser must not
// be 0 on the pod or on any container; unset is fine.
void check_run_as_user(const pod_template& pod, pss_version version, violations& out) {
  if (version.at_least(35) && user_namespace_pod(pod.spec)) return;
  constexpr std::string_view field = "securityContext.runAsUser";
  finding f;
  const pod_security_context* pod_sc = security_of(pod.spec);
  if (pod_sc && pod_sc->run_as_user == 0) f.add_pod(field);
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (sc && sc->run_as_user == 0) f.add_container(c, field);
  }
  if (f.empty()) return;
  out.push_back({rule_id::pss_run_as_user,
                 f.subject("sets", "set") + " securityContext.runAsUser=0", f.evidence()});
}

// seccompProfile_restricted (v1.19; v1.25 exempts Windows pods): seccompProfile.type must be
// RuntimeDefault or Localhost, set on each container or inherited from the pod; an explicit
// bad value anywhere fails. Overrides seccompProfile_baseline.
void check_seccomp_restricted(const pod_template& pod, pss_version version, violations& out) {
  if (version.at_least(25) && windows_pod(pod.spec)) return;
  constexpr std::string_view field = "securityContext.seccompProfile.type";
  finding bad;
  finding missing;
  bool pod_allowed = false;
  const pod_security_context* pod_sc = security_of(pod.spec);
  if (pod_sc && pod_sc->seccomp_profile) {
    pod_allowed = allowed_seccomp_type(pod_sc->seccomp_profile->type);
    if (!pod_allowed) {
      bad.add_pod(field);
      bad.values.add(pod_sc->seccomp_profile->type);
    }
  }
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    if (sc && sc->seccomp_profile) {
      if (allowed_seccomp_type(sc->seccomp_profile->type)) continue;
      bad.add_container(c, field);
      bad.values.add(sc->seccomp_profile->type);
    } else if (!pod_allowed) {
      missing.add_pod(field);
      missing.add_container(c, field);
    }
  }
  report_inherited(rule_id::pss_seccomp_restricted, bad,
                   " securityContext.seccompProfile.type " + bad.values.quoted(), missing,
                   " must set securityContext.seccompProfile.type to RuntimeDefault or Localhost",
                   out);
}

// capabilities_restricted (v1.22; v1.25 exempts Windows pods): every container must drop ALL
// and may add back only NET_BIND_SERVICE. Overrides capabilities_baseline, also for the Windows
// pods it exempts, as upstream does.
void check_capabilities_restricted(const pod_template& pod, pss_version version, violations& out) {
  if (version.at_least(25) && windows_pod(pod.spec)) return;
  finding no_drop;
  finding bad_add;
  for (const container& c : pod.spec.containers) {
    const container_security_context* sc = security_of(c);
    const capabilities* caps = sc && sc->caps ? &*sc->caps : nullptr;
    if (!caps || std::find(caps->drop.begin(), caps->drop.end(), "ALL") == caps->drop.end()) {
      no_drop.add_container(c, "securityContext.capabilities.drop");
    }
    if (!caps) continue;
    for (const std::string& cap : caps->add) {
      if (cap == "NET_BIND_SERVICE") continue;
      bad_add.add_container(c, "securityContext.capabilities.add");
      bad_add.values.add(cap);
    }
  }
  std::string message;
  if (!no_drop.empty()) {
    message = named("container", no_drop.containers) +
              " must set securityContext.capabilities.drop=[\"ALL\"]";
  }
  if (!bad_add.empty()) {
    if (!message.empty()) message += "; ";
    message += bad_add.subject("adds", "add") + ' ' + bad_add.values.quoted() +
               " (only NET_BIND_SERVICE may be added)";
  }
  if (message.empty()) return;
  merge(no_drop, bad_add);
  out.push_back({rule_id::pss_capabilities_restricted, std::move(message), no_drop.evidence()});
}

// procMount_restricted (new in v1.35): the v1.0 procMount rule, unset or "Default", with no
// user-namespace relaxation. Overrides procMount, so restricted keeps refusing Unmasked for
// pods with hostUsers: false that baseline now admits.
void check_proc_mount_restricted(const pod_template& pod, pss_version, violations& out) {
  report_proc_mount(pod, rule_id::pss_proc_mount_restricted, out);
}

}  // namespace launchguard::pss_detail
