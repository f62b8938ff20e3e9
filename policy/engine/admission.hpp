#pragma once

#include <string_view>

#include "policy/model/admission_request.hpp"
#include "policy/model/decision.hpp"

namespace launchguard {

// Decides one admission request. Every decision carries the `decision-id` audit annotation,
// which the API server copies into the request's audit event: that is how the audit side
// proves admission saw a request.
//
//   decision d = admit(request, "5f1c-42");
decision admit(const admission_request& request, std::string_view decision_id);

}  // namespace launchguard
