#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace launchguard::server {

struct replay_options {
  std::string target;            // https://HOST:PORT of a running launchguard
  std::string ca_file;           // CA of its certificate (system CAs when empty)
  std::string token_file;        // the --api-token-file of the server: /alerts needs it
  std::string audit_token_file;  // the --audit-token-file of the server, when it has one
  std::chrono::milliseconds max_gap{1000};
  std::vector<std::string> scenarios;
};

// `launchguard replay`: sends each scenario (a folder of AdmissionReviews and audit events,
// in file-name order) to a running server and compares the alerts it raised with the
// scenario's expected.json. Audit timestamps are moved to now, in order, with gaps longer
// than `max_gap` shortened to it; audit and review ids get a per-run suffix so a scenario can
// be replayed again; "{{decision:NN}}" in an audit event becomes the decision id the server
// gave the AdmissionReview of step NN. Prints a table and returns 1 on any missing or
// unexpected alert, 2 when a scenario or the server cannot be used.
int run_replay(const replay_options& options);

}  // namespace launchguard::server
