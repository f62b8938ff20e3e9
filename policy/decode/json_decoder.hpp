#pragma once

#include <functional>
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

  // What can be read of an AdmissionReview whose request did not decode (an object over the
  // decoder's caps, say): apiVersion and the request's uid, kind, resource, names, operation,
  // user and dryRun, with object and oldObject left out. An error when even that much does
  // not decode: then the body is no AdmissionReview anyone can be answered about.
  decode_result<admission_request> admission_review_shell(json_input input);

  // An event of an EventList that did not decode, skipped so the rest of the list is not
  // lost with it: its index in `items`, what is wrong, and the fields read before the problem
  // (the API server writes auditID, stage, verb, user and objectRef before the objects).
  struct skipped_event {
    std::size_t index;
    decode_error error;
    audit_event partial;
  };

  // An audit.k8s.io (v1 or v1beta1) EventList, or a single Event, appended to `out`. With
  // `skipped`, an item of an EventList that is valid JSON but not a decodable Event (over a
  // cap, a duplicate key, a wrong type) is reported there and the others are still decoded;
  // without it, such an item fails the whole document. Invalid JSON always fails it.
  decode_result<std::size_t> audit_events(json_input input, std::vector<audit_event>& out,
                                          std::vector<skipped_event>* skipped = nullptr);

  // JSON lines, one Event or EventList per line (blank lines skipped). A line that does not
  // decode is reported with its 1-based number and skipped; the others are appended to `out`.
  struct line_error {
    std::size_t line;
    decode_error error;
  };
  std::vector<line_error> audit_event_lines(json_input input, std::vector<audit_event>& out);

  // The same, one line at a time: each line's events are handed to `on_line`, then dropped,
  // so that a large input never holds more than one line's events (the scan of a 500 MB log
  // spent a fifth of its time in malloc and free with a chunk's events alive at once).
  using line_events_fn = std::function<void(std::vector<audit_event>&)>;
  std::vector<line_error> audit_event_lines(json_input input, const line_events_fn& on_line);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace launchguard
