// launchguard: one binary, one subcommand per job. Each subcommand parses its flags here and
// hands a plain options struct to the code that does the work.
#include <iostream>

#include <CLI/CLI.hpp>

#include "server/app/serve.hpp"
#include "server/cli/version.hpp"

namespace {

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
  serve->add_option("--api-token-file", options.api_token_file,
                    "Bearer token required by GET /alerts");
  serve->add_option("--audit-token-file", options.audit_token_file,
                    "Bearer token required by POST /audit");
  serve->add_option("--threads", options.threads, "I/O threads (default: one per hardware thread)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"launchguard: detect and block container launches that evade security monitoring"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");

  serve_options serve;
  add_serve(app, serve);
  app.add_subcommand("version", "Print the version and build information.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }

  CLI::App* chosen = app.get_subcommands().front();
  const std::string& name = chosen->get_name();
  if (name == "serve") return launchguard::server::run_serve(serve);
  if (name == "version") {
    std::cout << launchguard::server::version_text() << "\n";
    return 0;
  }
  return 2;
}
