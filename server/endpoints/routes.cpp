#include "server/endpoints/routes.hpp"

#include <chrono>

#include "server/endpoints/endpoint_util.hpp"

namespace launchguard::server {
namespace {

// GET requests and unknown paths carry no body worth reading.
constexpr std::size_t small_body_limit = 64 * 1024;

http_response health_answer(const http_request& request, bool ok, std::string_view failing) {
  if (auto wrong = require_method(request, "GET")) return *wrong;
  if (ok) return text_response(200, "ok\n");
  return text_response(503, std::string(failing) + "\n");
}

http_response not_found(const http_request& request) {
  return error_response(404, "no such path: " + std::string(request.path()));
}

http_response health_routes(const http_request& request, const readiness& ready, endpoint e) {
  if (e == endpoint::healthz) return health_answer(request, ready.alive(), "not alive");
  return health_answer(request, ready.ready(), ready.draining() ? "shutting down" : "not ready");
}

endpoint endpoint_of(std::string_view path) {
  if (path == "/validate") return endpoint::validate;
  if (path == "/audit") return endpoint::audit;
  if (path == "/alerts") return endpoint::alerts;
  if (path == "/healthz") return endpoint::healthz;
  if (path == "/readyz") return endpoint::readyz;
  return endpoint::other;
}

// Wraps `respond` so the answer is counted and timed when it is sent.
respond_fn measured(metrics_registry& metrics, endpoint e, respond_fn respond) {
  auto start = std::chrono::steady_clock::now();
  return [&metrics, e, start, respond = std::move(respond)](http_response answer) {
    auto elapsed = std::chrono::steady_clock::now() - start;
    metrics.http().record(
        e, answer.status,
        static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
    respond(std::move(answer));
  };
}

}  // namespace

std::size_t webhook_routes::body_limit(std::string_view path) const {
  if (path == "/validate") return validate_endpoint::body_limit;
  if (path == "/audit") return audit_endpoint::body_limit;
  return small_body_limit;
}

std::optional<http_response> webhook_routes::certificate_check(const http_request& head,
                                                               endpoint e) const {
  bool needs_certificate = e == endpoint::validate || e == endpoint::audit;
  if (needs_certificate && require_client_certificate_ && !head.client_certificate_verified) {
    return error_response(403, "a client certificate signed by the --client-ca CA is required");
  }
  return std::nullopt;
}

// What the headers decide, the client certificate first.
std::optional<http_response> webhook_routes::check(const http_request& head, endpoint e) {
  if (auto wrong = certificate_check(head, e)) return wrong;
  switch (e) {
    case endpoint::validate:
      return validate_endpoint::screen(head);
    case endpoint::audit:
      return served_.audit.screen(head);
    case endpoint::alerts:
      if (served_.alerts) return served_.alerts->screen(head);
      return not_found(head);
    case endpoint::other:
      return not_found(head);
    default:
      return std::nullopt;
  }
}

std::optional<http_response> webhook_routes::screen(const http_request& head) {
  endpoint e = endpoint_of(head.path());
  auto answer = check(head, e);
  if (answer) metrics_.http().record(e, answer->status, 0);
  return answer;
}

void webhook_routes::handle(http_request request, respond_fn respond) {
  endpoint e = endpoint_of(request.path());
  respond = measured(metrics_, e, std::move(respond));
  if (auto wrong = certificate_check(request, e)) return respond(*wrong);
  bool stateful = e == endpoint::validate || e == endpoint::audit || e == endpoint::alerts;
  if (stateful && served_.state_pool != nullptr) {
    auto held = std::make_shared<http_request>(std::move(request));
    bool queued = served_.state_pool->try_post(
        [this, e, held, respond] { dispatch(e, std::move(*held), respond); });
    if (queued) return;
    const std::string full = "the state pool is full";
    if (e == endpoint::validate) return respond(served_.validate.handle_stateless(*held, full));
    return respond(audit_endpoint::unavailable_response(full));
  }
  dispatch(e, std::move(request), std::move(respond));
}

void webhook_routes::dispatch(endpoint e, http_request request, respond_fn respond) {
  switch (e) {
    case endpoint::validate:
      return respond(served_.validate.handle(request));
    case endpoint::audit:
      return served_.audit.handle(std::move(request), std::move(respond));
    case endpoint::alerts:
      return respond(served_.alerts ? served_.alerts->handle(request) : not_found(request));
    case endpoint::healthz:
    case endpoint::readyz:
      return respond(health_routes(request, ready_, e));
    default:
      return respond(not_found(request));
  }
}

std::size_t ops_routes::body_limit(std::string_view) const {
  return small_body_limit;
}

void ops_routes::handle(http_request request, respond_fn respond) {
  std::string_view path = request.path();
  if (path == "/metrics") {
    if (auto wrong = require_method(request, "GET")) return respond(*wrong);
    return respond(
        text_response(200, metrics_.render(), "text/plain; version=0.0.4; charset=utf-8"));
  }
  endpoint e = endpoint_of(path);
  if (e == endpoint::healthz || e == endpoint::readyz)
    return respond(health_routes(request, ready_, e));
  respond(not_found(request));
}

}  // namespace launchguard::server
