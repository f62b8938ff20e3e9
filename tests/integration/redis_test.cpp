// Several replicas, one view: a real redis-server on a free loopback port and three launchguard
// replicas against it, checked over HTTPS. Then Redis stops mid-run and comes back.
#include <arpa/inet.h>
#include <filesystem>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/server_process.hpp"
#include "tests/integration/tls_client.hpp"
#include "tests/support/files.hpp"

namespace launchguard::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

const char* shared_policy = R"(apiVersion: launchguard/v1
kind: Policy
mode: enforce
rate:
  window: 60s
  perPrincipal: 5
  perNamespace: 100
  warmupWindows: 0
)";

const std::string token = "replica-token";

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// redis-server from Debian, on loopback, without persistence (the tests need none).
class redis_server {
 public:
  redis_server() : port_(free_port()) { start(); }

  void start() {
    process_ = std::make_unique<child_process>(
        std::vector<std::string>{"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind",
                                 "127.0.0.1", "--save", "", "--appendonly", "no"});
    for (int i = 0; i < 500; ++i) {
      if (process_->out().find("Ready to accept connections") != std::string::npos) return;
      if (process_->wait_exit(0ms)) break;
      std::this_thread::sleep_for(10ms);
    }
    throw std::runtime_error(
        "redis-server did not start (is it installed? scripts/install-deps "
        "installs it):\n" +
        process_->out() + process_->err());
  }
  void kill() {
    process_->send_signal(SIGKILL);
    process_->wait_exit(5s);
  }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  unsigned short port_;
  std::unique_ptr<child_process> process_;
};

json pod_review(const std::string& name, const std::string& image, const std::string& user,
                bool privileged = false) {
  json review = json::parse(read_file(source_dir() / "deploy/examples/admission-review-pod.json"));
  auto& request = review["request"];
  request["uid"] = "uid-" + name;
  request["name"] = name;
  request["namespace"] = "burst";
  request["userInfo"] = {{"username", user}, {"groups", {"system:authenticated"}}};
  request["object"]["metadata"]["name"] = name;
  request["object"]["metadata"]["namespace"] = "burst";
  request["object"]["metadata"].erase("ownerReferences");
  request["object"]["spec"]["containers"][0]["image"] = image;
  if (privileged)
    request["object"]["spec"]["containers"][0]["securityContext"] = {{"privileged", true}};
  return review;
}

json exec_event(const std::string& audit_id) {
  return {{"kind", "Event"},
          {"apiVersion", "audit.k8s.io/v1"},
          {"level", "Metadata"},
          {"auditID", audit_id},
          {"stage", "ResponseStarted"},
          {"requestURI", "/api/v1/namespaces/shop/pods/web-0/exec?command=sh"},
          {"verb", "create"},
          {"user", {{"username", "mallory@example.com"}, {"groups", {"system:authenticated"}}}},
          {"objectRef",
           {{"resource", "pods"},
            {"subresource", "exec"},
            {"namespace", "shop"},
            {"name", "web-0"},
            {"apiVersion", "v1"}}},
          {"responseStatus", {{"metadata", json::object()}, {"code", 101}}},
          {"stageTimestamp", "2026-11-27T10:00:00.050000Z"}};
}

std::string event_list(std::vector<json> events) {
  return json{{"kind", "EventList"},
              {"apiVersion", "audit.k8s.io/v1"},
              {"metadata", json::object()},
              {"items", events}}
      .dump();
}

class replica {
 public:
  replica(const fs::path& dir, const std::string& redis_url) {
    server_process::options options;
    options.config = (dir / "policy.yaml").string();
    options.extra = {"--api-token-file", (dir / "token").string(), "--redis-url",
                     redis_url,          "--redis-timeout",        "200ms"};
    server_ = std::make_unique<server_process>(options);
  }

  server_process& server() { return *server_; }

  http_answer validate(const json& review) {
    http_client client(server_->webhook_port(), pki("ca.crt"));
    return client.request("POST", "/validate", review.dump());
  }
  http_answer audit(const std::string& body) {
    http_client client(server_->webhook_port(), pki("ca.crt"));
    return client.request("POST", "/audit", body);
  }
  json alerts(const std::string& query = "") {
    http_client client(server_->webhook_port(), pki("ca.crt"));
    http_answer answer = client.request("GET", "/alerts?limit=1000" + query, "", "",
                                        {{"Authorization", "Bearer " + token}});
    if (answer.status != 200)
      throw std::runtime_error(std::to_string(answer.status) + " " + answer.body);
    return json::parse(answer.body)["alerts"];
  }
  std::string metrics() {
    http_client client(server_->ops_port());
    return client.request("GET", "/metrics").body;
  }

 private:
  std::unique_ptr<server_process> server_;
};

class replicas_test : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.path() / "policy.yaml", shared_policy);
    write_file(dir_.path() / "token", token + "\n");
    redis_ = std::make_unique<redis_server>();
    for (int i = 0; i < 3; ++i)
      replicas_.push_back(std::make_unique<replica>(dir_.path(), redis_->url()));
  }
  void TearDown() override {
    replicas_.clear();
    redis_.reset();
  }

  replica& at(std::size_t i) { return *replicas_[i % replicas_.size()]; }

  // Admission alerts are stored just after the answer: wait until `rule` has `count` of them.
  json wait_for(const std::string& rule, std::size_t count) {
    json found;
    for (int i = 0; i < 150; ++i) {
      found = at(0).alerts("&rule=" + rule);
      if (found.size() >= count) break;
      std::this_thread::sleep_for(20ms);
    }
    return found;
  }

  temp_dir dir_{"redis"};  // declared first: removed after the replicas that read it
  std::unique_ptr<redis_server> redis_;
  std::vector<std::unique_ptr<replica>> replicas_;
};

std::vector<std::int64_t> ids_of(const json& alerts) {
  std::vector<std::int64_t> ids;
  for (const auto& a : alerts)
    ids.push_back(a["id"].get<std::int64_t>());
  return ids;
}

TEST_F(replicas_test, a_burst_sent_round_robin_raises_one_launch_rate_alert) {
  // 12 launches by one principal, 4 per replica: each replica alone stays under 5.
  for (int i = 0; i < 12; ++i) {
    http_answer answer = at(i).validate(
        pod_review("burst-" + std::to_string(i), "registry.example.com/web:1", "alice"));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }
  json found = wait_for("launch-rate-principal", 1);
  std::this_thread::sleep_for(200ms);  // a second raise, were there one, would land by now
  found = at(0).alerts("&rule=launch-rate-principal");
  ASSERT_EQ(found.size(), 1u) << found.dump();
  EXPECT_EQ(found[0]["user"]["username"], "alice");
  // Every replica serves the same log, with the same ids and paging.
  json all = at(0).alerts();
  for (std::size_t r = 1; r < 3; ++r) {
    EXPECT_EQ(ids_of(at(r).alerts()), ids_of(all)) << "replica " << r;
  }
  json page = at(2).alerts("&since=" + std::to_string(all[0]["id"].get<std::int64_t>()));
  EXPECT_EQ(page.size(), all.size() - 1);
}

TEST_F(replicas_test, an_image_first_seen_on_one_replica_is_first_seen_once_in_total) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(
        at(i)
            .validate(pod_review("new-" + std::to_string(i), "registry.example.com/new-tool:1.0",
                                 "user-" + std::to_string(i)))
            .status,
        200);
  }
  json found = wait_for("image-first-seen", 1);
  std::this_thread::sleep_for(200ms);
  found = at(1).alerts("&rule=image-first-seen");
  ASSERT_EQ(found.size(), 1u) << found.dump();
  EXPECT_EQ(found[0]["user"]["username"], "user-0");
}

TEST_F(replicas_test, an_audit_batch_retried_on_another_replica_raises_no_duplicate) {
  std::string batch = event_list({exec_event("exec-1")});
  http_answer first = at(0).audit(batch);
  ASSERT_EQ(first.status, 200) << first.body;
  json after_first = at(0).alerts("&rule=pod-exec");
  ASSERT_EQ(after_first.size(), 1u) << after_first.dump();
  http_answer retried = at(1).audit(batch);
  ASSERT_EQ(retried.status, 200) << retried.body;
  json after_retry = at(2).alerts("&rule=pod-exec");
  ASSERT_EQ(after_retry.size(), 1u) << after_retry.dump();
  EXPECT_EQ(after_retry[0]["count"], 1) << "a retry is not a new raise";
}

TEST_F(replicas_test, redis_stopped_mid_run_degrades_then_recovers_without_a_restart) {
  ASSERT_EQ(at(0).audit(event_list({exec_event("before")})).status, 200);
  redis_->kill();

  // /validate keeps deciding every stateless rule, fast, and says what it skipped.
  auto start = std::chrono::steady_clock::now();
  http_answer denied =
      at(0).validate(pod_review("priv", "registry.example.com/web:1", "bob", true));
  ASSERT_EQ(denied.status, 200) << denied.body;
  json response = json::parse(denied.body)["response"];
  EXPECT_FALSE(response["allowed"].get<bool>()) << "pss-privileged needs no state";
  http_answer allowed = at(0).validate(pod_review("ok", "registry.example.com/web:1", "bob"));
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  response = json::parse(allowed.body)["response"];
  EXPECT_TRUE(response["allowed"].get<bool>());
  EXPECT_EQ(response["auditAnnotations"]["stateful-rules"], "not-evaluated");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "no request waits past the deadline";

  // /audit refuses, so the API server retries.
  http_answer refused = at(2).audit(event_list({exec_event("during")}));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.header("retry-after"), "1");
  std::string metrics = at(0).metrics();
  EXPECT_NE(metrics.find("launchguard_state_backend_up 0"), std::string::npos);
  EXPECT_NE(metrics.find("launchguard_stateful_rules_skipped_total 1"), std::string::npos);

  // Back: the same replicas accept the retried batch and say the store was degraded.
  redis_->start();
  http_answer accepted;
  for (int i = 0; i < 100; ++i) {
    accepted = at(2).audit(event_list({exec_event("during")}));
    if (accepted.status == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(at(2).alerts("&rule=pod-exec").size(), 1u) << "the retried batch's exec";
  json degraded;
  for (int i = 0; i < 100 && degraded.empty(); ++i) {
    degraded = at(0).alerts("&rule=state-backend-degraded");
    if (degraded.empty()) std::this_thread::sleep_for(50ms);
  }
  ASSERT_FALSE(degraded.empty()) << "state-backend-degraded once Redis is back";
  EXPECT_NE(degraded[0]["message"].get<std::string>().find("was unavailable"), std::string::npos);
  EXPECT_NE(at(0).metrics().find("launchguard_state_backend_up 1"), std::string::npos);
}

// What stops the start: a URL, password file or timeout that cannot be right. Each exits 1
// with a message that names the flag.
int start_with(const std::vector<std::string>& redis_flags, std::string& err) {
  std::vector<std::string> args = {
      LAUNCHGUARD_BINARY, "serve",
      "--config",         (source_dir() / "deploy/examples/policy.yaml").string(),
      "--tls-cert",       pki("server.crt"),
      "--tls-key",        pki("server.key"),
      "--listen",         "127.0.0.1:0",
      "--ops-listen",     "127.0.0.1:0"};
  args.insert(args.end(), redis_flags.begin(), redis_flags.end());
  child_process process(args);
  auto code = process.wait_exit(5s);
  err = process.err();
  return code.value_or(-1000);
}

TEST(redis_settings, a_url_that_is_not_redis_stops_the_start) {
  std::string err;
  EXPECT_EQ(start_with({"--redis-url", "http://127.0.0.1:6379"}, err), 1) << err;
  EXPECT_NE(err.find("--redis-url http://127.0.0.1:6379"), std::string::npos) << err;
  EXPECT_EQ(start_with({"--redis-url", "redis://127.0.0.1:99999"}, err), 1) << err;
  EXPECT_NE(err.find("--redis-url"), std::string::npos) << err;
}

TEST(redis_settings, an_unreadable_password_file_stops_the_start) {
  std::string err;
  EXPECT_EQ(start_with({"--redis-url", "redis://127.0.0.1:6379", "--redis-password-file",
                        "/nonexistent/redis-password"},
                       err),
            1)
      << err;
  EXPECT_NE(err.find("--redis-password-file is unreadable or empty"), std::string::npos) << err;
  EXPECT_NE(err.find("/nonexistent/redis-password"), std::string::npos) << err;
}

TEST(redis_settings, a_timeout_out_of_range_stops_the_start) {
  for (const char* timeout : {"0ms", "11s", "soon"}) {
    std::string err;
    EXPECT_EQ(
        start_with({"--redis-url", "redis://127.0.0.1:6379", "--redis-timeout", timeout}, err), 1)
        << timeout << ": " << err;
    EXPECT_NE(err.find("--redis-timeout must be a duration from 1ms to 10s"), std::string::npos)
        << err;
  }
}

// Redis down at start is not a reason to refuse admission: the webhook serves with its
// stateless rules and says so, as it does when Redis goes away later.
TEST(redis_settings, redis_unreachable_at_start_still_serves_the_stateless_rules) {
  temp_dir dir("redis");  // outlives the server, which watches the policy's directory
  write_file(dir.path() / "policy.yaml", shared_policy);
  server_process::options options;
  options.config = (dir.path() / "policy.yaml").string();
  options.extra = {"--redis-url", "redis://127.0.0.1:" + std::to_string(free_port()),
                   "--redis-timeout", "100ms"};
  server_process server(options);
  EXPECT_NE(server.process().err().find("redis does not answer yet"), std::string::npos)
      << server.process().err();
  http_client client(server.webhook_port(), pki("ca.crt"));
  http_answer answer = client.request("POST", "/validate",
                                      pod_review("p", "registry.example.com/web:1", "bob").dump());
  ASSERT_EQ(answer.status, 200) << answer.body;
  json response = json::parse(answer.body)["response"];
  EXPECT_EQ(response["auditAnnotations"]["stateful-rules"], "not-evaluated") << answer.body;
}

}  // namespace
}  // namespace launchguard::testing
