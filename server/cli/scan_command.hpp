#pragma once

#include <string>
#include <vector>

namespace launchguard::server {

struct scan_options {
  std::string config;
  std::string format = "text";
  std::string fail_on;  // a severity; empty: never fail on alerts
  // Where launchguard runs in the cluster the log comes from (launchguard-config-tampering).
  std::string self_namespace = "launchguard";
  std::vector<std::string> inputs;
};

// `launchguard scan`: the audit detections over audit log files (JSON lines or an EventList,
// plain or gzip; "-" is stdin), with the same dedup and retry handling as the server, times
// taken from each event's stageTimestamp. Malformed lines are reported on stderr with their
// line number and skipped. Exit 0 when the scan completed, 1 when --fail-on is given and an
// alert at or above it was found, 2 when an input or the policy could not be read at all.
int run_scan(const scan_options& options);

}  // namespace launchguard::server
