#pragma once

#include <chrono>
#include <string>

namespace launchguard::server {

// The flags of `launchguard serve`.
struct serve_options {
  std::string config;
  std::string tls_cert;
  std::string tls_key;
  std::string listen = "0.0.0.0:8443";
  std::string ops_listen = "0.0.0.0:9090";
  std::string client_ca;
  std::string state_dir = "./launchguard-state";
  std::string redis_url;
  std::string redis_password_file;
  std::string redis_timeout = "250ms";
  std::string api_token_file;
  std::string audit_token_file;
  unsigned threads = 0;      // 0: one per hardware thread
  std::string read_timeout;  // headers and body of a request; empty: 10 s and 30 s
  std::string idle_timeout = "120s";
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_client = 0;  // 0: a quarter of max_connections
  double audit_rate_limit = 50;  // /audit requests per second per client (bursts of twice that)
  // Time allowed for in-flight requests after SIGTERM; the process exits within 5 s.
  std::chrono::milliseconds drain_deadline{4500};
};

// Runs the webhook server until SIGTERM or SIGINT. Returns the process exit code: 0 after a
// clean shutdown, 1 when startup failed (the reason is logged).
int run_serve(const serve_options& options);

}  // namespace launchguard::server
