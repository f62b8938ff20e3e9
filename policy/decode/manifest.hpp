#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/model/admission_request.hpp"

namespace launchguard {

// One Kubernetes object read from a manifest file, as JSON.
struct manifest_object {
  std::string origin;  // "deploy.yaml: document 2" or "...: document 2, item 1" for List items
  std::string json;
  std::string api_version;
  std::string kind;
  std::string name;
  std::string namespace_name;
};

struct manifest_result {
  std::vector<manifest_object> objects;
  std::vector<std::string> errors;  // each names the source and the document
};

// Reads YAML or JSON manifests: several documents separated by ---, and List kinds
// (v1 List, DeploymentList, ...) expanded into their items. Plain YAML scalars are typed as
// Kubernetes' YAML reader types them (numbers, true/false, null); quoted ones stay strings.
//
//   auto read = read_manifests(file_text, "deploy.yaml");
manifest_result read_manifests(std::string_view text, std::string_view source);

// An AdmissionReview (v1) asking to CREATE the object in `namespace_name` as `user`, so that
// `launchguard review` runs the same decoder and engine as the webhook.
std::string review_for_manifest(const manifest_object& object, std::string_view namespace_name,
                                const user_info& user, std::string_view uid);

}  // namespace launchguard
