// launchguard: one binary, one subcommand per job. Each subcommand parses its flags here and
// hands a plain options struct to the code that does the work.
#include <iostream>

#include <CLI/CLI.hpp>

#include "server/app/serve.hpp"
#include "server/cli/commands.hpp"
#include "server/cli/replay_command.hpp"
#include "server/cli/scan_command.hpp"
#include "server/cli/version.hpp"

namespace {

using launchguard::server::review_options;
using launchguard::server::serve_options;

void add_serve(CLI::App& app, serve_options& options) {
  CLI::App* serve = app.add_subcommand("serve", "Run the admission and audit webhook server.");
  serve->add_option("--config", options.config, "Policy file (YAML)")->required();
  serve->add_option("--tls-cert", options.tls_cert, "Server certificate chain (PEM)")->required();
  serve->add_option("--tls-key", options.tls_key, "Server private key (PEM)")->required();
  serve->add_option("--listen", options.listen, "Webhook address (TLS); port 0 picks a free port")
      ->capture_default_str();
  serve
      ->add_option("--ops-listen", options.ops_listen,
                   "Ops address (plain HTTP: /metrics, /healthz, /readyz)")
      ->capture_default_str();
  serve->add_option("--client-ca", options.client_ca,
                    "Require client certificates signed by this CA on /validate and /audit");
  serve->add_option("--state-dir", options.state_dir, "Directory of the embedded state store")
      ->capture_default_str();
  serve->add_option("--redis-url", options.redis_url,
                    "redis://HOST:PORT[/DB]: shared state for several replicas");
  serve->add_option("--redis-password-file", options.redis_password_file,
                    "File holding the Redis password");
  serve
      ->add_option("--redis-timeout", options.redis_timeout,
                   "Deadline of each Redis call; past it, stateful rules are skipped")
      ->capture_default_str();
  serve->add_option("--api-token-file", options.api_token_file,
                    "Bearer token required by GET /alerts");
  serve->add_option("--audit-token-file", options.audit_token_file,
                    "Bearer token required by POST /audit");
  serve->add_option("--threads", options.threads, "I/O threads (default: one per hardware thread)");
  serve->add_option("--read-timeout", options.read_timeout,
                    "Deadline for a request's headers and for its body (default 10s and 30s)");
  serve
      ->add_option("--idle-timeout", options.idle_timeout,
                   "Close a keep-alive connection idle this long")
      ->capture_default_str();
  serve
      ->add_option("--max-connections", options.max_connections,
                   "Connections served at once on the webhook port")
      ->capture_default_str();
  serve->add_option("--max-connections-per-client", options.max_connections_per_client,
                    "Connections one address may hold on the webhook port (default: a quarter of "
                    "--max-connections)");
  serve
      ->add_option("--audit-rate-limit", options.audit_rate_limit,
                   "POST /audit requests per second per client (bursts of twice that); 429 beyond")
      ->capture_default_str();
}

void add_review(CLI::App& app, review_options& options) {
  CLI::App* review = app.add_subcommand("review",
                                        "Evaluate manifests as CREATE requests with the stateless "
                                        "rules (exit 1 if any would be denied).");
  review->add_option("--config", options.config, "Policy file (YAML)")->required();
  review->add_option("--user", options.user, "Requesting user")->capture_default_str();
  review->add_option("--group", options.groups, "Requesting user's groups (repeatable)");
  review->add_option("--namespace", options.namespace_name,
                     "Namespace (default: each object's own, else default)");
  review->add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  review->add_option("MANIFEST", options.manifests, "YAML or JSON manifests; - for stdin")
      ->required();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"launchguard: detect and block container launches that evade security monitoring"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");

  serve_options serve;
  add_serve(app, serve);
  review_options review;
  add_review(app, review);

  launchguard::server::scan_options scan;
  CLI::App* scan_app = app.add_subcommand("scan",
                                          "Run the audit detections over audit logs (JSON lines or "
                                          "EventList, plain or gzip; - is stdin).");
  scan_app->add_option("--config", scan.config, "Policy file (YAML)")->required();
  scan_app->add_option("--format", scan.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  scan_app
      ->add_option("--fail-on", scan.fail_on,
                   "Exit 1 when an alert at or above this severity is found")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
  scan_app
      ->add_option("--launchguard-namespace", scan.self_namespace,
                   "Namespace launchguard runs in, in the cluster the log comes from")
      ->capture_default_str();
  scan_app->add_option("FILE", scan.inputs, "Audit log files; - for stdin")->required();

  launchguard::server::replay_options replay;
  CLI::App* replay_app = app.add_subcommand("replay",
                                            "Send emulation scenarios to a running server and "
                                            "compare the alerts with the expected ones.");
  replay_app->add_option("--target", replay.target, "https://HOST:PORT of the server")->required();
  replay_app->add_option("--ca", replay.ca_file,
                         "CA file of the server's certificate (default: system CAs)");
  replay_app
      ->add_option("--token", replay.token_file,
                   "File with the server's /alerts token (--api-token-file)")
      ->required();
  replay_app->add_option("--audit-token", replay.audit_token_file,
                         "File with the server's /audit token, if any");
  replay_app->add_option("SCENARIO", replay.scenarios, "Scenario folders (tests/emulation/*)")
      ->required();

  std::string check_path;
  CLI::App* check =
      app.add_subcommand("check-config", "Validate a policy file (exit 2 with every error).");
  check->add_option("FILE", check_path, "Policy file")->required();

  std::string rules_format = "text";
  CLI::App* rules =
      app.add_subcommand("rules", "Print the rule catalog with its detection-strategy metadata.");
  rules->add_option("--format", rules_format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();

  app.add_subcommand("version", "Print the version and build information.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }

  CLI::App* chosen = app.get_subcommands().front();
  const std::string& name = chosen->get_name();
  if (name == "serve") return launchguard::server::run_serve(serve);
  if (name == "review") return launchguard::server::run_review(review);
  if (name == "scan") return launchguard::server::run_scan(scan);
  if (name == "replay") return launchguard::server::run_replay(replay);
  if (name == "check-config") return launchguard::server::run_check_config(check_path);
  if (name == "rules") return launchguard::server::run_rules(rules_format);
  if (name == "version") {
    std::cout << launchguard::server::version_text() << "\n";
    return 0;
  }
  return 2;
}
