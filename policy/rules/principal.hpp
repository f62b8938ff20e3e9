#pragma once

#include <string_view>

#include "policy/model/admission_request.hpp"

namespace launchguard {

// Who a Kubernetes username belongs to. Usernames are what the API server authenticated:
// "system:node:worker-1", "system:serviceaccount:argocd:argocd-application-controller",
// "alice@example.com".

bool is_node(const user_info& user);                 // a kubelet
bool is_scheduler(const user_info& user);            // system:kube-scheduler
bool is_service_account(std::string_view username);  // system:serviceaccount:NS:NAME
// A person or an external system: neither a service account nor a system:* identity.
bool is_person(std::string_view username);
// The control plane's own identities: system:* users other than anonymous, and service
// accounts of kube-system.
bool is_system_component(const user_info& user);

}  // namespace launchguard
