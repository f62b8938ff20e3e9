#include "policy/encode/review_response.hpp"

#include <nlohmann/json.hpp>

namespace launchguard {

std::string encode_review_response(const admission_request& request, const decision& verdict) {
  nlohmann::ordered_json response = {{"uid", request.uid}, {"allowed", verdict.allowed}};
  if (!verdict.allowed) {
    response["status"] = {
        {"code", verdict.status_code},
        {"reason", verdict.status_code == 403 ? "Forbidden" : "InternalError"},
        {"message", verdict.message},
    };
  }
  if (!verdict.warnings.empty()) response["warnings"] = verdict.warnings;
  if (!verdict.audit_annotations.empty()) {
    nlohmann::ordered_json annotations = nlohmann::ordered_json::object();
    for (const auto& [key, value] : verdict.audit_annotations)
      annotations[key] = value;
    response["auditAnnotations"] = std::move(annotations);
  }
  nlohmann::ordered_json review = {
      {"apiVersion", request.review_api_version},
      {"kind", "AdmissionReview"},
      {"response", std::move(response)},
  };
  return review.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace launchguard
