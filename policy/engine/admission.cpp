#include "policy/engine/admission.hpp"

namespace launchguard {

decision admit(const admission_request& /*request*/, std::string_view decision_id) {
  decision verdict;
  verdict.audit_annotations.emplace_back("decision-id", std::string(decision_id));
  return verdict;
}

}  // namespace launchguard
