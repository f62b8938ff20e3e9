#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "policy/model/finding.hpp"
#include "policy/model/object_meta.hpp"

namespace launchguard {

// What admission answers for one request.
//
//   decision d;                      // allowed, no warnings
//   d.deny("image-denied: ...");     // allowed = false, status 403
struct decision {
  bool allowed = true;
  std::int32_t status_code = 0;  // set when denied
  std::string message;           // why it was denied
  std::vector<std::string> warnings;
  string_pairs audit_annotations;  // keys without '/'; the API server prefixes the webhook name
  findings fired;                  // every rule that fired, with what was done about it
  // Why the rules that need memory across requests (rate, provenance) were not evaluated;
  // empty when they were (or did not apply).
  std::string stateful_skipped;

  void deny(std::string reason, std::int32_t code = 403) {
    allowed = false;
    status_code = code;
    message = std::move(reason);
  }
};

}  // namespace launchguard
