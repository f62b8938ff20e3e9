// Faults of the state store injected through its interface: a store that refuses every
// commit, as SQLite does on a read-only or full state directory (tests run as root, which
// file permissions do not stop). The endpoints are wired as `launchguard serve` wires them.
#include <atomic>
#include <cstdio>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policy/track/memory_tracker_store.hpp"
#include "server/alerts/alert_sink.hpp"
#include "server/app/policy_store.hpp"
#include "server/app/readiness.hpp"
#include "server/endpoints/audit_endpoint.hpp"
#include "server/endpoints/routes.hpp"
#include "server/endpoints/validate_endpoint.hpp"
#include "server/metrics/metrics.hpp"
#include "server/store/sqlite_store.hpp"
#include "server/store/store_writer.hpp"
#include "tests/support/files.hpp"

namespace launchguard::server {
namespace {

using nlohmann::json;
using testing::read_file;
using testing::source_dir;

// An alert store whose commits fail while `failing` is set, and otherwise go to SQLite.
class faulty_store : public alert_store {
 public:
  explicit faulty_store(std::unique_ptr<sqlite_store> real) : real_(std::move(real)) {}
  std::atomic<bool> failing{false};
  std::atomic<int> refused{0};

  outcome<commit_result> commit(std::vector<input_alerts> batch,
                                duration_ms dedup_window) override {
    if (failing) {
      ++refused;
      return failure{"state store: attempt to write a readonly database"};
    }
    return real_->commit(std::move(batch), dedup_window);
  }
  outcome<std::vector<stored_alert>> query(const alert_query& q) override {
    return real_->query(q);
  }
  outcome<std::size_t> prune(std::int64_t now_ms, duration_ms retention,
                             std::int64_t max_alerts) override {
    return real_->prune(now_ms, retention, max_alerts);
  }

 private:
  std::unique_ptr<sqlite_store> real_;
};

class store_faults : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(policies.reload()) << "the example policy loads";
    auto opened = sqlite_store::open_in_memory();
    ASSERT_TRUE(opened) << opened.error().message;
    store.emplace(std::move(*opened));
    writer.emplace(*store, metrics, [this] {
      auto p = policies.current();
      return store_writer::settings{p->dedup_window, p->alert_retention, p->max_alerts};
    });
    validate.emplace(policies, trackers, *writer, sink, metrics);
    audit.emplace(policies, trackers, *writer, sink, metrics, self_identity{}, std::nullopt);
    routes.emplace(webhook_routes::endpoints{*validate, *audit, nullptr}, ready, metrics, false);
    ready.set_policy_loaded();
    ready.set_listening();
  }
  void TearDown() override { writer.reset(); }  // finish the queued commits first

  // The answer of the webhook routes to a request, waiting for an /audit commit.
  http_response answer(const std::string& method, const std::string& target,
                       const std::string& body) {
    http_request request;
    request.method = method;
    request.target = target;
    request.content_type = "application/json";
    request.body = body;
    request.remote_address = "192.0.2.1";
    if (auto refused = routes->screen(request)) return *refused;
    auto promise = std::make_shared<std::promise<http_response>>();
    auto future = promise->get_future();
    routes->handle(std::move(request), [promise](http_response r) { promise->set_value(r); });
    EXPECT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    return future.get();
  }
  http_response ops(const std::string& target) {
    ops_routes routes_of_ops(ready, metrics);
    http_request request;
    request.method = "GET";
    request.target = target;
    http_response out;
    routes_of_ops.handle(std::move(request), [&](http_response r) { out = std::move(r); });
    return out;
  }
  static std::string audit_batch(const std::string& audit_id) {
    // A privileged pod created without launchguard's decision: alerts to commit.
    json list = json::parse(
        read_file(source_dir() / "tests/golden/audit/pod-spec-rules-judge-what-admission-"
                                 "missed/events.json"));
    json event = list["items"][0];
    event["auditID"] = audit_id;
    return json{{"kind", "EventList"}, {"apiVersion", "audit.k8s.io/v1"}, {"items", {event}}}
        .dump();
  }

  policy_store policies{(source_dir() / "deploy/examples/policy.yaml").string()};
  metrics_registry metrics;
  std::FILE* dev_null = std::fopen("/dev/null", "w");
  alert_sink sink{metrics, dev_null};
  memory_tracker_store trackers{4096};
  std::optional<faulty_store> store;
  std::optional<store_writer> writer;
  std::optional<validate_endpoint> validate;
  std::optional<audit_endpoint> audit;
  readiness ready;
  std::optional<webhook_routes> routes;
};

TEST_F(store_faults, audit_answers_503_with_retry_after_and_the_retry_loses_nothing) {
  store->failing = true;
  http_response refused = answer("POST", "/audit", audit_batch("fault-1"));
  EXPECT_EQ(refused.status, 503) << refused.body;
  bool retry_after = false;
  for (const auto& [name, value] : refused.headers)
    retry_after = retry_after || (name == "Retry-After" && value == "1");
  EXPECT_TRUE(retry_after) << "the API server retries a 503 sooner with Retry-After";
  EXPECT_GE(store->refused.load(), 1);

  // Admission does not need the store: it still decides, and readiness holds.
  http_response decided =
      answer("POST", "/validate",
             read_file(source_dir() / "deploy/examples/admission-review-privileged-pod.json"));
  EXPECT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(json::parse(decided.body)["response"]["allowed"], false);
  EXPECT_EQ(ops("/readyz").status, 200);
  std::string scraped = ops("/metrics").body;
  EXPECT_NE(scraped.find("launchguard_store_errors_total{operation=\"commit\"} "),
            std::string::npos)
      << scraped;

  // The fault clears; the API server's retry of the same batch is stored once.
  store->failing = false;
  EXPECT_EQ(answer("POST", "/audit", audit_batch("fault-1")).status, 200);
  alert_query q;
  q.limit = 1000;
  auto stored = store->query(q);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->empty()) << "the retried batch's alerts are stored";
  std::size_t before = stored->size();
  EXPECT_EQ(answer("POST", "/audit", audit_batch("fault-1")).status, 200);
  EXPECT_EQ(store->query(q)->size(), before) << "a second retry raises nothing twice";
}

}  // namespace
}  // namespace launchguard::server
