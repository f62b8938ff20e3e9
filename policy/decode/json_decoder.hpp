#pragma once

#include <memory>

#include "policy/decode/decode_error.hpp"
#include "policy/decode/json_input.hpp"
#include "policy/model/admission_request.hpp"
#include "policy/model/audit_event.hpp"

namespace launchguard {

// Decodes request bodies straight into model values with simdjson On-Demand: one pass, only
// the fields rules read. A decoder owns reusable parser buffers; it is not thread-safe, so
// keep one per thread.
//
//   json_decoder decoder;
//   std::string body = ...;
//   decode_result<admission_request> review = decoder.admission_review(padded(body));
//   if (!review) std::cerr << review.error().message;
class json_decoder {
 public:
  json_decoder();
  ~json_decoder();
  json_decoder(const json_decoder&) = delete;
  json_decoder& operator=(const json_decoder&) = delete;

  // An AdmissionReview of admission.k8s.io/v1 or v1beta1 with its request.
  decode_result<admission_request> admission_review(json_input input);

  // An audit.k8s.io (v1 or v1beta1) EventList, or a single Event, appended to `out`.
  decode_result<std::size_t> audit_events(json_input input, std::vector<audit_event>& out);

  // JSON lines, one Event or EventList per line (blank lines skipped). A line that does not
  // decode is reported with its 1-based number and skipped; the others are appended to `out`.
  struct line_error {
    std::size_t line;
    decode_error error;
  };
  std::vector<line_error> audit_event_lines(json_input input, std::vector<audit_event>& out);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace launchguard
