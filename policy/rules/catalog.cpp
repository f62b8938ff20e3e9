#include "policy/rules/catalog.hpp"

#include <type_traits>

namespace launchguard {
namespace {

constexpr std::uint8_t both = from_admission | from_audit;
constexpr std::uint8_t audit_only = from_audit;

// The Pod Security Standards checks share their response steps: they judge the same pod spec
// and a responder asks the same questions; only the field named in the alert evidence differs.
constexpr response_steps pss_baseline_response{
    .investigate =
        "Read the fields named in the alert evidence with `kubectl get pod -n NS NAME -o yaml` "
        "(or the owner's template) and the launcher with `curl -H \"Authorization: Bearer $TOKEN\" "
        "\"https://launchguard.launchguard.svc:8443/alerts?rule=RULE\"`.",
    .contain =
        "If the pod runs (audit or warn mode, exempt namespace), isolate its node with `kubectl "
        "cordon NODE` and remove the pod with `kubectl delete pod -n NS NAME`.",
    .analyse =
        "Treat the node as possibly touched: list the launcher's rights with `kubectl auth can-i "
        "--list --as USER` and find their other launches with `launchguard scan --config "
        "policy.yaml --format json audit.log`.",
    .remediate =
        "Fix the manifest at its source and confirm it passes with `launchguard review --config "
        "policy.yaml manifest.yaml`; if the container ran, drain and rebuild the node (`kubectl "
        "drain NODE --ignore-daemonsets`).",
    .report =
        "Report the rule, pod, node, launcher and decisionID, and whether the container ran before "
        "it was removed.",
};

constexpr response_steps pss_restricted_response{
    .investigate =
        "Read the securityContext fields named in the alert evidence with `kubectl get pod -n NS "
        "NAME -o yaml` and see how widespread the finding is with `curl -H \"Authorization: Bearer "
        "$TOKEN\" \"https://launchguard.launchguard.svc:8443/alerts?rule=RULE\"`.",
    .contain =
        "Usually a hardening gap rather than an attack; contain only an unknown workload, with "
        "`kubectl scale deploy -n NS OWNER --replicas=0`.",
    .analyse =
        "Check whether the image needs the setting (`skopeo inspect --config docker://IMAGE` shows "
        "its user) and whether the owning team knows.",
    .remediate =
        "Set the restricted securityContext in the chart or manifest and confirm with `launchguard "
        "review --config policy.yaml manifest.yaml`.",
    .report = "Track it as a hardening finding for the owning team, naming namespace and workload.",
};

// Built on first use rather than at namespace scope, so other translation units may call
// rule_of() from their own static initializers.
const rule_info* catalog_entries() {
  static const rule_info entries[] = {
      {
          .id = rule_id::image_registry_not_allowed,
          .title = "Image from a registry outside the allow list",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Execution", "Defense Evasion"},
          .techniques = {"T1610", "T1204.003"},
          .goal = "Keep workloads to images from vetted registries, so an adversary cannot launch "
                  "tooling pulled from a registry they control.",
          .false_positives =
              "Vendor charts pulling from public registries (registry.k8s.io, quay.io, ghcr.io) "
              "for CNI, ingress or monitoring add-ons, and a newly introduced mirror. Add the "
              "registry to images.allow, or give the namespace its own list with a namespaces "
              "entry `images: {allow: [...]}`.",
          .blind_spots =
              "Only the reference is checked: a containerd mirror that serves an allowed name from "
              "another backend, images preloaded on nodes and containers started on the runtime "
              "directly are not seen.",
          .response =
              {
                  .investigate =
                      "Read the image and its launcher: `kubectl get pod -n NS NAME -o "
                      "jsonpath='{.spec.containers[*].image}'` and `curl -H \"Authorization: "
                      "Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=image-registry-not-"
                      "allowed\"`.",
                  .contain =
                      "Enforce mode denied the launch; if it was only recorded, stop the workload "
                      "with `kubectl scale deploy -n NS OWNER --replicas=0` or `kubectl delete pod "
                      "-n NS NAME`.",
                  .analyse =
                      "Inspect the image outside the cluster with `skopeo inspect docker://IMAGE` "
                      "and what else the launcher may do with `kubectl auth can-i --list --as USER "
                      "-n NS`.",
                  .remediate =
                      "Mirror the image into an approved registry, or extend images.allow on "
                      "purpose, then confirm with `launchguard review --config policy.yaml "
                      "manifest.yaml`.",
                  .report =
                      "Record alert id, decisionID, image and launcher, and attach `launchguard "
                      "scan --config policy.yaml --format json audit.log` output for the window.",
              },
      },
      {
          .id = rule_id::image_denied,
          .title = "Image matches a deny pattern",
          .default_severity = severity::critical,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Execution", "Impact"},
          .techniques = {"T1204.003", "T1610", "T1496"},
          .goal = "Block images matching images.deny, such as cryptominers and offensive tooling, "
                  "before they run.",
          .false_positives =
              "Broad patterns catch look-alike names, and sanctioned red-team or scanner jobs use "
              "listed tools. Narrow the pattern in images.deny, or exempt the sanctioned namespace "
              "with rules.image-denied.exemptions.namespaces.",
          .blind_spots =
              "Matching is by name, so a renamed or retagged copy of the same content passes, and "
              "a benign image that downloads its payload at runtime is never denied.",
          .response =
              {
                  .investigate =
                      "Pull the alert with `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=image-denied\"` and "
                      "look for running copies with `kubectl get pods -A -o "
                      "custom-columns=NS:.metadata.namespace,NAME:.metadata.name,IMAGES:.spec."
                      "containers[*].image | grep PATTERN`.",
                  .contain =
                      "Delete any running copy (`kubectl delete pod -n NS NAME --grace-period=0 "
                      "--force`) and `kubectl cordon NODE` until the node is checked.",
                  .analyse =
                      "Treat the launcher's credentials as compromised: list their rights with "
                      "`kubectl auth can-i --list --as USER` and their other requests with "
                      "`launchguard scan --config policy.yaml --format json audit.log`.",
                  .remediate =
                      "Revoke or rotate the launcher's credentials, remove the workload from its "
                      "source, and check the node for leftovers before `kubectl uncordon NODE`.",
                  .report =
                      "Report a probable compromise with image, digest, launcher, source IPs and "
                      "decisionID.",
              },
      },
      {
          .id = rule_id::image_not_pinned,
          .title = "Image not pinned by digest",
          .default_severity = severity::low,
          .default_action = action::warn,
          .sources = both,
          .tactics = {"Persistence", "Execution"},
          .techniques = {"T1525", "T1204.003"},
          .goal = "Where images.requireDigest is on, flag images referenced without a digest, "
                  "since a tag can be repointed to an implanted image with no change in the "
                  "cluster.",
          .false_positives =
              "Development namespaces and third-party charts that reference tags only. Turn it "
              "off for them with a namespaces entry `images: {requireDigest: false}`, or set "
              "rules.image-not-pinned.action: off.",
          .blind_spots =
              "A digest fixes the content, not its trustworthiness: a malicious image pinned by "
              "digest passes, and the digest a node actually pulled for a tag is seen only by "
              "image-tag-drift.",
          .response =
              {
                  .investigate =
                      "Compare the reference with the digest actually running: `kubectl get pod "
                      "-n NS NAME -o jsonpath='{.spec.containers[*].image} "
                      "{.status.containerStatuses[*].imageID}'`.",
                  .contain =
                      "Nothing runs unexpectedly by default (warn); if the tag may have moved, pin "
                      "the known-good digest with `kubectl set image deploy/OWNER -n NS "
                      "CONTAINER=IMAGE@sha256:DIGEST`.",
                  .analyse =
                      "Compare the running digest with the registry's (`skopeo inspect "
                      "docker://IMAGE`) and look for image-tag-drift alerts on the same image.",
                  .remediate =
                      "Have the pipeline write digests into manifests and verify with `launchguard "
                      "review --config policy.yaml manifest.yaml`.",
                  .report =
                      "Report the owning team and the unpinned workloads, listed by `curl -H "
                      "\"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=image-not-pinned\"`.",
              },
      },
      {
          .id = rule_id::image_mutable_tag,
          .title = "Image uses a mutable tag",
          .default_severity = severity::low,
          .default_action = action::warn,
          .sources = both,
          .tactics = {"Persistence", "Execution"},
          .techniques = {"T1525", "T1204.003"},
          .goal = "Flag images whose tag is in images.disallowTags (latest by default, including "
                  "references with neither tag nor digest), tags that are expected to move.",
          .false_positives =
              "Ad hoc pods such as `kubectl run tmp --image=busybox` and dev environments that "
              "follow a latest build. Edit images.disallowTags, or relax it for dev namespaces "
              "with a namespaces entry `images: {disallowTags: []}`.",
          .blind_spots =
              "Most registries let any tag move; only the listed tags are flagged, so an "
              "overwritten version tag looks fine here (image-tag-drift watches for that).",
          .response =
              {
                  .investigate =
                      "Find the workload and launcher with `kubectl get pod -n NS NAME -o yaml` "
                      "and `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=image-mutable-"
                      "tag\"`.",
                  .contain =
                      "Pin the running digest so restarts pull nothing new: `kubectl set image "
                      "deploy/OWNER -n NS CONTAINER=IMAGE@sha256:DIGEST`.",
                  .analyse =
                      "Check the digest the tag resolved to at launch (its status imageID) against "
                      "the registry with `skopeo inspect docker://IMAGE`.",
                  .remediate =
                      "Use a version tag plus digest in the source manifest and re-check with "
                      "`launchguard review --config policy.yaml manifest.yaml`.",
                  .report =
                      "Report to the owning team with the manifest location; it is an incident "
                      "only if the digest is unknown.",
              },
      },
      {
          .id = rule_id::image_first_seen,
          .title = "Image never seen before in the cluster",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Execution", "Persistence"},
          .techniques = {"T1610", "T1204.003", "T1525"},
          .goal = "Record the first launch of each image, raised to high when the launcher is not "
                  "a trusted deployer, since new tooling usually arrives as a new image.",
          .false_positives =
              "Every CI release builds new images, and right after installation or a state store "
              "reset every running image is new once. List CI and GitOps identities in "
              "provenance.trustedDeployers to keep them at medium, or exempt them with "
              "rules.image-first-seen.exemptions.users.",
          .blind_spots =
              "Images run by static pods or directly on a node's runtime are never seen, and an "
              "image evicted by limits.trackedKeys can be reported as new again.",
          .response =
              {
                  .investigate =
                      "Pull the alert with `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=image-first-seen\"` "
                      "and check launcher and owner with `kubectl get pod -n NS NAME -o yaml`.",
                  .contain =
                      "When neither image nor launcher is expected, scale the owner down with "
                      "`kubectl scale deploy -n NS OWNER --replicas=0` while you check.",
                  .analyse =
                      "Inspect the image's configuration and layers with `skopeo inspect --config "
                      "docker://IMAGE` and compare with the project's build records.",
                  .remediate = "Remove unapproved images at the source; add a legitimate source to "
                               "images.allow or provenance.trustedDeployers.",
                  .report = "Report image, first-seen time, launcher and whether it came through a "
                            "trusted deployer.",
              },
      },
      {
          .id = rule_id::image_tag_drift,
          .title = "Tag now resolves to a different digest",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Persistence", "Defense Evasion"},
          .techniques = {"T1525", "T1036.005"},
          .goal = "Detect a tag that used to run one digest and now runs another, the sign of an "
                  "image overwritten in place under a trusted name.",
          .false_positives =
              "Tags that move by design (stable, 1.2, nightly) and base images rebuilt for patches "
              "under the same tag. Deploy those by digest, forbid the tags with "
              "images.disallowTags, or exempt namespaces with "
              "rules.image-tag-drift.exemptions.namespaces.",
          .blind_spots =
              "A tag's digest is learned only from a request or audit event carrying both, such as "
              "an image@digest reference or the kubelet's status imageID; audit policies at "
              "Metadata level drop those bodies.",
          .response =
              {
                  .investigate =
                      "Read the old and new digests from `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=image-tag-drift\"` "
                      "and list pods on each with `kubectl get pods -A -o "
                      "custom-columns=NAME:.metadata.name,IMAGEID:.status.containerStatuses[*]."
                      "imageID`.",
                  .contain =
                      "Pin affected workloads to the previous digest with `kubectl set image "
                      "deploy/OWNER -n NS CONTAINER=IMAGE@sha256:OLD`.",
                  .analyse =
                      "Diff the two images with `skopeo inspect --config "
                      "docker://IMAGE@sha256:OLD` "
                      "and the same for NEW, and read the registry's push log for who pushed.",
                  .remediate =
                      "Revoke the push credential if the build system did not push it, turn on tag "
                      "immutability in the registry, and deploy by digest.",
                  .report =
                      "Report both digests, push time and pusher, and every workload that ran the "
                      "new digest.",
              },
      },
      {
          .id = rule_id::pss_host_process,
          .title = "Windows HostProcess container",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1611", "T1610"},
          .goal = "Deny Windows HostProcess containers, which run directly on the Windows host "
                  "with its privileges instead of in a container.",
          .false_positives =
              "Windows node components such as Calico or Flannel for Windows, csi-proxy and "
              "Windows exporters. Exempt their namespace with "
              "rules.pss-host-process.exemptions.namespaces, or give it `podSecurity: {level: "
              "privileged}` in a namespaces entry.",
          .blind_spots =
              "Processes and containers started on the Windows node with its own tools never reach "
              "the API server.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_host_namespaces,
          .title = "Host network, PID or IPC namespace",
          .default_severity = severity::critical,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation", "Defense Evasion"},
          .techniques = {"T1611", "T1610"},
          .goal = "Deny pods sharing the node's network, process or IPC namespace, which let a "
                  "container see and signal host processes, security agents included, and sniff "
                  "node traffic.",
          .false_positives =
              "CNI and kube-proxy DaemonSets (hostNetwork), node-exporter and runtime sensors such "
              "as Falco (hostPID), and bare-metal ingress controllers. Exempt their namespaces "
              "with rules.pss-host-namespaces.exemptions.namespaces rather than globally.",
          .blind_spots =
              "Static pods and containers started on the runtime directly never pass admission, "
              "and pods created before launchguard was installed are judged only when they "
              "change.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_privileged,
          .title = "Privileged container",
          .default_severity = severity::critical,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation", "Defense Evasion"},
          .techniques = {"T1611", "T1610"},
          .goal = "Deny privileged containers, which hold every capability and host device and "
                  "can mount the host disk or load kernel modules that blind node sensors.",
          .false_positives =
              "CNI and CSI node plugins, GPU and device plugins, eBPF security and observability "
              "agents, and Docker-in-Docker CI runners. Exempt those namespaces with "
              "rules.pss-privileged.exemptions.namespaces and move CI builds to rootless "
              "builders.",
          .blind_spots =
              "Privilege granted outside the pod spec, such as a RuntimeClass whose handler is "
              "permissive on the node, and containers started on the runtime directly.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_capabilities_baseline,
          .title = "Capabilities beyond the baseline set",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1611"},
          .goal = "Deny containers adding capabilities outside the baseline set, such as "
                  "SYS_ADMIN, SYS_PTRACE, NET_ADMIN or BPF, which open escape and sensor-tampering "
                  "paths.",
          .false_positives =
              "VPN and CNI agents (NET_ADMIN), eBPF agents (BPF, PERFMON, SYS_ADMIN) and debugging "
              "sidecars (SYS_PTRACE). Exempt the namespace with "
              "rules.pss-capabilities-baseline.exemptions.namespaces.",
          .blind_spots =
              "Only the declared lists are read: a permissive default capability set in the node's "
              "runtime configuration, or capabilities gained by a kernel exploit, are invisible.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_host_path_volumes,
          .title = "hostPath volume",
          .default_severity = severity::critical,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation", "Defense Evasion"},
          .techniques = {"T1611", "T1610"},
          .goal = "Deny hostPath volumes, which hand a container the node's files: kubelet "
                  "credentials, the runtime socket and the logs security tools read.",
          .false_positives =
              "Log shippers reading /var/log, CSI node plugins under /var/lib/kubelet and "
              "node-exporter mounting /proc and /sys. Exempt those namespaces with "
              "rules.pss-host-path-volumes.exemptions.namespaces; runtime-socket-mount and "
              "sensitive-host-mount keep judging the paths that matter most.",
          .blind_spots =
              "Host files reached without hostPath, through a privileged container mounting the "
              "disk or a local PersistentVolume behind a claim, are outside this check.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_host_ports,
          .title = "hostPort on a container",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1610"},
          .goal = "Deny containers binding ports on the node's address, which exposes them "
                  "outside the Services and ingress paths that are monitored.",
          .false_positives =
              "Bare-metal ingress controllers on ports 80 and 443, node-local DNS caches and some "
              "monitoring agents. Exempt their namespaces with "
              "rules.pss-host-ports.exemptions.namespaces.",
          .blind_spots =
              "hostNetwork pods listen on node ports without declaring hostPort (see "
              "pss-host-namespaces), and NodePort Services are judged by service-exposure.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_host_probes,
          .title = "Probe or lifecycle hook aimed at another host",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1610"},
          .goal = "Deny probes and lifecycle handlers whose host field points away from the pod, "
                  "which make the kubelet send requests from the node to another address.",
          .false_positives =
              "Rare: a few charts set host to localhost or the node IP for legacy reasons. Remove "
              "the host field, or exempt the namespace with "
              "rules.pss-host-probes.exemptions.namespaces.",
          .blind_spots =
              "Only the declared handler is checked; what the kubelet's request reaches and "
              "returns is never observed.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_apparmor,
          .title = "AppArmor confinement disabled",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Defense Evasion", "Privilege Escalation"},
          .techniques = {"T1562.001", "T1611"},
          .goal = "Deny containers that set their AppArmor profile to unconfined, removing the "
                  "access control that limits what a compromised process can touch.",
          .false_positives =
              "Some eBPF security agents and system tools ship unconfined. Exempt their namespace "
              "with rules.pss-apparmor.exemptions.namespaces.",
          .blind_spots =
              "The standard allows Localhost profiles, so a permissive custom profile loaded on "
              "the node passes, and nodes without AppArmor ignore the setting.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_selinux,
          .title = "Custom SELinux options",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Defense Evasion", "Privilege Escalation"},
          .techniques = {"T1562.001", "T1611"},
          .goal = "Deny SELinux options that set a custom user or role, or a type outside the "
                  "container types, which can lift the container out of its confinement.",
          .false_positives =
              "Storage and node agents on SELinux-enforcing distributions that need spc_t or a "
              "custom type. Exempt those namespaces with rules.pss-selinux.exemptions.namespaces.",
          .blind_spots =
              "Nodes with SELinux disabled or permissive ignore these fields, and the standard "
              "allows changing the level (MCS label).",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_proc_mount,
          .title = "Unmasked /proc mount",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1611"},
          .goal = "Deny procMount: Unmasked, which exposes /proc paths the runtime normally masks "
                  "and eases escapes.",
          .false_positives =
              "Nested container builders and sandboxes. Run them with `hostUsers: false` where the "
              "cluster supports it (baseline then allows it), or exempt them with "
              "rules.pss-proc-mount.exemptions.namespaces.",
          .blind_spots =
              "The runtime must honour the setting, and masking means nothing for a privileged "
              "container (see pss-privileged).",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_seccomp_baseline,
          .title = "Seccomp explicitly unconfined",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Defense Evasion", "Privilege Escalation"},
          .techniques = {"T1562.001", "T1611"},
          .goal = "Deny a seccomp profile of type Unconfined, which removes the syscall filter "
                  "that blocks many kernel escape primitives.",
          .false_positives =
              "Profilers, debuggers and some eBPF agents that need syscalls the default profile "
              "blocks. Prefer a Localhost profile, or exempt the namespace with "
              "rules.pss-seccomp-baseline.exemptions.namespaces.",
          .blind_spots =
              "Baseline accepts an unset profile, which runs unconfined on nodes without "
              "seccompDefault; pss-seccomp-restricted catches that at the restricted level.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_sysctls,
          .title = "Unsafe sysctl",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1611"},
          .goal = "Deny sysctls outside the safe namespaced set, which can change kernel "
                  "behaviour for the whole node.",
          .false_positives =
              "Network-tuned databases and load balancers setting sysctls such as "
              "net.core.somaxconn, which the kubelet must also allow. Exempt those namespaces with "
              "rules.pss-sysctls.exemptions.namespaces.",
          .blind_spots =
              "Sysctls written from inside a privileged or hostNetwork container, or by a node "
              "tuning DaemonSet, never appear in securityContext.sysctls.",
          .response = pss_baseline_response,
          .level = pss_level::baseline,
      },
      {
          .id = rule_id::pss_restricted_volumes,
          .title = "Volume type outside the restricted set",
          .default_severity = severity::medium,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1611"},
          .goal = "Allow only configMap, csi, downwardAPI, emptyDir, ephemeral, "
                  "persistentVolumeClaim, projected and secret volumes, so node-side plugins such "
                  "as gitRepo, nfs or iscsi cannot be driven from a pod spec.",
          .false_positives =
              "Legacy workloads mounting NFS or cloud disks directly instead of through a claim. "
              "Move them to PersistentVolumeClaims, or keep the namespace at baseline with a "
              "namespaces entry `podSecurity: {level: baseline}`.",
          .blind_spots =
              "A PersistentVolumeClaim is allowed, so a hostPath or local PersistentVolume bound "
              "to it reaches node files without appearing in the pod spec.",
          .response = pss_restricted_response,
          .level = pss_level::restricted,
      },
      {
          .id = rule_id::pss_allow_privilege_escalation,
          .title = "Privilege escalation not disabled",
          .default_severity = severity::medium,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1548.001", "T1611"},
          .goal = "Require allowPrivilegeEscalation: false, so setuid binaries and file "
                  "capabilities cannot raise a process's privileges inside the container.",
          .false_positives =
              "Images relying on sudo or setuid helpers, and charts that never set the field. Set "
              "it in the chart, or keep the namespace at baseline with `podSecurity: {level: "
              "baseline}`.",
          .blind_spots =
              "Privileged containers and CAP_SYS_ADMIN escalate regardless (baseline rules catch "
              "those), and Windows pods are excluded by the standard.",
          .response = pss_restricted_response,
          .level = pss_level::restricted,
      },
      {
          .id = rule_id::pss_run_as_non_root,
          .title = "Container may run as root",
          .default_severity = severity::medium,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1611"},
          .goal = "Require runAsNonRoot: true at pod or container level, so a compromised process "
                  "does not start with root's reach into an escape.",
          .false_positives =
              "Official images that start as root and drop privileges themselves, such as nginx "
              "and many databases. Rebuild with a non-root user, or keep the namespace at baseline "
              "with `podSecurity: {level: baseline}`.",
          .blind_spots =
              "The kubelet, not admission, checks the image's real user at start, and the "
              "standard's exceptions (Windows pods, user-namespaced pods where the version allows) "
              "are not reported.",
          .response = pss_restricted_response,
          .level = pss_level::restricted,
      },
      {
          .id = rule_id::pss_run_as_user,
          .title = "Container set to run as UID 0",
          .default_severity = severity::medium,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1611"},
          .goal = "Deny runAsUser: 0 at pod or container level, which starts the container as "
                  "root whatever the image says.",
          .false_positives =
              "Init containers that chown volumes as root and images documented to need UID 0. "
              "Use fsGroup for volume ownership, or keep the namespace at baseline with "
              "`podSecurity: {level: baseline}`.",
          .blind_spots =
              "An unset runAsUser falls back to the image's user, which admission cannot see, and "
              "root gained later through setuid binaries belongs to "
              "pss-allow-privilege-escalation.",
          .response = pss_restricted_response,
          .level = pss_level::restricted,
      },
      {
          .id = rule_id::pss_seccomp_restricted,
          .title = "Seccomp profile not set",
          .default_severity = severity::medium,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Defense Evasion", "Privilege Escalation"},
          .techniques = {"T1562.001", "T1611"},
          .goal = "Require every container to run under the RuntimeDefault or a Localhost "
                  "seccomp profile, so none keeps the full syscall surface.",
          .false_positives =
              "Most third-party charts leave seccompProfile unset. Set it at pod level in the "
              "chart, or keep the namespace at baseline with `podSecurity: {level: baseline}`.",
          .blind_spots =
              "A Localhost profile is accepted without reading its contents, so a permissive "
              "profile on the node passes, and Windows pods are excluded.",
          .response = pss_restricted_response,
          .level = pss_level::restricted,
      },
      {
          .id = rule_id::pss_capabilities_restricted,
          .title = "Capabilities not dropped",
          .default_severity = severity::medium,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1611"},
          .goal = "Require containers to drop ALL capabilities and add back at most "
                  "NET_BIND_SERVICE.",
          .false_positives =
              "Images that need CHOWN, SETUID or NET_RAW at start, such as old init scripts or "
              "ping. Fix the image, or keep the namespace at baseline with `podSecurity: {level: "
              "baseline}`.",
          .blind_spots =
              "Only the declared lists are read; how the node's runtime grants capabilities is "
              "invisible, and Windows pods are excluded.",
          .response = pss_restricted_response,
          .level = pss_level::restricted,
      },
      {
          .id = rule_id::pss_proc_mount_restricted,
          .title = "Unmasked /proc in a user-namespaced pod",
          .default_severity = severity::medium,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation"},
          .techniques = {"T1611"},
          .goal = "At the restricted level, deny procMount: Unmasked even for pods with "
                  "hostUsers: false, which baseline allows.",
          .false_positives =
              "Nested container builds such as rootless BuildKit or Podman in pods. Keep their "
              "namespace at baseline with `podSecurity: {level: baseline}`.",
          .blind_spots = "The runtime must honour the setting, and the check applies only from the "
                         "Kubernetes version that introduced it.",
          .response = pss_restricted_response,
          .level = pss_level::restricted,
      },
      {
          .id = rule_id::runtime_socket_mount,
          .title = "Container runtime socket mounted",
          .default_severity = severity::critical,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation", "Defense Evasion", "Execution"},
          .techniques = {"T1611", "T1610", "T1609"},
          .goal = "Deny pods mounting the Docker, containerd or CRI-O socket, which lets them "
                  "start containers on the node that admission and audit never see.",
          .false_positives =
              "Docker-in-Docker CI runners, older log and metrics agents reading container "
              "metadata, and runtime sensors. Name them in rules.runtime-socket-mount.exemptions; "
              "as a watch rule it still records their launches, so review those alerts.",
          .blind_spots =
              "Sockets at non-standard paths, runtime APIs exposed over TCP, and privileged "
              "containers reaching the socket through the host filesystem rather than a hostPath "
              "volume.",
          .response =
              {
                  .investigate =
                      "Read the socket path and launcher from `curl -H \"Authorization: Bearer "
                      "$TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=runtime-socket-"
                      "mount\"` and the node from `kubectl get pod -n NS NAME -o wide`.",
                  .contain =
                      "If it ran, `kubectl cordon NODE` and `kubectl delete pod -n NS NAME`, then "
                      "compare `crictl ps -a` on the node with `kubectl get pods -A "
                      "--field-selector spec.nodeName=NODE`.",
                  .analyse =
                      "Review the runtime's history on the node (`journalctl -u containerd`) for "
                      "containers created through the socket, and the launcher's rights with "
                      "`kubectl auth can-i --list --as USER`.",
                  .remediate =
                      "Remove unknown containers, drain and rebuild the node if any were found "
                      "(`kubectl drain NODE --ignore-daemonsets`), and rotate the launcher's "
                      "credentials.",
                  .report =
                      "Report a likely monitoring-evasion attempt with node, socket path, launcher "
                      "and every container found outside Kubernetes.",
              },
          .watch = true,
      },
      {
          .id = rule_id::sensitive_host_mount,
          .title = "Sensitive host path mounted",
          .default_severity = severity::high,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Privilege Escalation", "Credential Access", "Defense Evasion"},
          .techniques = {"T1611", "T1552.001", "T1070"},
          .goal = "Deny hostPath mounts of sensitive node paths, such as the host root, /etc, "
                  "kubelet credentials and node logs, plus those in evasion.sensitiveHostPaths.",
          .false_positives =
              "Log shippers reading /var/log, node-exporter mounting the root read-only and CSI "
              "plugins under /var/lib/kubelet. Exempt their namespaces with "
              "rules.sensitive-host-mount.exemptions.namespaces; evasion.sensitiveHostPaths only "
              "adds paths.",
          .blind_spots =
              "Paths reached through symlinks on the node or a parent directory not on the list, "
              "and host access without hostPath, such as a privileged container mounting the "
              "disk.",
          .response =
              {
                  .investigate =
                      "Read the path, readOnly flag and node with `kubectl get pod -n NS NAME -o "
                      "yaml` and the launcher from `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=sensitive-host-"
                      "mount\"`.",
                  .contain =
                      "If it ran, `kubectl delete pod -n NS NAME` and `kubectl cordon NODE` until "
                      "the node is checked.",
                  .analyse =
                      "Check the mounted path on the node for changes made while the pod ran, and "
                      "the launcher's rights with `kubectl auth can-i --list --as USER`.",
                  .remediate =
                      "Rotate credentials the path exposed (kubelet certificate, service-account "
                      "tokens), rebuild the node if files changed, and fix the manifest.",
                  .report = "Report path, access mode, node, how long the pod ran and launcher.",
              },
      },
      {
          .id = rule_id::scheduler_bypass,
          .title = "Pod bypasses the scheduler",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Defense Evasion", "Privilege Escalation"},
          .techniques = {"T1610", "T1611"},
          .goal = "Record pods created with spec.nodeName set by anyone but a node or the "
                  "scheduler, which puts them on a chosen node, often a control-plane node, past "
                  "taints and scheduling policy.",
          .false_positives =
              "`kubectl debug node/NAME` pods, batch schedulers such as Volcano, and operators "
              "that pin pods to nodes. Exempt their service accounts with "
              "rules.scheduler-bypass.exemptions.users.",
          .blind_spots =
              "Targeting through nodeSelector, affinity or tolerations is not a bypass (see "
              "control-plane-toleration), and static pods are bound to their node without any "
              "request.",
          .response =
              {
                  .investigate =
                      "See where it went with `kubectl get pod -n NS NAME -o "
                      "jsonpath='{.spec.nodeName} {.spec.schedulerName}'` and what that node is "
                      "with `kubectl get node NODE --show-labels`.",
                  .contain =
                      "If the node is a control-plane or sensitive node and the launcher unknown, "
                      "`kubectl delete pod -n NS NAME`.",
                  .analyse =
                      "Look for other alerts with the same decisionID (host settings in the same "
                      "pod) via `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=scheduler-bypass\"`.",
                  .remediate =
                      "Remove direct nodeName use from manifests and narrow the launcher's pod "
                      "create rights.",
                  .report =
                      "Report the node targeted, the launcher and what else the pod asked for.",
              },
      },
      {
          .id = rule_id::control_plane_toleration,
          .title = "Tolerates control-plane taints",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Privilege Escalation", "Defense Evasion"},
          .techniques = {"T1610", "T1611"},
          .goal = "Record pods tolerating the control-plane taints, or every taint, which lets "
                  "them land next to the API server, etcd and their credentials.",
          .false_positives =
              "DaemonSets meant to run everywhere (CNI, kube-proxy, log shippers, monitoring "
              "agents) tolerate all taints. Exempt their namespaces with "
              "rules.control-plane-toleration.exemptions.namespaces.",
          .blind_spots =
              "Managed clusters hide their control-plane nodes, and control-plane nodes tainted in "
              "a non-standard way are not recognised.",
          .response =
              {
                  .investigate =
                      "Read `kubectl get pod -n NS NAME -o jsonpath='{.spec.tolerations}'` and "
                      "whether it landed on a control-plane node with `kubectl get pod -n NS NAME "
                      "-o wide`.",
                  .contain =
                      "For an unknown workload on a control-plane node, `kubectl delete pod -n NS "
                      "NAME` and `kubectl cordon NODE` pending review.",
                  .analyse =
                      "Check the same pod for host mounts or privileges, and the launcher's rights "
                      "with `kubectl auth can-i --list --as USER`.",
                  .remediate = "Scope the toleration to the taints the workload needs, and rotate "
                               "control-plane certificates if the pod had host access.",
                  .report = "Report the tolerations, landing node and launcher.",
              },
      },
      {
          .id = rule_id::monitoring_opt_out,
          .title = "Pod opts out of monitoring",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1562.001", "T1610"},
          .goal = "Record pods whose annotations or labels exclude them from mesh injection, log "
                  "collection or runtime monitoring (built-in keys plus "
                  "evasion.optOutAnnotations).",
          .false_positives =
              "Jobs excluded from sidecar injection so they can complete, and noisy apps excluded "
              "from log shipping by their owners. Add tool-specific keys with "
              "evasion.optOutAnnotations and exempt known namespaces with "
              "rules.monitoring-opt-out.exemptions.namespaces.",
          .blind_spots =
              "Exclusions set in the monitoring tools' own configuration, namespace-level labels, "
              "and nodes where a sensor is simply missing.",
          .response =
              {
                  .investigate =
                      "Read the opt-out with `kubectl get pod -n NS NAME -o "
                      "jsonpath='{.metadata.annotations}'` and compare with other pods of the "
                      "same owner.",
                  .contain =
                      "Remove the opt-out from the owner's pod template (`kubectl edit deploy -n "
                      "NS OWNER`) so the next rollout is monitored again.",
                  .analyse =
                      "Rebuild what the pod did unmonitored from sources that still saw it, such "
                      "as "
                      "`launchguard scan --config policy.yaml --format json audit.log` and flow "
                      "logs.",
                  .remediate =
                      "Allow opt-outs only in reviewed manifests and narrow who may change pod "
                      "templates in the namespace.",
                  .report = "Report the key, workload, time unmonitored and who added it.",
              },
      },
      {
          .id = rule_id::ephemeral_container,
          .title = "Ephemeral container added to a running pod",
          .default_severity = severity::low,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Execution", "Defense Evasion"},
          .techniques = {"T1609", "T1610"},
          .goal = "Record ephemeral containers added through pods/ephemeralcontainers, which run a "
                  "new image inside an existing pod's namespaces without a new pod.",
          .false_positives =
              "On-call engineers running `kubectl debug -it POD --image=busybox`. Exempt the "
              "on-call group with rules.ephemeral-container.exemptions.groups, or set "
              "rules.ephemeral-container.action: enforce to stop everyone else.",
          .blind_spots =
              "What the debug container does once started is invisible, and `kubectl debug "
              "--copy-to` or `kubectl debug node/NAME` create ordinary pods that other rules "
              "judge.",
          .response =
              {
                  .investigate =
                      "Read image, target and securityContext with `kubectl get pod -n NS NAME -o "
                      "jsonpath='{.spec.ephemeralContainers}'`; the alert names who added it.",
                  .contain = "An ephemeral container cannot be removed: `kubectl delete pod -n NS "
                             "NAME` so "
                             "its owner recreates it clean.",
                  .analyse = "Read `kubectl logs -n NS NAME -c DEBUG_CONTAINER` and the "
                             "requester's rights "
                             "with `kubectl auth can-i --list --as USER -n NS`.",
                  .remediate =
                      "Limit pods/ephemeralcontainers to the on-call group and verify with "
                      "`kubectl auth can-i update pods/ephemeralcontainers --as USER -n NS`.",
                  .report =
                      "Report requester, image, target pod and whether it matched an incident "
                      "ticket.",
              },
      },
      {
          .id = rule_id::pod_exec,
          .title = "Command executed in a container",
          .default_severity = severity::low,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Execution"},
          .techniques = {"T1609"},
          .goal = "Record exec and attach into pods, the direct way to run commands in a workload "
                  "without deploying anything.",
          .false_positives =
              "On-call debugging, CI smoke tests, and operators that exec by design (database "
              "operators, backup hooks). Exempt them with rules.pod-exec.exemptions.users, for "
              "example `users: [\"oncall-*\"]`.",
          .blind_spots =
              "Only the initial command is visible, not what is typed in an interactive shell, and "
              "exec through the kubelet API (nodes/proxy or port 10250) never reaches the API "
              "server.",
          .response =
              {
                  .investigate =
                      "Read pod, command and requester from `curl -H \"Authorization: Bearer "
                      "$TOKEN\" \"https://launchguard.launchguard.svc:8443/alerts?rule=pod-exec\"` "
                      "and the requester's rights with `kubectl auth can-i --list --as USER -n "
                      "NS`.",
                  .contain =
                      "End an unexpected session with `kubectl delete pod -n NS NAME` and revoke "
                      "the requester's token or binding.",
                  .analyse =
                      "Trace the requester's other activity with `launchguard scan --config "
                      "policy.yaml --format json audit.log` and list secrets mounted in the pod.",
                  .remediate =
                      "Narrow pods/exec to the on-call group and rotate secrets the pod could "
                      "read.",
                  .report = "Report requester, pod, command, source IPs and session time.",
              },
      },
      {
          .id = rule_id::pod_port_forward,
          .title = "Port forwarded into a pod",
          .default_severity = severity::low,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Command and Control"},
          .techniques = {"T1572"},
          .goal = "Record port-forward sessions, which tunnel traffic through the API server into "
                  "a pod, past NetworkPolicies and ingress controls.",
          .false_positives =
              "Developers reaching databases or dashboards, and dev-loop tools such as Tilt or "
              "Skaffold. Exempt the developer group with "
              "rules.pod-port-forward.exemptions.groups, or exempt dev namespaces.",
          .blind_spots =
              "The tunnelled traffic is invisible, and forwarding through the kubelet API directly "
              "is never audited.",
          .response =
              {
                  .investigate =
                      "Read pod, ports and requester from `curl -H \"Authorization: Bearer "
                      "$TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=pod-port-forward\"` "
                      "and what listens there with `kubectl get pod -n NS NAME -o yaml`.",
                  .contain = "End an unexpected session by revoking the requester's credentials or "
                             "deleting the pod with `kubectl delete pod -n NS NAME`.",
                  .analyse =
                      "Check whether the target was a database or admin endpoint, and what the "
                      "requester did next with `launchguard scan --config policy.yaml audit.log`.",
                  .remediate =
                      "Limit pods/portforward to the groups that need it and put admin endpoints "
                      "behind authentication.",
                  .report = "Report requester, pod, ports, source IPs and duration.",
              },
      },
      {
          .id = rule_id::webhook_config_tampering,
          .title = "Admission webhook configuration changed",
          .default_severity = severity::critical,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Defense Evasion", "Persistence"},
          .techniques = {"T1562.001"},
          .goal = "Record every create, change or deletion of validating and mutating webhook "
                  "configurations and of admission policies and their bindings (such as a deleted "
                  "webhook or a new failurePolicy, namespaceSelector or rules), the quiet way to "
                  "switch admission off; webhooks never see these objects, so only audit can.",
          .false_positives =
              "Helm upgrades of launchguard, and cert-manager's cainjector patching the caBundle "
              "at each renewal. Exempt those service accounts with "
              "rules.webhook-config-tampering.exemptions.users.",
          .blind_spots =
              "Kubernetes never sends webhook configurations to webhooks, so this is seen only "
              "afterwards in audit, and audit policies logging them at Metadata level hide what "
              "changed.",
          .response =
              {
                  .investigate =
                      "Compare `kubectl get validatingwebhookconfiguration NAME -o yaml` with the "
                      "chart, and read who changed it from `curl -H \"Authorization: Bearer "
                      "$TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=webhook-config-"
                      "tampering\"`.",
                  .contain =
                      "Restore the configuration at once (`helm upgrade` the release or `kubectl "
                      "apply -f` the known-good manifest) so admission resumes.",
                  .analyse =
                      "Find launches during the gap with `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=admission-bypass\"` "
                      "and `launchguard scan --config policy.yaml audit.log`.",
                  .remediate =
                      "Remove the changer's rights over webhook configurations and review every "
                      "workload created during the gap.",
                  .report = "Report the change, who made it, the gap's start and end, and launches "
                            "during it.",
              },
      },
      {
          .id = rule_id::webhook_failed_open,
          .title = "Admission webhook failed open",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1562.001", "T1610"},
          .goal =
              "Record requests the API server let through because a webhook could not be "
              "reached and its failurePolicy was Ignore, as the failed-open audit annotation "
              "shows; critical when the webhook is launchguard's own (provenance.webhookNames).",
          .false_positives =
              "launchguard restarts and rollouts, network policies blocking the API server, and "
              "expired serving certificates. Run two replicas with Redis and a "
              "PodDisruptionBudget; in test clusters set rules.webhook-failed-open.action: off.",
          .blind_spots =
              "It depends on the API server's failed-open annotation reaching the audit backend; "
              "requests made while the audit webhook is also down are lost.",
          .response =
              {
                  .investigate =
                      "Check the webhook's health with `kubectl get pods -n launchguard` and "
                      "`kubectl logs -n launchguard deploy/launchguard`, and list the affected "
                      "requests with `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=webhook-failed-"
                      "open\"`.",
                  .contain =
                      "Restore the webhook (certificates, network policy, replicas) and consider "
                      "failurePolicy: Fail for pods while you investigate.",
                  .analyse =
                      "Re-judge what was admitted: `kubectl get pod -n NS NAME -o yaml > pod.yaml` "
                      "then `launchguard review --config policy.yaml pod.yaml`.",
                  .remediate = "Remove admitted workloads policy would have denied, and find why "
                               "the webhook "
                               "was unreachable (crash, load, network change).",
                  .report =
                      "Report the outage window, its cause and any workloads admitted that policy "
                      "would have denied.",
              },
      },
      {
          .id = rule_id::webhook_internal_error,
          .title = "launchguard failed to evaluate a request",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1562.001"},
          .goal = "Record admission requests launchguard could not evaluate, which failureMode "
                  "then allowed or denied, and audit events whose detections could not run (an "
                  "object over the decoder's limits, say); crafted objects that trigger errors "
                  "are a way past admission and past audit.",
          .false_positives =
              "Bugs or resource pressure in launchguard itself. Keep failureMode: closed where "
              "availability allows and report the bug; rules.webhook-internal-error.action only "
              "changes the recording, not the failure handling.",
          .blind_spots =
              "A crash that kills the process before it records anything shows up only as "
              "webhook-failed-open in audit.",
          .response =
              {
                  .investigate =
                      "Read the alert's message and requestUID, then the server's log line for it "
                      "with `kubectl logs -n launchguard deploy/launchguard | grep REQUEST_UID`.",
                  .contain =
                      "If failureMode is open and the requester is untrusted, inspect and remove "
                      "the admitted object with `kubectl get KIND -n NS NAME -o yaml` and `kubectl "
                      "delete KIND -n NS NAME`.",
                  .analyse =
                      "Reproduce offline with the object: `launchguard review --config policy.yaml "
                      "object.yaml`.",
                  .remediate =
                      "Fix or work around the failing evaluation and set failureMode: closed where "
                      "availability allows.",
                  .report =
                      "File a bug with the redacted object and log lines, and an incident if the "
                      "object was crafted.",
              },
      },
      {
          .id = rule_id::admission_bypass,
          .title = "Pod created without admission review",
          .default_severity = severity::critical,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1562.001", "T1610"},
          .goal = "Record pods and workloads the audit log shows were created without a decision "
                  "id from a webhook in provenance.webhookNames, meaning admission never judged "
                  "them.",
          .false_positives =
              "Namespaces the webhook configuration excludes on purpose, and a renamed webhook. "
              "List them in provenance.uncoveredNamespaces and keep provenance.webhookNames in "
              "step with the chart.",
          .blind_spots =
              "It needs ResponseComplete audit events with annotations for pod creation, and "
              "static pods or containers started on a node's runtime never appear at all.",
          .response =
              {
                  .investigate =
                      "Check `kubectl get validatingwebhookconfiguration -o yaml`, the pod with "
                      "`kubectl get pod -n NS NAME -o yaml`, and namespace labels that could match "
                      "an opt-out with `kubectl get ns NS --show-labels`.",
                  .contain =
                      "Restore the webhook configuration, then judge and remove bypassed pods with "
                      "`launchguard review --config policy.yaml pod.yaml` and `kubectl delete pod "
                      "-n NS NAME`.",
                  .analyse =
                      "Correlate with webhook-config-tampering and webhook-failed-open alerts in "
                      "the same window, and with who changed namespace labels.",
                  .remediate =
                      "Guard the opt-out label, restrict webhook configuration rights, and replay "
                      "the window with `launchguard scan --config policy.yaml audit.log`.",
                  .report =
                      "Report the bypass mechanism, the window and every pod created through it.",
              },
      },
      {
          .id = rule_id::launchguard_config_tampering,
          .title = "launchguard's own configuration changed",
          .default_severity = severity::critical,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1562.001"},
          .goal = "Record changes to launchguard's policy ConfigMap, Secrets, Deployment, Service "
                  "and RBAC, which can weaken detection without touching the webhook "
                  "configuration, and pods, workloads of any kind, EndpointSlices and exec, "
                  "attach or port-forward in its namespace, which the webhook never sees and "
                  "which can read its certificate and tokens or stand in for it.",
          .false_positives =
              "Helm upgrades, GitOps syncs of the policy, cert-manager renewing the serving "
              "certificate, and an operator's `kubectl exec` or `kubectl rollout restart` while "
              "debugging launchguard. Exempt the automation's identities with "
              "rules.launchguard-config-tampering.exemptions.users; a person's exec there "
              "deserves the question.",
          .blind_spots =
              "Changes made on the node or volume directly, and API server flags or audit policy "
              "files on control-plane nodes, never pass through the API.",
          .response =
              {
                  .investigate =
                      "Diff the live objects against source with `kubectl diff -f manifests/` and "
                      "read who changed them from `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=launchguard-config-"
                      "tampering\"`.",
                  .contain =
                      "Restore the known-good objects from source; a policy change takes effect "
                      "within 2 seconds.",
                  .analyse = "Check what the changed policy allowed with `launchguard check-config "
                             "bad-policy.yaml`, and replay the window under the good one with "
                             "`launchguard scan --config policy.yaml audit.log`.",
                  .remediate =
                      "Limit writes in the launchguard namespace to its deployer, and rotate the "
                      "API and audit tokens if Secrets were read or changed.",
                  .report =
                      "Report the change, actor, window and the alerts missed while the weaker "
                      "policy was in force.",
              },
      },
      {
          .id = rule_id::security_workload_tampering,
          .title = "Security tool workload tampered with",
          .default_severity = severity::critical,
          .default_action = action::enforce,
          .sources = both,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1562.001"},
          .goal = "Deny deletion, scale-to-zero and disabling edits of workloads in "
                  "evasion.securityWorkloads, the way to blind nodes before launching anything "
                  "else.",
          .false_positives =
              "Planned upgrades and removals of the security tools. Exempt the deployer with "
              "rules.security-workload-tampering.exemptions.users; as a watch rule it still "
              "records those changes.",
          .blind_spots =
              "Killing the agent on the node, unloading its eBPF programs or kernel module, "
              "editing its rules ConfigMap, and eviction under node pressure are outside this "
              "rule.",
          .response =
              {
                  .investigate =
                      "Compare desired and ready agents with `kubectl get ds -n NS NAME -o wide`, "
                      "and read the change and actor from `curl -H \"Authorization: Bearer "
                      "$TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=security-workload-"
                      "tampering\"`.",
                  .contain =
                      "If anything changed, restore it from source (`helm upgrade` or `kubectl "
                      "apply -f`) and confirm every node runs an agent again.",
                  .analyse =
                      "List launches during any coverage gap with `launchguard scan --config "
                      "policy.yaml audit.log`, and the actor's rights with `kubectl auth can-i "
                      "--list --as USER`.",
                  .remediate =
                      "Remove the actor's rights over the security namespace and rotate their "
                      "credentials if the attempt was not authorised.",
                  .report =
                      "Report the attempt, whether it succeeded, the coverage gap and the actor.",
              },
          .watch = true,
      },
      {
          .id = rule_id::audit_evidence_deleted,
          .title = "Cluster evidence deleted",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1070"},
          .goal = "Record deletion of Kubernetes Events and similar records, which erases the "
                  "trail responders read first.",
          .false_positives =
              "Cleanup CronJobs and controllers, and admins clearing noisy events. Exempt them "
              "with rules.audit-evidence-deleted.exemptions.users.",
          .blind_spots =
              "Events expiring through their normal time to live are not audited, and tampering "
              "with the audit log itself, on the control-plane node or in the log pipeline, is "
              "invisible.",
          .response =
              {
                  .investigate =
                      "Read what was deleted and by whom from `curl -H \"Authorization: Bearer "
                      "$TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=audit-evidence-"
                      "deleted\"` and what is left with `kubectl get events -n NS "
                      "--sort-by=.lastTimestamp`.",
                  .contain = "If the deletion was unexpected, remove the principal's binding with "
                             "`kubectl delete rolebinding -n NS NAME`.",
                  .analyse =
                      "Rebuild the timeline from the audit log, which still holds the history: "
                      "`launchguard scan --config policy.yaml --format json audit.log`.",
                  .remediate =
                      "Ship Events and audit logs to storage outside the cluster and narrow delete "
                      "rights on events.",
                  .report = "Report what was deleted, the actor and the rebuilt timeline.",
              },
      },
      {
          .id = rule_id::network_policy_removed,
          .title = "NetworkPolicy removed",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1562"},
          .goal = "Record deletion of NetworkPolicies (and of Cilium, Calico and admin network "
                  "policies), which opens paths for a launched container to reach the API server, "
                  "metadata services or other workloads.",
          .false_positives =
              "Helm upgrades that delete and recreate policies. Deleting a whole namespace is not "
              "reported (the namespace controller's deletions are skipped). Exempt the deployer "
              "with rules.network-policy-removed.exemptions.users.",
          .blind_spots =
              "Loosening a policy in place (an update that widens its rules) and relabelling pods "
              "out of a policy's selector change reachability without a deletion.",
          .response =
              {
                  .investigate =
                      "Compare `kubectl get networkpolicy -n NS -o yaml` with source, and read the "
                      "change from `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=network-policy-"
                      "removed\"`.",
                  .contain = "Reapply the policy from source with `kubectl apply -f netpol.yaml`.",
                  .analyse =
                      "Check what connected while it was gone (CNI flow logs) and what launched in "
                      "the namespace in that window.",
                  .remediate =
                      "Limit NetworkPolicy writes to the deployer and keep a default-deny policy "
                      "in each namespace.",
                  .report = "Report the policy, actor, window and any traffic seen.",
              },
      },
      {
          .id = rule_id::service_exposure,
          .title = "Workload exposed outside the cluster",
          .default_severity = severity::low,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Persistence", "Initial Access"},
          .techniques = {"T1133"},
          .goal = "Record Services of type NodePort or LoadBalancer and Services with "
                  "externalIPs, which can publish a freshly launched container to outside "
                  "networks.",
          .false_positives =
              "Ingress controllers and API gateways, and NodePort Services on bare-metal clusters. "
              "Exempt their namespaces with rules.service-exposure.exemptions.namespaces.",
          .blind_spots =
              "Exposure through Ingress or Gateway routes, hostNetwork or hostPort pods, and cloud "
              "load balancers created outside Kubernetes.",
          .response =
              {
                  .investigate =
                      "Read `kubectl get svc -n NS NAME -o yaml` and the pods behind it with "
                      "`kubectl get endpointslices -n NS -l kubernetes.io/service-name=NAME`.",
                  .contain =
                      "If unexpected, `kubectl delete svc -n NS NAME` or make it internal with "
                      "`kubectl patch svc -n NS NAME -p '{\"spec\":{\"type\":\"ClusterIP\"}}'`.",
                  .analyse =
                      "Check launch alerts for the backing pods and the load balancer's access "
                      "logs.",
                  .remediate =
                      "Route external traffic through the ingress layer and restrict who may "
                      "create LoadBalancer or NodePort Services.",
                  .report = "Report the Service, exposed ports, backing workload and creator.",
              },
      },
      {
          .id = rule_id::system_namespace_launch,
          .title = "Pod launched in a system namespace",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1036.005", "T1610"},
          .goal = "Record pods launched in kube-system, kube-public and kube-node-lease, where a "
                  "plausibly named workload blends in with cluster components and is often exempt "
                  "from policy.",
          .false_positives =
              "Add-ons installed or upgraded by admins (CoreDNS, metrics-server, cloud add-ons) "
              "and managed add-on managers. Global exemptions deliberately do not silence this "
              "watch rule; dedup folds repeats, and rules.system-namespace-launch.action: off "
              "disables it.",
          .blind_spots =
              "Mirror pods of static pods are reported by static-pod-launch instead, and "
              "containers started on a node's runtime under system-looking names never reach the "
              "API server.",
          .response =
              {
                  .investigate =
                      "Read owner, image and service account with `kubectl get pod -n kube-system "
                      "NAME -o yaml` and compare with the cluster's add-on inventory.",
                  .contain = "For an unknown pod, delete it and its owner (`kubectl delete pod -n "
                             "kube-system NAME`), and `kubectl cordon NODE` if it had host access.",
                  .analyse =
                      "Check the launcher's rights with `kubectl auth can-i --list --as USER -n "
                      "kube-system` and which powerful service account the pod used.",
                  .remediate =
                      "Restrict create rights in system namespaces to the add-on manager, and "
                      "rotate tokens the pod could read.",
                  .report = "Report the pod, image, launcher and service account.",
              },
          .watch = true,
      },
      {
          .id = rule_id::static_pod_launch,
          .title = "Static pod running on a node",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Persistence", "Defense Evasion"},
          .techniques = {"T1610"},
          .goal = "Record mirror pods, the API shadow of a static pod that a kubelet runs from a "
                  "manifest file on the node without admission.",
          .false_positives =
              "kubeadm control-plane components and node components of distributions such as "
              "RKE2. Expect one alert per node and component, folded by alerts.dedupWindow; "
              "rules.static-pod-launch.exemptions.namespaces can silence kube-system if node "
              "manifests are checked elsewhere.",
          .blind_spots =
              "A static pod whose manifest names a missing namespace gets no mirror pod yet still "
              "runs, and containers started on the runtime directly leave no trace in the API.",
          .response =
              {
                  .investigate =
                      "Read node and image with `kubectl get pod -n NS NAME -o yaml`, then the "
                      "manifest directory on the node (`ls -l /etc/kubernetes/manifests`) for the "
                      "file's owner and time.",
                  .contain =
                      "Deleting the mirror pod does not stop it: remove the manifest file on the "
                      "node, or `kubectl cordon NODE` and drain it until you can.",
                  .analyse =
                      "Find how the file was written: host mounts on that node in `curl -H "
                      "\"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=runtime-socket-"
                      "mount\"`, and SSH logs.",
                  .remediate =
                      "Rebuild the node if provisioning did not plant the manifest, and close the "
                      "host access path used.",
                  .report = "Report the node, manifest path, image and how it was planted.",
              },
      },
      {
          .id = rule_id::anonymous_request,
          .title = "Anonymous API request",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Discovery"},
          .techniques = {"T1613"},
          .goal = "Record API requests made as system:anonymous or in the system:unauthenticated "
                  "group, the sign of an exposed API server being probed or of rights granted to "
                  "anonymous users.",
          .false_positives =
              "Load balancer health checks of /healthz, /livez, /readyz and /version. Drop those "
              "paths from the audit policy, or in labs that allow anonymous reads on purpose set "
              "rules.anonymous-request.action: off.",
          .blind_spots =
              "Anonymous access to the kubelet's own API (port 10250) or to etcd never reaches "
              "the API server's audit log.",
          .response =
              {
                  .investigate =
                      "Read paths, verbs and source IPs from `curl -H \"Authorization: Bearer "
                      "$TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=anonymous-"
                      "request\"`, and what anonymous may do with `kubectl auth can-i --list --as "
                      "system:anonymous`.",
                  .contain =
                      "Delete bindings to system:anonymous or system:unauthenticated (`kubectl get "
                      "clusterrolebindings -o wide | grep system:anonymous`) and block the source "
                      "IPs.",
                  .analyse = "Work out what was read and whether the same IPs later authenticated.",
                  .remediate =
                      "Turn anonymous authentication off or limit it to health paths, and keep the "
                      "API endpoint off public networks.",
                  .report = "Report source IPs, requests, responses and how the endpoint was "
                            "exposed.",
              },
      },
      {
          .id = rule_id::rbac_cluster_admin_binding,
          .title = "Binding to cluster-admin created",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Persistence", "Privilege Escalation"},
          .techniques = {"T1098.006"},
          .goal = "Record RoleBindings and ClusterRoleBindings granting cluster-admin, the "
                  "quickest way to keep full control of a cluster.",
          .false_positives =
              "Cluster bootstrap, operators whose charts ask for cluster-admin, and break-glass "
              "procedures. Exempt the installer with "
              "rules.rbac-cluster-admin-binding.exemptions.users.",
          .blind_spots =
              "Equal power through cloud IAM mappings, system:masters client certificates or "
              "aggregated ClusterRoles never appears as a cluster-admin binding.",
          .response =
              {
                  .investigate =
                      "Read the subjects with `kubectl get clusterrolebinding NAME -o yaml`; the "
                      "alert names who created it.",
                  .contain =
                      "Delete an unapproved binding with `kubectl delete clusterrolebinding NAME` "
                      "and disable the subject's credentials.",
                  .analyse = "Replay what the subject did since with `launchguard scan --config "
                             "policy.yaml --format json audit.log`.",
                  .remediate = "Replace it with a least-privilege role, rotate tokens the subject "
                               "could read, "
                               "and review the creator's other bindings.",
                  .report = "Report binding, subject, creator and the subject's activity.",
              },
      },
      {
          .id = rule_id::rbac_exec_role,
          .title = "Role grants exec into pods",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Persistence", "Privilege Escalation", "Execution"},
          .techniques = {"T1098.006", "T1609"},
          .goal = "Record Roles and ClusterRoles granting pods/exec, pods/attach or "
                  "pods/ephemeralcontainers, which give their holders command execution in "
                  "workloads.",
          .false_positives =
              "On-call roles, CI roles for smoke tests, and the built-in admin and edit roles "
              "being reconciled. Exempt the RBAC manager with "
              "rules.rbac-exec-role.exemptions.users.",
          .blind_spots =
              "nodes/proxy reaches the kubelet's exec endpoint without any pods/exec rule, and "
              "binding an existing role to someone new is not a role change.",
          .response =
              {
                  .investigate =
                      "Read the rules with `kubectl get role -n NS NAME -o yaml` and its holders "
                      "with `kubectl get rolebindings -A -o wide | grep NAME`.",
                  .contain =
                      "Remove an unapproved grant with `kubectl delete rolebinding -n NS BINDING`.",
                  .analyse = "Look for exec by the holders since the change with `curl -H "
                             "\"Authorization: Bearer $TOKEN\" "
                             "\"https://launchguard.launchguard.svc:8443/alerts?rule=pod-exec\"`.",
                  .remediate = "Keep exec in a dedicated on-call role granted only when needed.",
                  .report = "Report role, holders, creator and any exec sessions since.",
              },
      },
      {
          .id = rule_id::secrets_enumeration,
          .title = "Secrets enumerated",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = audit_only,
          .tactics = {"Credential Access", "Discovery"},
          .techniques = {"T1552.007", "T1613"},
          .goal = "Record a cluster-wide list of Secrets, or a principal reading at least "
                  "audit.secretsEnumeration.distinct distinct Secrets (a namespace's list counting "
                  "as one) within its window, the harvest that comes before lateral movement.",
          .false_positives =
              "Controllers that read many secrets by design (cert-manager, external-secrets, Argo "
              "CD, backup tools) and `helm list`, which reads release Secrets. Exempt them with "
              "rules.secrets-enumeration.exemptions.users or raise "
              "audit.secretsEnumeration.distinct.",
          .blind_spots =
              "One list call returns every secret in a single event, and secrets mounted into a "
              "launched pod, read by kubelets or read from etcd directly are not counted.",
          .response =
              {
                  .investigate =
                      "Read the actor and secret names from `curl -H \"Authorization: Bearer "
                      "$TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=secrets-"
                      "enumeration\"` and their reach with `kubectl auth can-i list secrets --as "
                      "USER -A`.",
                  .contain = "Revoke the actor's access at once by deleting the binding or token.",
                  .analyse =
                      "Work out which secrets were read and what they unlock (cloud keys, registry "
                      "credentials, tokens).",
                  .remediate =
                      "Rotate every secret read and narrow secret access to named resources.",
                  .report = "Report the actor, the secrets read and the rotations done.",
              },
      },
      {
          .id = rule_id::launch_rate_principal,
          .title = "Launch burst by one principal",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Execution", "Impact"},
          .techniques = {"T1610", "T1496"},
          .goal = "Record a principal launching more than rate.perPrincipal pods within "
                  "rate.window, typical of miners being spread or a stolen token used at scale.",
          .false_positives =
              "CI runners, workflow engines such as Argo Workflows or Tekton, and Spark or Ray "
              "drivers launching executors. Raise rate.perPrincipal or list them in "
              "rate.ignorePrincipals.",
          .blind_spots =
              "Launches spread across several principals or kept under the threshold, and "
              "containers started on the runtime directly.",
          .response =
              {
                  .investigate =
                      "Read the principal and count from `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=launch-rate-"
                      "principal\"` and the newest pods with `kubectl get pods -A "
                      "--sort-by=.metadata.creationTimestamp`.",
                  .contain = "Scale down the launching workload (`kubectl scale deploy -n NS OWNER "
                             "--replicas=0`) and suspend the principal's token if unexpected.",
                  .analyse =
                      "Check the images launched (image-first-seen alerts) and node load with "
                      "`kubectl top nodes`.",
                  .remediate = "Remove the workloads, rotate the principal's credentials and set "
                               "ResourceQuotas on pod count.",
                  .report = "Report principal, launch count, images and resource impact.",
              },
      },
      {
          .id = rule_id::launch_rate_namespace,
          .title = "Launch burst in one namespace",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Execution", "Impact"},
          .techniques = {"T1610", "T1496"},
          .goal = "Record more than rate.perNamespace pod launches in one namespace within "
                  "rate.window.",
          .false_positives =
              "HPA scale-ups, rollouts of large Deployments and batch namespaces. Raise "
              "rate.perNamespace, list the deployer their pods are attributed to (the owner of the "
              "Deployment or CronJob) in rate.ignorePrincipals, or exempt batch namespaces with "
              "rules.launch-rate-namespace.exemptions.namespaces.",
          .blind_spots =
              "Bursts spread across namespaces, slow trickles, and pods that finish before anyone "
              "looks.",
          .response =
              {
                  .investigate =
                      "List the newest pods with `kubectl get pods -n NS "
                      "--sort-by=.metadata.creationTimestamp` and the controllers involved with "
                      "`kubectl get events -n NS`.",
                  .contain =
                      "Pause the source with `kubectl scale deploy -n NS OWNER --replicas=0` or "
                      "`kubectl patch cronjob -n NS NAME -p '{\"spec\":{\"suspend\":true}}'`.",
                  .analyse =
                      "Correlate with launch-rate-principal and image alerts to find who and what, "
                      "and check `kubectl top pods -n NS`.",
                  .remediate = "Set a ResourceQuota on pods for the namespace and fix the trigger.",
                  .report = "Report namespace, count, window and cause.",
              },
      },
      {
          .id = rule_id::launch_rate_spike,
          .title = "Launch rate far above baseline",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Execution", "Impact"},
          .techniques = {"T1610", "T1496"},
          .goal = "Record a window whose launches exceed rate.spikeFactor times the learned "
                  "baseline and rate.spikeMinimum, once rate.warmupWindows are learned.",
          .false_positives =
              "Planned scale events, cluster restores and node drains that recreate many pods at "
              "once. Raise rate.spikeFactor or rate.spikeMinimum, or list the deployer the pods "
              "are attributed to in rate.ignorePrincipals.",
          .blind_spots =
              "A slow ramp raises the baseline as it goes, and nothing is reported during warm-up "
              "after installation or a state reset.",
          .response =
              {
                  .investigate =
                      "Read count and baseline from `curl -H \"Authorization: Bearer $TOKEN\" "
                      "\"https://launchguard.launchguard.svc:8443/alerts?rule=launch-rate-"
                      "spike\"` and who launched from the launch-rate-principal alerts.",
                  .contain = "Pause the responsible workloads and suspend unexpected principals.",
                  .analyse = "Check images and node load (`kubectl top nodes`) for mining or mass "
                             "deployment of tooling.",
                  .remediate =
                      "Set quotas on pod count and CPU, and rotate credentials of any abused "
                      "principal.",
                  .report = "Report the spike's size, cause and impact.",
              },
      },
      {
          .id = rule_id::resource_request_spike,
          .title = "Pod requests unusually large resources",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Impact"},
          .techniques = {"T1496"},
          .goal = "Record a pod requesting more CPU, memory or GPUs than rate.podCeiling, typical "
                  "of miners claiming whole nodes.",
          .false_positives =
              "ML training jobs with GPUs, large databases and in-memory caches. Raise "
              "rate.podCeiling, or exempt ML namespaces with "
              "rules.resource-request-spike.exemptions.namespaces.",
          .blind_spots =
              "Pods without requests that use whatever is free, and mining spread over many small "
              "pods (see the launch-rate rules).",
          .response =
              {
                  .investigate =
                      "Compare requests with use: `kubectl get pod -n NS NAME -o "
                      "jsonpath='{.spec.containers[*].resources}'` and `kubectl top pod -n NS "
                      "NAME`.",
                  .contain =
                      "If unexpected, `kubectl delete pod -n NS NAME` and scale its owner down.",
                  .analyse =
                      "Inspect the image and its outbound connections for mining pools, and the "
                      "launcher's other activity.",
                  .remediate =
                      "Apply LimitRanges and ResourceQuotas, and rotate the launcher's credentials "
                      "if abused.",
                  .report = "Report the pod, requested resources, launcher and cost impact.",
              },
      },
      {
          .id = rule_id::direct_pod_launch,
          .title = "Bare pod in a protected namespace",
          .default_severity = severity::medium,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Execution", "Defense Evasion"},
          .techniques = {"T1610"},
          .goal = "Record pods created without an owning controller in "
                  "provenance.protectedNamespaces, where workloads should come through a deployer.",
          .false_positives =
              "`kubectl run` debugging, `helm test` hook pods, and operators that create bare pods "
              "(Spark, Tekton). Add them to provenance.trustedDeployers or exempt them with "
              "rules.direct-pod-launch.exemptions.users.",
          .blind_spots =
              "ownerReferences are set by the client, so a pod claiming an owner passes as "
              "controller-made, and namespaces outside provenance.protectedNamespaces are not "
              "checked.",
          .response =
              {
                  .investigate =
                      "Read ownerReferences, image and service account with `kubectl get pod -n NS "
                      "NAME -o yaml`; the alert names the launcher.",
                  .contain = "If unexpected, `kubectl delete pod -n NS NAME`.",
                  .analyse =
                      "Check the launcher's rights with `kubectl auth can-i --list --as USER -n "
                      "NS` and their other launches with `launchguard scan --config policy.yaml "
                      "audit.log`.",
                  .remediate = "Limit pod create in protected namespaces to the deployers.",
                  .report = "Report the pod, launcher and stated purpose.",
              },
      },
      {
          .id = rule_id::untrusted_deployer,
          .title = "Workload changed by an untrusted deployer",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Execution", "Persistence"},
          .techniques = {"T1610", "T1053.007"},
          .goal = "Record workloads, CronJobs and Jobs included, created or changed in "
                  "provenance.protectedNamespaces by a principal outside "
                  "provenance.trustedDeployers.",
          .false_positives =
              "Emergency hotfixes with kubectl, and new GitOps or CI identities after a migration. "
              "Add them to provenance.trustedDeployers, for example "
              "`system:serviceaccount:argocd:*`.",
          .blind_spots =
              "A compromised trusted deployer, such as a malicious commit synced by GitOps, looks "
              "legitimate.",
          .response =
              {
                  .investigate =
                      "See the change with `kubectl get KIND -n NS NAME -o yaml` and `kubectl "
                      "rollout history deploy/NAME -n NS`; the alert names user and requester.",
                  .contain =
                      "Roll back with `kubectl rollout undo deploy/NAME -n NS` or let GitOps "
                      "resync, and suspend the principal if unexpected.",
                  .analyse =
                      "Compare with the source repository and find the principal's other changes "
                      "with `launchguard scan --config policy.yaml audit.log`.",
                  .remediate = "Restrict writes in protected namespaces to trusted deployers.",
                  .report = "Report the workload, change, principal and whether it was authorised.",
              },
      },
      {
          .id = rule_id::state_backend_degraded,
          .title = "State store degraded",
          .default_severity = severity::high,
          .default_action = action::audit,
          .sources = both,
          .tactics = {"Defense Evasion"},
          .techniques = {"T1562.001"},
          .goal = "Record that launchguard cannot use its state store, so trackers, dedup and "
                  "durable alerts are degraded and audit batches are refused.",
          .false_positives =
              "Redis failover, a full state volume and node maintenance. Fix the store; in test "
              "clusters set rules.state-backend-degraded.action: off.",
          .blind_spots =
              "While degraded, trackers run on partial state and this alert may reach only stdout "
              "until the store recovers.",
          .response =
              {
                  .investigate =
                      "Read `kubectl logs -n launchguard deploy/launchguard` and the store metrics "
                      "with `curl http://POD_IP:9090/metrics | grep launchguard_`.",
                  .contain =
                      "Restore the store (free disk, restart or fail over Redis) so audit batches "
                      "are accepted again.",
                  .analyse =
                      "Find whether the outage was induced (Redis deleted, volume filled by a pod) "
                      "and which batches the API server dropped after its retries.",
                  .remediate =
                      "Replay the missed window from the API server's audit log files with "
                      "`launchguard scan --config policy.yaml audit.log`.",
                  .report = "Report the outage window, its cause and any detections replayed late.",
              },
      },
  };
  static_assert(std::extent_v<decltype(entries)> == rule_count,
                "one catalog entry per rule_id, in rule_id order");
  return entries;
}

}  // namespace

std::span<const rule_info> rule_catalog() {
  return {catalog_entries(), rule_count};
}

const rule_info& rule_of(rule_id id) {
  return catalog_entries()[index_of(id)];
}

}  // namespace launchguard
