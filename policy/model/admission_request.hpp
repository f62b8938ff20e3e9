#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/model/kube_object.hpp"

namespace launchguard {

enum class operation : std::uint8_t { create, update, del, connect, unknown };

const char* to_string(operation op);
operation operation_from(std::string_view text);

// Who sent the request, as the API server authenticated it.
struct user_info {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;

  friend bool operator==(const user_info&, const user_info&) = default;
};

struct group_version_kind {
  std::string group;
  std::string version;
  std::string kind;

  friend bool operator==(const group_version_kind&, const group_version_kind&) = default;
};

struct group_version_resource {
  std::string group;
  std::string version;
  std::string resource;

  friend bool operator==(const group_version_resource&, const group_version_resource&) = default;
};

// The `request` of an AdmissionReview, typed.
//
//   admission_request r = decode_admission_review(body).value();
//   if (r.op == operation::create && r.object && r.object->pod) { ... }
struct admission_request {
  std::string review_api_version;  // admission.k8s.io/v1 or v1beta1: the answer uses the same
  std::string uid;
  group_version_kind kind;
  group_version_resource resource;
  std::string sub_resource;
  std::string name;
  std::string namespace_name;
  operation op = operation::unknown;
  user_info user;
  bool dry_run = false;
  // The object is a patch, not the whole object (an audit event of a patch request): a field
  // it sets is a field the request changed.
  bool partial_object = false;
  // The body of a patch request, when there was one: what the request set, even where
  // `object` is the whole object after the patch.
  std::optional<kube_object> patch;
  std::optional<kube_object> object;
  std::optional<kube_object> old_object;

  friend bool operator==(const admission_request&, const admission_request&) = default;
};

}  // namespace launchguard
