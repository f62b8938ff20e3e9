#pragma once

#include <string>

#include "policy/model/admission_request.hpp"
#include "policy/model/decision.hpp"

namespace launchguard {

// The AdmissionReview the API server expects back: same apiVersion as the request, the
// request's uid, and the decision.
//
//   std::string body = encode_review_response(request, decision);
//   // {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":...}}
std::string encode_review_response(const admission_request& request, const decision& verdict);

}  // namespace launchguard
