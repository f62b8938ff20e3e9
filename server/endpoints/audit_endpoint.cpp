#include "server/endpoints/audit_endpoint.hpp"

#include <algorithm>

#include "policy/audit/audit_request.hpp"
#include "policy/decode/json_decoder.hpp"
#include "server/endpoints/endpoint_util.hpp"
#include "server/util/log.hpp"

namespace launchguard::server {
namespace {

const logger log{"audit"};

bool is_ndjson(const http_request& request) {
  std::string_view type = request.content_type;
  return type.substr(0, type.find(';')).find("ndjson") != std::string_view::npos;
}

// The events of a body: those that decoded, and those that did not, with what could be read
// of them. A body none of whose events decode is the 400 that says what is wrong with it.
struct decoded_batch {
  std::vector<audit_event> events;
  std::vector<json_decoder::skipped_event> skipped;
};

outcome<decoded_batch> decode_events(http_request& request) {
  thread_local json_decoder decoder;
  // An event is a large value (its objects inline): growing the vector moves every event
  // decoded so far. The API server's batches are alike in size, so the last one is the guess.
  thread_local std::size_t last_count = 0;
  decoded_batch batch;
  batch.events.reserve(std::min<std::size_t>(last_count, 1024));
  json_input input = padded(request.body);
  if (is_ndjson(request)) {
    auto errors = decoder.audit_event_lines(input, batch.events);
    if (!errors.empty() && batch.events.empty()) {
      return failure{
          "line " + std::to_string(errors.front().line) + ": " + errors.front().error.message +
          (errors.size() > 1 ? " (and " + std::to_string(errors.size() - 1) + " more lines)" : "")};
    }
    for (auto& bad : errors) {
      bad.error.message = "line " + std::to_string(bad.line) + ": " + bad.error.message;
      batch.skipped.push_back({bad.line - 1, std::move(bad.error), {}});
    }
    return batch;
  }
  auto decoded = decoder.audit_events(input, batch.events, &batch.skipped);
  if (!decoded) return failure{decoded.error().message};
  last_count = batch.events.size();
  return batch;
}

http_response accepted(std::size_t count, std::size_t rejected) {
  std::string body = "{\"accepted\":" + std::to_string(count);
  if (rejected > 0) body += ",\"rejected\":" + std::to_string(rejected);
  return json_response(200, body + "}");
}

}  // namespace

// 503 with Retry-After: the API server's audit webhook backend retries the batch.
http_response audit_endpoint::unavailable_response(const std::string& why) {
  http_response answer = error_response(503, "alerts could not be stored durably: " + why);
  answer.headers.emplace_back("Retry-After", "1");
  return answer;
}

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
      rejected_(metrics.counter("launchguard_audit_events_rejected_total",
                                "Audit events skipped because they do not decode; each raises "
                                "webhook-internal-error.")),
      limited_(
          metrics.counter("launchguard_audit_rate_limited_total",
                          "POST /audit requests answered 429 for exceeding --audit-rate-limit.")),
      memory_(std::make_unique<audit_memory>(
          static_cast<std::size_t>(policies.current()->tracked_keys), &trackers)) {}

// What the headers alone decide: checked before the body is read, so an unauthenticated or
// throttled client cannot make the server buffer 16 MiB.
std::optional<http_response> audit_endpoint::check_headers(const http_request& request) const {
  if (auto wrong = require_method(request, "POST")) return wrong;
  if (token_) {
    if (auto wrong = require_bearer(request, *token_, "--audit-token-file")) return wrong;
  }
  return require_content_type(request, {"application/json", "application/x-ndjson"});
}

std::optional<http_response> audit_endpoint::screen(const http_request& request) {
  if (auto wrong = check_headers(request)) return wrong;
  // After authentication, before the body: a flood costs a hash lookup per request.
  std::string client =
      !request.client_subject.empty() ? request.client_subject : request.remote_address;
  if (!limiter_.allow(client)) {
    limited_.add({});
    http_response answer = error_response(429, "too many audit requests from " + client +
                                                   "; the limit is --audit-rate-limit per second");
    answer.headers.emplace_back("Retry-After", "1");
    return answer;
  }
  return std::nullopt;
}

void audit_endpoint::handle(http_request request, respond_fn respond) {
  if (auto wrong = check_headers(request)) return respond(*wrong);
  auto decoded = decode_events(request);
  if (!decoded)
    return respond(
        error_response(400, "not an audit.k8s.io EventList, Event or JSON lines of Events: " +
                                decoded.error().message));
  std::vector<audit_event>& events = decoded->events;
  events_total_.add({}, events.size() + decoded->skipped.size());
  if (!decoded->skipped.empty()) rejected_.add({}, decoded->skipped.size());

  std::shared_ptr<const policy> snapshot = policies_.current();
  std::vector<input_alerts> batch;
  batch.reserve(events.size() + decoded->skipped.size());
  try {
    std::lock_guard lock(memory_mutex_);
    for (const auto& e : events) {
      batch.push_back({e.audit_id.empty() ? std::string() : origin_of(e),
                       observe(*snapshot, e, *memory_, self_)});
    }
  } catch (const tracker_unavailable& unavailable) {
    // Nothing of the batch is acknowledged: the API server sends it again.
    return respond(unavailable_response(unavailable.what()));
  }
  std::int64_t now = now_unix_ms();
  for (const auto& bad : decoded->skipped) {
    log.warn("audit event does not decode", {{"auditID", bad.partial.audit_id},
                                             {"index", std::to_string(bad.index)},
                                             {"problem", bad.error.message}});
    batch.push_back(
        {std::string(), undecodable_event(*snapshot, bad.partial, bad.error.message, now)});
  }
  std::size_t count = events.size();
  std::size_t rejected = decoded->skipped.size();
  store_.submit(std::move(batch), [this, count, rejected, respond](outcome<commit_result> result) {
    if (!result) return respond(unavailable_response(result.error().message));
    sink_.publish(std::move(result->raised));
    respond(accepted(count, rejected));
  });
}

}  // namespace launchguard::server
