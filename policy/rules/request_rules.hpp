#pragma once

#include "policy/config/policy.hpp"
#include "policy/model/admission_request.hpp"
#include "policy/rules/violation.hpp"

namespace launchguard {

// The rules about a request as a whole (who did what to which object), as opposed to the
// rules over a pod spec: pod-exec, pod-port-forward, ephemeral-container,
// security-workload-tampering, service-exposure, system-namespace-launch, static-pod-launch,
// direct-pod-launch and untrusted-deployer.
void check_request(const admission_request& request, const policy& rules, violations& out);

// True for a pod that mirrors a static pod: the kubelet created it from a manifest on the
// node, and deleting or denying it does not stop the container. The annotation is trusted
// only from a node: anyone else writing it is not describing a static pod.
bool is_mirror_pod(const kube_object& object, const user_info& creator);

// The ephemeral containers `object` has that `old_object` has not (by name).
std::vector<const container*> added_ephemeral_containers(const kube_object& object,
                                                         const kube_object* old_object);

}  // namespace launchguard
