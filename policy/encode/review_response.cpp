#include "policy/encode/review_response.hpp"

#include "policy/encode/json_text.hpp"

namespace launchguard {

// Written out by hand, not through a JSON DOM: the answer is on every request's path and has
// a fixed shape. The member order is the one the golden answers record.
std::string encode_review_response(const admission_request& request, const decision& verdict) {
  std::string out;
  out.reserve(256 + request.uid.size() + verdict.message.size());
  out.append("{\"apiVersion\":");
  append_json_string(out, request.review_api_version);
  out.append(",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":");
  append_json_string(out, request.uid);
  out.append(verdict.allowed ? ",\"allowed\":true" : ",\"allowed\":false");
  if (!verdict.allowed) {
    out.append(",\"status\":{\"code\":");
    out.append(std::to_string(verdict.status_code));
    out.append(verdict.status_code == 403 ? ",\"reason\":\"Forbidden\",\"message\":"
                                          : ",\"reason\":\"InternalError\",\"message\":");
    append_json_string(out, verdict.message);
    out.push_back('}');
  }
  if (!verdict.warnings.empty()) {
    out.append(",\"warnings\":[");
    for (std::size_t i = 0; i < verdict.warnings.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_string(out, verdict.warnings[i]);
    }
    out.push_back(']');
  }
  if (!verdict.audit_annotations.empty()) {
    out.append(",\"auditAnnotations\":{");
    const auto& annotations = verdict.audit_annotations;
    bool first = true;
    for (std::size_t i = 0; i < annotations.size(); ++i) {
      // A key given twice appears once, where it first appeared, with its last value.
      bool seen_before = false;
      for (std::size_t j = 0; j < i && !seen_before; ++j)
        seen_before = annotations[j].first == annotations[i].first;
      if (seen_before) continue;
      const std::string* value = &annotations[i].second;
      for (std::size_t j = i + 1; j < annotations.size(); ++j) {
        if (annotations[j].first == annotations[i].first) value = &annotations[j].second;
      }
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, annotations[i].first);
      out.push_back(':');
      append_json_string(out, *value);
    }
    out.push_back('}');
  }
  out.append("}}");
  return out;
}

}  // namespace launchguard
