#include "server/endpoints/validate_endpoint.hpp"

#include <charconv>
#include <random>

#include "policy/decode/json_decoder.hpp"
#include "policy/encode/review_response.hpp"
#include "policy/engine/admission.hpp"
#include "policy/model/joined.hpp"
#include "server/endpoints/endpoint_util.hpp"
#include "server/util/log.hpp"

namespace launchguard::server {

namespace {

const logger log{"validate"};

// A tracker store that cannot answer: what admission sees when the state pool is full.
class unavailable_trackers : public tracker_store {
 public:
  explicit unavailable_trackers(const std::string& why) : why_(why) {}
  rate_observation add_rate(const std::string&, std::int64_t, double, std::int64_t) override {
    throw tracker_unavailable(why_);
  }
  bool add_if_absent(const std::string&, const std::string&, std::int64_t, std::int64_t) override {
    throw tracker_unavailable(why_);
  }
  std::optional<std::string> find(const std::string&, std::int64_t) override {
    throw tracker_unavailable(why_);
  }
  void put(const std::string&, const std::string&, std::int64_t) override {
    throw tracker_unavailable(why_);
  }

 private:
  const std::string& why_;
};

}  // namespace

validate_endpoint::validate_endpoint(const policy_store& policies, tracker_store& trackers,
                                     store_writer& store, alert_sink& sink,
                                     metrics_registry& metrics)
    : policies_(policies),
      trackers_(trackers),
      store_(store),
      sink_(sink),
      stateful_skipped_(metrics.counter(
          "launchguard_stateful_rules_skipped_total",
          "Admission decisions made without the rate and provenance rules because the state "
          "store did not answer in time (Redis unreachable or slow, or the state pool full).")) {}

http_response validate_endpoint::handle_stateless(http_request& request, const std::string& why) {
  unavailable_trackers none(why);
  return decide(request, none);
}

decision_ids::decision_ids() {
  std::random_device entropy;
  std::uint64_t random = (std::uint64_t{entropy()} << 32) | entropy();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random));
  prefix_ = std::string(text, 12) + "-";
}

std::string decision_ids::next() {
  std::uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed) + 1;
  char text[16];
  char* end = std::to_chars(text, text + sizeof text, n, 16).ptr;  // 16 hex digits at most
  return joined(prefix_, std::string_view(text, static_cast<std::size_t>(end - text)));
}

void validate_endpoint::record(std::vector<alert> raised) {
  std::vector<alert> unstored = raised;  // printed anyway if the store fails: never lose an alert
  store_.submit({{std::string(), std::move(raised)}},
                [this, unstored = std::move(unstored)](outcome<commit_result> result) mutable {
                  sink_.publish(result ? std::move(result->raised) : std::move(unstored));
                });
}

std::optional<http_response> validate_endpoint::screen(const http_request& request) {
  if (auto wrong = require_method(request, "POST")) return wrong;
  return require_content_type(request, {"application/json"});
}

http_response validate_endpoint::decide(http_request& request, tracker_store& trackers) {
  if (auto wrong = screen(request)) return *wrong;

  thread_local json_decoder decoder;  // one per I/O thread: its buffers are reused
  std::shared_ptr<const policy> snapshot = policies_.current();
  std::string decision_id = ids_.next();
  std::int64_t now = now_unix_ms();
  decision verdict;
  auto review = decoder.admission_review(padded(request.body));
  if (review) {
    verdict = admit_and_track(*snapshot, *review, decision_id, trackers, now);
    // Counted, not logged per request: the store's own log says once when it went away.
    if (!verdict.stateful_skipped.empty()) stateful_skipped_.add({});
  } else {
    // A review whose object does not decode is still answered, as failureMode says: a 400
    // would be a failed call, which failurePolicy: Ignore turns into an admission.
    std::string problem = review.error().message;
    review = decoder.admission_review_shell(padded(request.body));
    if (!review) return error_response(400, "not a valid AdmissionReview: " + problem);
    log.warn("admission request does not decode",
             {{"uid", review->uid}, {"namespace", review->namespace_name}, {"problem", problem}});
    verdict = admit_undecodable(*snapshot, *review, decision_id, problem);
  }
  if (!review->dry_run && !verdict.fired.empty()) {
    std::vector<alert> raised;
    raised.reserve(verdict.fired.size());
    for (const auto& fired : verdict.fired)
      raised.push_back(admission_alert(*review, fired, decision_id, now));
    record(std::move(raised));
  }
  return json_response(200, encode_review_response(*review, verdict));
}

}  // namespace launchguard::server
