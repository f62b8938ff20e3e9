#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/model/admission_request.hpp"
#include "policy/model/kube_object.hpp"

namespace launchguard {

// objectRef of an audit event: what the request acted on.
struct audit_object_ref {
  std::string resource;     // "pods"
  std::string subresource;  // "exec"
  std::string namespace_name;
  std::string name;
  std::string api_group;  // "" for core, "apps", ...
  std::string api_version;
  std::string uid;
};

// One audit.k8s.io/v1 (or v1beta1) Event, typed: what the API server says happened.
//
//   audit_event e = ...;  // decoded from an EventList item
//   e.verb == "create" && e.object.resource == "pods" && e.request_object->pod
struct audit_event {
  std::string api_version;
  std::string level;  // None, Metadata, Request, RequestResponse
  std::string audit_id;
  std::string stage;  // RequestReceived, ResponseStarted, ResponseComplete, Panic
  std::string request_uri;
  std::string verb;  // get, list, watch, create, update, patch, delete, deletecollection
  user_info user;
  std::optional<user_info> impersonated_user;
  std::vector<std::string> source_ips;
  std::string user_agent;
  audit_object_ref object;
  std::int32_t response_code = 0;  // 0 when absent
  std::string response_reason;
  std::string response_message;
  std::optional<kube_object> request_object;
  std::optional<kube_object> response_object;
  string_pairs annotations;
  std::int64_t request_received_ms = 0;
  std::int64_t stage_ms = 0;  // stageTimestamp: the time the detections use

  // The user the request acted as: the impersonated user when there is one.
  const user_info& principal() const { return impersonated_user ? *impersonated_user : user; }
  // 101 is a connection upgraded for exec, attach or port-forward.
  bool succeeded() const {
    return response_code == 0 || (response_code >= 100 && response_code < 400);
  }
};

}  // namespace launchguard
