#pragma once

#include <memory>

#include "policy/decode/decode_error.hpp"
#include "policy/decode/json_input.hpp"
#include "policy/model/admission_request.hpp"

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

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace launchguard
