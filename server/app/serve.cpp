#include "server/app/serve.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/alerts/alert_sink.hpp"
#include "server/app/file_watcher.hpp"
#include "server/app/policy_store.hpp"
#include "server/app/readiness.hpp"
#include "server/endpoints/alerts_endpoint.hpp"
#include "server/endpoints/audit_endpoint.hpp"
#include "server/endpoints/bearer_token.hpp"
#include "server/endpoints/routes.hpp"
#include "server/endpoints/validate_endpoint.hpp"
#include "server/http/http_server.hpp"
#include "server/metrics/metrics.hpp"
#include "server/store/sqlite_store.hpp"
#include "server/store/store_writer.hpp"
#include "server/util/log.hpp"

namespace launchguard::server {
namespace {

namespace net = boost::asio;

const logger log{"server"};

unsigned thread_count(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Flags of the contract whose feature lands later: accepted now so deployments written
// against the contract start, and named in the log so nobody believes they are in effect.
void note_inactive_flags(const serve_options& options) {
  const std::pair<const char*, const std::string*> later[] = {
      {"--redis-url", &options.redis_url},
      {"--redis-password-file", &options.redis_password_file},
  };
  for (const auto& [flag, value] : later) {
    if (!value->empty()) log.warn("flag accepted but not active in this version", {{"flag", flag}});
  }
}

// launchguard's own namespace and service account (from the downward API in the chart), so
// its own writes are not reported as tampering with it.
self_identity find_self() {
  self_identity self;
  if (const char* ns = std::getenv("POD_NAMESPACE"); ns != nullptr && *ns != '\0') {
    self.namespace_name = ns;
  } else if (std::ifstream file("/var/run/secrets/kubernetes.io/serviceaccount/namespace"); file) {
    std::getline(file, self.namespace_name);
  }
  const char* account = std::getenv("POD_SERVICE_ACCOUNT");
  self.service_account = "system:serviceaccount:" + self.namespace_name + ":" +
                         (account != nullptr && *account != '\0' ? account : "launchguard");
  return self;
}

// A token file, when the flag names one; the failure names the flag and the file.
bool load_token(const std::string& flag, const std::string& path,
                std::optional<bearer_token>& out) {
  if (path.empty()) return true;
  auto token = bearer_token::from_file(path);
  if (!token) {
    log.error("cannot load " + flag, {{log_key::error, token.error().message}});
    return false;
  }
  out = std::move(*token);
  return true;
}

// Loads the policy at start: without a valid policy the server does not start.
bool load_initial_policy(policy_store& policies) {
  auto loaded = policies.reload();
  if (!loaded) {
    log.error("the policy is not valid",
              {{log_key::file, policies.path()}, {log_key::error, loaded.error().message}});
    return false;
  }
  log.info("policy loaded", {{log_key::file, policies.path()}});
  return true;
}

// A changed policy file (or SIGHUP): validate and swap, or keep the old policy and say why.
void reload_policy(policy_store& policies, counter_vec& reloads, counter_vec& errors) {
  auto loaded = policies.reload();
  if (!loaded) {
    errors.add({});
    log.error("policy reload rejected; the previous policy stays in force",
              {{log_key::file, policies.path()}, {log_key::error, loaded.error().message}});
    return;
  }
  reloads.add({});
  log.info("policy reloaded", {{log_key::file, policies.path()}});
}

// Shutdown: not ready at once, stop accepting, let requests in progress finish, then stop.
class drain {
 public:
  drain(net::io_context& io, readiness& ready, http_server& webhook, http_server& ops,
        std::chrono::milliseconds deadline)
      : io_(io), ready_(ready), webhook_(webhook), ops_(ops), deadline_(deadline), timer_(io) {}

  void begin() {
    log.info("shutting down: readiness off, no new connections, finishing requests in progress");
    ready_.set_draining();
    webhook_.shut_down();
    until_ = std::chrono::steady_clock::now() + deadline_;
    poll();
  }

 private:
  void poll() {
    std::size_t open = webhook_.open_connections();
    if (open == 0 || std::chrono::steady_clock::now() >= until_) {
      if (open > 0) log.warn("drain deadline reached", {{"openConnections", std::to_string(open)}});
      ops_.shut_down();
      io_.stop();
      return;
    }
    timer_.expires_after(std::chrono::milliseconds(20));
    timer_.async_wait([this](boost::system::error_code) { poll(); });
  }

  net::io_context& io_;
  readiness& ready_;
  http_server& webhook_;
  http_server& ops_;
  std::chrono::milliseconds deadline_;
  std::chrono::steady_clock::time_point until_;
  net::steady_timer timer_;
};

}  // namespace

int run_serve(const serve_options& options) {
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);  // until the reload handler is installed: never die of SIGHUP
  note_inactive_flags(options);
  readiness ready;
  metrics_registry metrics;

  policy_store policies(options.config);
  if (!load_initial_policy(policies)) return 1;
  ready.set_policy_loaded();
  counter_vec& reloads =
      metrics.counter("launchguard_policy_reloads_total", "Policy reloads that took effect.");
  counter_vec& reload_errors =
      metrics.counter("launchguard_policy_reload_errors_total",
                      "Policy reloads rejected because the new policy was not valid.");
  file_watcher policy_watcher({options.config},
                              [&] { reload_policy(policies, reloads, reload_errors); });

  auto context = load_tls_context({options.tls_cert, options.tls_key, options.client_ca});
  if (!context) {
    log.error("cannot load the TLS certificate", {{log_key::error, context.error().message}});
    return 1;
  }
  tls_context_store tls(*context);

  std::optional<bearer_token> api_token, audit_token;
  if (!load_token("--api-token-file", options.api_token_file, api_token) ||
      !load_token("--audit-token-file", options.audit_token_file, audit_token)) {
    return 1;
  }
  auto store = sqlite_store::open(options.state_dir);
  if (!store) {
    log.error("cannot open the state store", {{log_key::error, store.error().message}});
    return 1;
  }
  log.info("state store open", {{log_key::file, (*store)->path()}});

  alert_sink alerts(metrics);
  store_writer writer(**store, metrics, [&policies] {
    auto p = policies.current();
    return store_writer::settings{p->dedup_window, p->alert_retention, p->max_alerts};
  });
  validate_endpoint validate(policies, writer, alerts);
  audit_endpoint audit(policies, writer, alerts, metrics, find_self(), audit_token);
  std::optional<alerts_endpoint> alerts_api;
  if (api_token) alerts_api.emplace(**store, *api_token);
  webhook_routes webhook_handler({validate, audit, alerts_api ? &*alerts_api : nullptr}, ready,
                                 metrics, !options.client_ca.empty());
  ops_routes ops_handler(ready, metrics);

  unsigned threads = thread_count(options.threads);
  net::io_context io(static_cast<int>(threads));
  http_server webhook(io, webhook_handler, &tls);
  http_server ops(io, ops_handler, nullptr);
  metrics.gauge("launchguard_open_connections", "Open connections on the webhook port.",
                [&webhook] { return static_cast<double>(webhook.open_connections()); });

  for (auto [server, address, name] : {std::tuple{&webhook, &options.listen, "webhook"},
                                       std::tuple{&ops, &options.ops_listen, "ops"}}) {
    auto bound = server->listen(*address);
    if (!bound) {
      log.error("cannot listen", {{log_key::error, bound.error().message}});
      return 1;
    }
    log.info("listening", {{"listener", name}, {log_key::address, *bound}});
  }
  ready.set_listening();

  drain shutdown(io, ready, webhook, ops, options.drain_deadline);
  net::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    log.info("signal received", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    shutdown.begin();
  });
  // SIGHUP reloads the policy now, whether or not the file changed.
  net::signal_set hangup(io, SIGHUP);
  std::function<void()> wait_for_hangup = [&] {
    hangup.async_wait([&](boost::system::error_code ec, int) {
      if (ec || ready.draining()) return;
      log.info("signal received", {{"signal", "SIGHUP"}});
      policy_watcher.trigger();
      wait_for_hangup();
    });
  };
  wait_for_hangup();

  log.info("serving", {{"threads", std::to_string(threads)}});
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i)
    workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& worker : workers)
    worker.join();
  log.info("stopped");
  return 0;
}

}  // namespace launchguard::server
