// `launchguard serve`: the startup steps, in order. Each step either succeeds or logs why the
// server cannot start and makes run_serve return 1.
#include "server/app/serve.hpp"

#include <csignal>
#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "policy/config/duration.hpp"
#include "policy/engine/audit.hpp"
#include "server/alerts/alert_sink.hpp"
#include "server/app/drain.hpp"
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
#include "server/redis/redis_alert_store.hpp"
#include "server/redis/redis_client.hpp"
#include "server/redis/redis_tracker_store.hpp"
#include "server/store/sqlite_store.hpp"
#include "server/store/store_writer.hpp"
#include "server/util/log.hpp"
#include "server/util/task_pool.hpp"

namespace launchguard::server {
namespace {

namespace net = boost::asio;

const logger log{"server"};

unsigned thread_count(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
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

// Everything the server holds, in the order it starts (and the reverse order it stops).
class server_app {
 public:
  explicit server_app(const serve_options& options)
      : options_(options), policies_(options.config) {}

  bool load_policy();
  bool load_tls();
  bool load_tokens() {
    return load_token("--api-token-file", options_.api_token_file, api_token_) &&
           load_token("--audit-token-file", options_.audit_token_file, audit_token_);
  }
  bool open_store();
  bool open_redis();
  void build_endpoints();
  bool read_limits();
  bool listen();
  void serve();

 private:
  void reload_policy();
  void reload_tls();
  void save_trackers();
  void redis_recovered(std::chrono::milliseconds down_for, const std::string& cause);
  std::size_t state_pool_threads() const { return std::max<std::size_t>(16, 8 * threads_); }
  void handle_signals();
  void wait_for_hangup();

  const serve_options& options_;
  readiness ready_;
  metrics_registry metrics_;
  counter_vec& reloads_ =
      metrics_.counter("launchguard_policy_reloads_total", "Policy reloads that took effect.");
  counter_vec& reload_errors_ =
      metrics_.counter("launchguard_policy_reload_errors_total",
                       "Policy reloads rejected because the new policy was not valid.");
  counter_vec& store_errors_ = metrics_.counter(
      "launchguard_store_errors_total", "State store operations that failed.", {"operation"});
  policy_store policies_;
  std::optional<tls_context_store> tls_;
  std::optional<bearer_token> api_token_, audit_token_;
  // One of two backends: the embedded store (SQLite, trackers in memory and written behind),
  // or Redis shared by every replica.
  std::unique_ptr<sqlite_store> store_;
  std::unique_ptr<memory_tracker_store> memory_trackers_;
  std::unique_ptr<redis_client> redis_;
  std::unique_ptr<redis_alert_store> redis_alerts_;
  std::unique_ptr<redis_tracker_store> redis_trackers_;
  alert_store* alerts_store_ = nullptr;
  tracker_store* trackers_ = nullptr;
  std::unique_ptr<file_watcher> policy_watcher_;
  std::unique_ptr<file_watcher> tls_watcher_;
  counter_vec& tls_reload_errors_ =
      metrics_.counter("launchguard_tls_reload_errors_total",
                       "Certificate reloads rejected because the new files were not usable.");
  std::optional<alert_sink> alerts_;
  std::optional<store_writer> writer_;
  std::optional<validate_endpoint> validate_;
  std::optional<audit_endpoint> audit_;
  std::optional<alerts_endpoint> alerts_api_;
  std::optional<webhook_routes> webhook_routes_;
  std::optional<ops_routes> ops_routes_;
  std::optional<task_pool> state_pool_;  // with Redis: where requests may wait on it
  unsigned threads_ = thread_count(options_.threads);
  net::io_context io_{static_cast<int>(threads_)};
  session_limits limits_;
  std::optional<http_server> webhook_, ops_;
  std::optional<drain> drain_;
  net::signal_set stop_signals_{io_, SIGTERM, SIGINT};
  net::signal_set hangup_{io_, SIGHUP};
};

bool server_app::load_policy() {
  auto loaded = policies_.reload();
  if (!loaded) {
    log.error("the policy is not valid",
              {{log_key::file, policies_.path()}, {log_key::error, loaded.error().message}});
    return false;
  }
  log.info("policy loaded", {{log_key::file, policies_.path()}});
  ready_.set_policy_loaded();
  return true;
}

// The deadlines and caps of the webhook port, from the flags.
bool server_app::read_limits() {
  auto duration = [](const std::string& flag,
                     const std::string& text) -> std::optional<std::chrono::seconds> {
    auto parsed = parse_duration(text);
    if (!parsed || parsed->count() < 1000) {
      log.error("not a usable duration (at least 1s)", {{"flag", flag}, {"value", text}});
      return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::seconds>(*parsed);
  };
  if (!options_.read_timeout.empty()) {
    auto read = duration("--read-timeout", options_.read_timeout);
    if (!read) return false;
    limits_.header = limits_.body = *read;
  }
  auto idle = duration("--idle-timeout", options_.idle_timeout);
  if (!idle) return false;
  limits_.idle = *idle;
  if (options_.max_connections == 0) {
    log.error("--max-connections must be at least 1");
    return false;
  }
  limits_.max_connections = options_.max_connections;
  limits_.max_connections_per_client = options_.max_connections_per_client != 0
                                           ? options_.max_connections_per_client
                                           : std::max<std::size_t>(1, options_.max_connections / 4);
  return true;
}

bool server_app::load_tls() {
  auto context = load_tls_context({options_.tls_cert, options_.tls_key, options_.client_ca});
  if (!context) {
    log.error("cannot load the TLS certificate", {{log_key::error, context.error().message}});
    return false;
  }
  tls_.emplace(*context);
  return true;
}

// The state store, and the trackers' memory from the last run: no image is "first seen"
// twice across a restart.
bool server_app::open_store() {
  if (!options_.redis_url.empty()) return open_redis();
  auto opened = sqlite_store::open(options_.state_dir);
  if (!opened) {
    log.error("cannot open the state store", {{log_key::error, opened.error().message}});
    return false;
  }
  store_ = std::move(*opened);
  log.info("state store open", {{log_key::file, store_->path()}});
  auto secret = store_->tracker_secret();
  if (!secret) {
    log.error("cannot read the trackers' secret", {{log_key::error, secret.error().message}});
    return false;
  }
  memory_trackers_ = std::make_unique<memory_tracker_store>(
      static_cast<std::size_t>(policies_.current()->tracked_keys), *secret);
  auto loaded = store_->load_trackers(*memory_trackers_);
  if (!loaded) {
    log.error("cannot load the trackers' state", {{log_key::error, loaded.error().message}});
    return false;
  }
  log.info("trackers loaded", {{"keys", std::to_string(*loaded)}});
  metrics_.gauge("launchguard_tracked_keys", "Keys the rate and provenance trackers hold.",
                 [this] { return static_cast<double>(memory_trackers_->size()); });
  alerts_store_ = store_.get();
  trackers_ = memory_trackers_.get();
  return true;
}

// The shared store. A URL, password file or timeout that is wrong stops the start; Redis
// being down does not: the webhook must answer, and does, without its stateful rules until
// Redis is back.
bool server_app::open_redis() {
  auto endpoint = parse_redis_url(options_.redis_url);
  if (!endpoint) {
    log.error("cannot use Redis", {{log_key::error, endpoint.error().message}});
    return false;
  }
  if (!options_.redis_password_file.empty()) {
    std::ifstream file(options_.redis_password_file);
    std::string password;
    if (!file || !std::getline(file, password) || password.empty()) {
      log.error("cannot use Redis",
                {{log_key::file, options_.redis_password_file},
                 {log_key::error, "--redis-password-file is unreadable or empty"}});
      return false;
    }
    while (!password.empty() && (password.back() == '\r' || password.back() == ' '))
      password.pop_back();
    endpoint->password = password;
  }
  auto deadline = parse_duration(options_.redis_timeout);
  if (!deadline || deadline->count() < 1 || deadline->count() > 10'000) {
    log.error("--redis-timeout must be a duration from 1ms to 10s",
              {{"value", options_.redis_timeout}});
    return false;
  }
  redis_client::settings settings;
  settings.endpoint = *endpoint;
  settings.deadline = std::chrono::milliseconds(deadline->count());
  settings.connections = state_pool_threads() + 2;  // the state pool and the store writer
  redis_ = std::make_unique<redis_client>(settings);
  redis_->on_recovered([this](std::chrono::milliseconds down_for, std::string cause) {
    redis_recovered(down_for, cause);
  });
  redis_alerts_ = std::make_unique<redis_alert_store>(*redis_);
  redis_trackers_ = std::make_unique<redis_tracker_store>(*redis_);
  alerts_store_ = redis_alerts_.get();
  trackers_ = redis_trackers_.get();
  std::string where = endpoint->host + ":" + std::to_string(endpoint->port);
  auto pong = redis_->command({"PING"});
  if (!pong || pong->is_error()) {
    log.error(
        "redis does not answer yet; serving without stateful rules until it does",
        {{log_key::address, where}, {log_key::error, pong ? pong->text : pong.error().message}});
  } else {
    log.info("state store open", {{log_key::address, where}, {"backend", "redis"}});
  }
  metrics_.gauge("launchguard_state_backend_up",
                 "1 while the state store answers (always 1 for the embedded store).",
                 [this] { return redis_->available() ? 1.0 : 0.0; });
  return true;
}

// Redis answers again: say for how long it did not, as state-backend-degraded. Runs on the
// thread whose call succeeded; the commit goes through the store writer like any alert.
void server_app::redis_recovered(std::chrono::milliseconds down_for, const std::string& cause) {
  const redis_endpoint& where = redis_->endpoint();
  auto raised = state_backend_recovered(*policies_.current(),
                                        "redis " + where.host + ":" + std::to_string(where.port),
                                        down_for.count(), cause, now_unix_ms());
  if (raised.empty() || !writer_) return;
  std::vector<alert> unstored = raised;
  writer_->submit({{std::string(), std::move(raised)}},
                  [this, unstored = std::move(unstored)](outcome<commit_result> result) mutable {
                    alerts_->publish(result ? std::move(result->raised) : std::move(unstored));
                  });
}

// A changed policy file (or SIGHUP): validate and swap, or keep the old policy and say why.
void server_app::reload_policy() {
  auto loaded = policies_.reload();
  if (!loaded) {
    reload_errors_.add({});
    log.error("policy reload rejected; the previous policy stays in force",
              {{log_key::file, policies_.path()}, {log_key::error, loaded.error().message}});
    return;
  }
  reloads_.add({});
  if (memory_trackers_)
    memory_trackers_->set_capacity(static_cast<std::size_t>((*loaded)->tracked_keys));
  log.info("policy reloaded", {{log_key::file, policies_.path()}});
}

// Renewed certificate files (cert-manager rotates the mounted Secret): new connections get the
// new certificate, open ones keep theirs; unusable files leave the old one in place.
void server_app::reload_tls() {
  auto context = load_tls_context({options_.tls_cert, options_.tls_key, options_.client_ca});
  if (!context) {
    tls_reload_errors_.add({});
    log.error("certificate reload rejected; the previous certificate stays in use",
              {{log_key::error, context.error().message}});
    return;
  }
  tls_->replace(*context);
  log.info("certificate reloaded", {{log_key::file, options_.tls_cert}});
}

// Write-behind of the trackers' memory, once a second on the store's thread: a kill -9 loses
// at most the last second of counts.
void server_app::save_trackers() {
  if (redis_) {
    // Nothing to write behind; while Redis is down, a ping notices when it is back even if
    // no request comes.
    if (!redis_->available()) (void)redis_->command({"PING"});
    return;
  }
  auto saved = store_->save_trackers(memory_trackers_->drain_changes());
  if (!saved) {
    store_errors_.add({"trackers"});
    log.error("saving the trackers' state failed", {{log_key::error, saved.error().message}});
  }
}

void server_app::build_endpoints() {
  policy_watcher_ = std::make_unique<file_watcher>(std::vector<std::string>{options_.config},
                                                   [this] { reload_policy(); });
  std::vector<std::string> tls_files{options_.tls_cert, options_.tls_key};
  if (!options_.client_ca.empty()) tls_files.push_back(options_.client_ca);
  tls_watcher_ = std::make_unique<file_watcher>(tls_files, [this] { reload_tls(); });
  alerts_.emplace(metrics_);
  writer_.emplace(
      *alerts_store_, metrics_,
      [this] {
        auto p = policies_.current();
        return store_writer::settings{p->dedup_window, p->alert_retention, p->max_alerts};
      },
      [this] { save_trackers(); });
  validate_.emplace(policies_, *trackers_, *writer_, *alerts_, metrics_);
  audit_.emplace(policies_, *trackers_, *writer_, *alerts_, metrics_, find_self(), audit_token_,
                 options_.audit_rate_limit);
  if (api_token_) alerts_api_.emplace(*alerts_store_, *api_token_);
  if (redis_) {
    // A request's tracker calls are round trips in sequence, so throughput over Redis is
    // bound by how many requests wait on it at once, not by CPU: many threads, mostly asleep.
    state_pool_.emplace(state_pool_threads(), 1024);
    metrics_.gauge("launchguard_state_pool_queue_depth",
                   "Requests waiting for a thread that may call Redis.",
                   [this] { return static_cast<double>(state_pool_->queued()); });
  }
  webhook_routes_.emplace(
      webhook_routes::endpoints{*validate_, *audit_, alerts_api_ ? &*alerts_api_ : nullptr,
                                state_pool_ ? &*state_pool_ : nullptr},
      ready_, metrics_, !options_.client_ca.empty());
  ops_routes_.emplace(ready_, metrics_);
}

bool server_app::listen() {
  webhook_.emplace(io_, *webhook_routes_, &*tls_, limits_);
  // The ops port answers probes and scrapes: a few connections, and none held for long.
  session_limits ops_limits;
  ops_limits.idle = std::chrono::seconds(30);
  ops_limits.max_connections = 256;
  ops_limits.max_connections_per_client = 64;
  ops_.emplace(io_, *ops_routes_, nullptr, ops_limits);
  metrics_.gauge("launchguard_tls_certificate_expiry_timestamp_seconds",
                 "When the webhook port's serving certificate expires (Unix time); follows "
                 "reloads.",
                 [this] {
                   auto expiry = certificate_expiry(*tls_->current());
                   return expiry ? static_cast<double>(*expiry) : 0.0;
                 });
  metrics_.gauge("launchguard_open_connections", "Open connections on the webhook port.",
                 [this] { return static_cast<double>(webhook_->open_connections()); });
  metrics_.counter_fn("launchguard_connections_rejected_total",
                      "Connections to the webhook port closed on arrival: --max-connections open "
                      "and none idle, or --max-connections-per-client from that address.",
                      [this] { return static_cast<double>(webhook_->rejected_connections()); });
  metrics_.counter_fn("launchguard_connections_evicted_total",
                      "Idle webhook connections closed to make room at --max-connections.",
                      [this] { return static_cast<double>(webhook_->evicted_connections()); });
  using refusals = http_server::refusals;
  for (auto [name, help, field] : {
           std::tuple{"launchguard_http_malformed_requests_total",
                      "Requests on the webhook port that were not valid HTTP/1.1 (answered 400).",
                      &refusals::malformed},
           std::tuple{"launchguard_http_oversized_requests_total",
                      "Requests on the webhook port refused for the size of their headers (431) "
                      "or body (413).",
                      &refusals::too_large},
           std::tuple{"launchguard_http_read_timeouts_total",
                      "Webhook connections closed because headers or a body arrived slower than "
                      "their deadline.",
                      &refusals::timed_out},
           std::tuple{"launchguard_tls_handshake_failures_total",
                      "TLS handshakes on the webhook port that failed or timed out.",
                      &refusals::failed_handshakes},
       }) {
    metrics_.counter_fn(name, help, [this, field = field] {
      return static_cast<double>(webhook_->refused().*field);
    });
  }
  metrics_.counter_fn("launchguard_ops_connections_rejected_total",
                      "Connections to the ops port closed on arrival (256 open, 64 per address).",
                      [this] { return static_cast<double>(ops_->rejected_connections()); });
  for (auto [server, address, name] : {std::tuple{&*webhook_, &options_.listen, "webhook"},
                                       std::tuple{&*ops_, &options_.ops_listen, "ops"}}) {
    auto bound = server->listen(*address);
    if (!bound) {
      log.error("cannot listen", {{log_key::error, bound.error().message}});
      return false;
    }
    log.info("listening", {{"listener", name}, {log_key::address, *bound}});
  }
  ready_.set_listening();
  return true;
}

// SIGTERM or SIGINT drains and stops; SIGHUP reloads the policy and the TLS files now, changed or
// not.
void server_app::handle_signals() {
  drain_.emplace(io_, ready_, *webhook_, *ops_, options_.drain_deadline);
  stop_signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    log.info("signal received", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    drain_->begin();
  });
  wait_for_hangup();
}

void server_app::wait_for_hangup() {
  hangup_.async_wait([this](boost::system::error_code ec, int) {
    if (ec || ready_.draining()) return;
    log.info("signal received", {{"signal", "SIGHUP"}});
    policy_watcher_->trigger();
    tls_watcher_->trigger();
    wait_for_hangup();
  });
}

void server_app::serve() {
  handle_signals();
  log.info("serving", {{"threads", std::to_string(threads_)}});
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads_; ++i)
    workers.emplace_back([this] { io_.run(); });
  io_.run();
  for (auto& worker : workers)
    worker.join();
  // Finish the requests and commits still queued while the I/O context exists: their
  // callbacks post answers to it, which are then dropped with it instead of touching freed
  // memory.
  state_pool_.reset();
  writer_.reset();
  log.info("stopped");
}

}  // namespace

int run_serve(const serve_options& options) {
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);  // until the reload handler is installed: never die of SIGHUP
  server_app app(options);
  if (!app.read_limits() || !app.load_policy() || !app.load_tls() || !app.load_tokens() ||
      !app.open_store()) {
    return 1;
  }
  app.build_endpoints();
  if (!app.listen()) return 1;
  app.serve();
  return 0;
}

}  // namespace launchguard::server
