#include "server/endpoints/audit_endpoint.hpp"

#include "policy/decode/json_decoder.hpp"
#include "server/endpoints/endpoint_util.hpp"

namespace launchguard::server {
namespace {

bool is_ndjson(const http_request& request) {
  std::string_view type = request.content_type;
  return type.substr(0, type.find(';')).find("ndjson") != std::string_view::npos;
}

// The events of the body, or the 400 that says what is wrong with it.
outcome<std::vector<audit_event>> decode_events(http_request& request) {
  thread_local json_decoder decoder;
  std::vector<audit_event> events;
  json_input input = padded(request.body);
  if (is_ndjson(request)) {
    auto errors = decoder.audit_event_lines(input, events);
    if (!errors.empty()) {
      return failure{
          "line " + std::to_string(errors.front().line) + ": " + errors.front().error.message +
          (errors.size() > 1 ? " (and " + std::to_string(errors.size() - 1) + " more lines)" : "")};
    }
    return events;
  }
  auto decoded = decoder.audit_events(input, events);
  if (!decoded) return failure{decoded.error().message};
  return events;
}

http_response accepted(std::size_t count) {
  return json_response(200, "{\"accepted\":" + std::to_string(count) + "}");
}

}  // namespace

audit_endpoint::audit_endpoint(const policy_store& policies, tracker_store& trackers,
                               store_writer& store, alert_sink& sink, metrics_registry& metrics,
                               self_identity self, std::optional<bearer_token> token,
                               double rate_limit)
    : policies_(policies),
      store_(store),
      sink_(sink),
      events_total_(metrics.counter("launchguard_audit_events_total", "Audit events received.")),
      self_(std::move(self)),
      token_(std::move(token)),
      limiter_(rate_limit, 2 * rate_limit),
      limited_(
          metrics.counter("launchguard_audit_rate_limited_total",
                          "POST /audit requests answered 429 for exceeding --audit-rate-limit.")),
      memory_(std::make_unique<audit_memory>(
          static_cast<std::size_t>(policies.current()->tracked_keys), &trackers)) {}

void audit_endpoint::handle(http_request request, respond_fn respond) {
  if (auto wrong = require_method(request, "POST")) return respond(*wrong);
  if (token_ && !token_->accepts(request.authorization)) {
    http_response answer =
        error_response(401, "a valid bearer token (--audit-token-file) is required");
    answer.headers.emplace_back("WWW-Authenticate", "Bearer");
    return respond(answer);
  }
  // After authentication, before any decoding: a flood costs a hash lookup per request.
  std::string client =
      !request.client_subject.empty() ? request.client_subject : request.remote_address;
  if (!limiter_.allow(client)) {
    limited_.add({});
    http_response answer = error_response(429, "too many audit requests from " + client +
                                                   "; the limit is --audit-rate-limit per second");
    answer.headers.emplace_back("Retry-After", "1");
    return respond(answer);
  }
  if (auto wrong = require_content_type(request, {"application/json", "application/x-ndjson"}))
    return respond(*wrong);
  auto events = decode_events(request);
  if (!events)
    return respond(error_response(
        400,
        "not an audit.k8s.io EventList, Event or JSON lines of Events: " + events.error().message));
  events_total_.add({}, events->size());

  std::shared_ptr<const policy> snapshot = policies_.current();
  std::vector<input_alerts> batch;
  batch.reserve(events->size());
  {
    std::lock_guard lock(memory_mutex_);
    for (const auto& e : *events) {
      batch.push_back({e.audit_id.empty() ? std::string() : e.audit_id + "/" + e.stage,
                       observe(*snapshot, e, *memory_, self_)});
    }
  }
  std::size_t count = events->size();
  store_.submit(std::move(batch), [this, count, respond](outcome<commit_result> result) {
    if (!result) {
      http_response answer =
          error_response(503, "alerts could not be stored durably: " + result.error().message);
      answer.headers.emplace_back("Retry-After", "1");
      return respond(answer);
    }
    sink_.publish(std::move(result->raised));
    respond(accepted(count));
  });
}

}  // namespace launchguard::server
