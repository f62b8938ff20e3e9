// The bytes are what a client sends on one connection to the webhook port: HTTP/1.1 requests,
// pipelined when keep-alive allows. They take the path a request takes in the server, without
// a socket: Beast's request_parser reads them as http_server.cpp does (16 KiB of headers, the
// path's body limit known from the headers, 100-continue, 413 and 431 answers), then the
// server's own webhook_routes answer them, wired as `launchguard serve` wires them: the
// example policy, the trackers, a store writer over an in-memory SQLite store, an alert sink
// (to /dev/null), /validate, /audit and /alerts. Each answer is serialized as the server
// sends it and parsed back, and must be one HTTP response with a status from 100 to 599,
// given exactly once and in time.
//
// The stateful parts (store, trackers, the detections' memory) are made fresh for each
// input, so a crash reproduces from its input alone; several requests in one input still
// exercise what one request leaves for the next.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include "policy/track/memory_tracker_store.hpp"
#include "server/alerts/alert_sink.hpp"
#include "server/app/policy_store.hpp"
#include "server/app/readiness.hpp"
#include "server/endpoints/alerts_endpoint.hpp"
#include "server/endpoints/audit_endpoint.hpp"
#include "server/endpoints/bearer_token.hpp"
#include "server/endpoints/routes.hpp"
#include "server/endpoints/validate_endpoint.hpp"
#include "server/http/parse_step.hpp"
#include "server/http/request_body.hpp"
#include "server/http/request_head.hpp"
#include "server/metrics/metrics.hpp"
#include "server/store/sqlite_store.hpp"
#include "server/store/store_writer.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace fs = std::filesystem;
using namespace launchguard;
using namespace launchguard::server;

constexpr std::size_t header_limit = 16 * 1024;  // session_limits::header_bytes
constexpr int max_requests_per_input = 8;
constexpr auto answer_deadline = std::chrono::seconds(4);  // under libFuzzer's -timeout=5
constexpr std::string_view api_token = "fuzz-token";

// The files the server reads at start, written once to a private temporary directory.
struct server_files {
  fs::path dir;
  std::string policy;
  std::string token;
  std::FILE* dev_null = nullptr;

  server_files() {
    std::string name = (fs::temp_directory_path() / "launchguard-fuzz-XXXXXX").string();
    if (mkdtemp(name.data()) == nullptr) fuzz::fail("mkdtemp failed");
    dir = name;
    policy = (dir / "policy.yaml").string();
    token = (dir / "api-token").string();
    std::ofstream(policy, std::ios::binary) << fuzz::example_policy_text();
    std::ofstream(token, std::ios::binary) << api_token << "\n";
    dev_null = std::fopen("/dev/null", "w");
    if (dev_null == nullptr) fuzz::fail("cannot open /dev/null");
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(files().dir, ignored);
    });
  }
  static server_files& files() {
    static server_files made;
    return made;
  }
};

policy_store& policies() {
  static policy_store store(server_files::files().policy);
  static bool loaded = [] {
    auto result = store.reload();
    if (!result) fuzz::fail("the policy does not load", result.error().message);
    return true;
  }();
  (void)loaded;
  return store;
}

bearer_token api_bearer_token() {
  auto token = bearer_token::from_file(server_files::files().token);
  if (!token) fuzz::fail("cannot read the token file", token.error().message);
  return *token;
}

// What build_endpoints() in server/app/serve.cpp makes, in the same order.
struct server_stack {
  metrics_registry metrics;
  std::unique_ptr<sqlite_store> store;
  memory_tracker_store trackers{1024};
  alert_sink sink{metrics, server_files::files().dev_null};
  std::optional<store_writer> writer;
  std::optional<validate_endpoint> validate;
  std::optional<audit_endpoint> audit;
  std::optional<alerts_endpoint> alerts;
  readiness ready;
  std::optional<webhook_routes> routes;

  server_stack() {
    auto opened = sqlite_store::open_in_memory();
    if (!opened) fuzz::fail("cannot open the in-memory store", opened.error().message);
    store = std::move(*opened);
    writer.emplace(
        *store, metrics,
        [] {
          auto p = policies().current();
          return store_writer::settings{p->dedup_window, p->alert_retention, p->max_alerts};
        },
        [this] { (void)store->save_trackers(trackers.drain_changes()); });
    validate.emplace(policies(), trackers, *writer, sink, metrics);
    audit.emplace(policies(), trackers, *writer, sink, metrics, self_identity{}, std::nullopt);
    alerts.emplace(*store, api_bearer_token());
    routes.emplace(webhook_routes::endpoints{*validate, *audit, &*alerts}, ready, metrics, false);
    ready.set_policy_loaded();
    ready.set_listening();
  }
  // As serve() does: finish the queued commits while the endpoints their callbacks use exist.
  ~server_stack() { writer.reset(); }
};

// The answer as http_server.cpp's send() puts it on the wire, parsed back as a client would.
void check_on_the_wire(const http_response& answer, bool keep_alive) {
  if (answer.status < 100 || answer.status > 599)
    fuzz::fail("an answer with status " + std::to_string(answer.status), answer.body);
  std::string bytes;
  write_response(answer, keep_alive, bytes);

  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  beast::error_code ec;
  std::size_t used = parser.put(net::buffer(bytes), ec);
  if (ec || !parser.is_done() || used != bytes.size())
    fuzz::fail("the answer is not one HTTP response: " + ec.message(), bytes);
  const auto& back = parser.get();
  if (back.result_int() != static_cast<unsigned>(answer.status) || back.body() != answer.body)
    fuzz::fail("the answer does not read back as sent", bytes);
}

// Hands the request to the routes and waits for the answer, which /audit gives on the store
// writer's thread once its alerts are committed.
http_response answer_of(webhook_routes& routes, http_request request) {
  struct pending {
    std::promise<http_response> promise;
    std::atomic<int> calls{0};
  };
  auto state = std::make_shared<pending>();
  std::future<http_response> answered = state->promise.get_future();
  respond_fn respond = [state](http_response answer) {
    if (state->calls.fetch_add(1) != 0) fuzz::fail("respond called twice", answer.body);
    state->promise.set_value(std::move(answer));
  };
  try {
    routes.handle(std::move(request), respond);
  } catch (const std::exception& error) {  // as the session does: 500, never a crash
    if (state->calls == 0)
      respond(error_response(500, std::string("internal error: ") + error.what()));
  }
  if (answered.wait_for(answer_deadline) != std::future_status::ready)
    fuzz::fail("no answer within the deadline");
  return answered.get();
}

std::string_view path_of(beast::string_view target) {
  std::string_view t(target.data(), target.size());
  return t.substr(0, t.find('?'));
}

// One request of the connection, as session::on_header and on_body handle it. Returns false
// when the connection ends after it (an error answer, no keep-alive, or the input runs out).
bool serve_one(server_stack& server, std::string_view& rest) {
  http::request_parser<request_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(header_limit));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  beast::error_code ec;
  std::size_t used = parse_step(parser, rest, ec);  // the header
  if (ec == http::error::header_limit) {
    check_on_the_wire(error_response(431, "request headers too large"), false);
    return false;
  }
  if (ec == http::error::need_more) return false;  // the server waits, then times out
  if (ec) {
    check_on_the_wire(error_response(400, "malformed HTTP request: " + ec.message()), false);
    return false;
  }
  // As on_header does: the routes screen the headers before any body is read.
  http_request head = head_of(parser.get());
  head.remote_address = "192.0.2.1";
  std::optional<http_response> refused;
  try {
    refused = server.routes->screen(head);
  } catch (const std::exception& error) {
    refused = error_response(500, std::string("internal error: ") + error.what());
  }
  if (refused) {
    // A small body is drained and the connection kept; the rest is closed. Either way the
    // refusal is the answer, and this harness ends the connection there.
    check_on_the_wire(*refused, false);
    return false;
  }
  std::size_t limit = server.routes->body_limit(path_of(parser.get().target()));
  if (auto length = parser.content_length(); length && *length > limit) {
    check_on_the_wire(error_response(413, "request body too large"), false);
    return false;
  }
  parser.body_limit(limit);
  // An `Expect: 100-continue` gets "100 Continue" before the body: nothing to check here.
  used += parse_step(parser, rest.substr(used), ec);  // the body
  rest.remove_prefix(used);
  if (ec == http::error::body_limit) {
    check_on_the_wire(error_response(413, "request body too large"), false);
    return false;
  }
  if (ec) return false;  // a broken body or the input ended: the server closes

  bool keep_alive = parser.get().keep_alive();
  head.body = std::move(parser.release().body());
  http_response answer = answer_of(*server.routes, std::move(head));
  check_on_the_wire(answer, keep_alive);
  return keep_alive;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  server_stack server;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < max_requests_per_input && !rest.empty(); ++i) {
    if (!serve_one(server, rest)) break;
  }
  // The ops port's /metrics over what these requests counted.
  ops_routes ops(server.ready, server.metrics);
  http_request scrape;
  scrape.method = "GET";
  scrape.target = "/metrics";
  ops.handle(std::move(scrape), [](http_response answer) { check_on_the_wire(answer, true); });
  return 0;
}
