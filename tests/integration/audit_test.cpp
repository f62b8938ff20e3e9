// The audit backend over real HTTPS: batches in, durable alerts out, retries, restarts after
// SIGKILL, paging of /alerts, and a full disk answered with 503 + Retry-After.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <signal.h>
#include <sys/mount.h>
#include <thread>
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

const std::string token = "test-alerts-token";

// A created pod that admission never saw: pss-privileged, pss-host-namespaces,
// image-mutable-tag and admission-bypass.
json privileged_pod_event(const std::string& audit_id, const std::string& ns = "shop") {
  return {
      {"kind", "Event"},
      {"apiVersion", "audit.k8s.io/v1"},
      {"level", "RequestResponse"},
      {"auditID", audit_id},
      {"stage", "ResponseComplete"},
      {"requestURI", "/api/v1/namespaces/" + ns + "/pods"},
      {"verb", "create"},
      {"user", {{"username", "mallory@example.com"}, {"groups", {"system:authenticated"}}}},
      {"sourceIPs", {"10.0.0.7"}},
      {"objectRef",
       {{"resource", "pods"},
        {"namespace", ns},
        {"name", "evil-" + audit_id},
        {"apiVersion", "v1"}}},
      {"responseStatus", {{"metadata", json::object()}, {"code", 201}}},
      {"requestObject",
       {{"kind", "Pod"},
        {"apiVersion", "v1"},
        {"metadata", {{"name", "evil-" + audit_id}, {"namespace", ns}}},
        {"spec",
         {{"hostPID", true},
          {"containers",
           {{{"name", "c"}, {"image", "alpine"}, {"securityContext", {{"privileged", true}}}}}}}}}},
      {"requestReceivedTimestamp", "2026-11-27T10:00:00.000000Z"},
      {"stageTimestamp", "2026-11-27T10:00:00.050000Z"}};
}

json webhook_deleted_event(const std::string& audit_id) {
  return {{"kind", "Event"},
          {"apiVersion", "audit.k8s.io/v1"},
          {"level", "Metadata"},
          {"auditID", audit_id},
          {"stage", "ResponseComplete"},
          {"requestURI",
           "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/launchguard"},
          {"verb", "delete"},
          {"user", {{"username", "mallory@example.com"}, {"groups", {"system:authenticated"}}}},
          {"objectRef",
           {{"resource", "validatingwebhookconfigurations"},
            {"name", "launchguard"},
            {"apiGroup", "admissionregistration.k8s.io"},
            {"apiVersion", "v1"}}},
          {"responseStatus", {{"metadata", json::object()}, {"code", 200}}},
          {"stageTimestamp", "2026-11-27T09:59:00.010000Z"}};
}

json event_list(std::vector<json> events) {
  return {{"kind", "EventList"},
          {"apiVersion", "audit.k8s.io/v1"},
          {"metadata", json::object()},
          {"items", events}};
}

class audit_server {
 public:
  explicit audit_server(const std::string& state_dir = {}, std::vector<std::string> extra = {}) {
    write_file(token_file_, token + "\n");
    server_process::options options;
    options.state_dir = state_dir;
    options.extra = {"--api-token-file", token_file_.string()};
    options.extra.insert(options.extra.end(), extra.begin(), extra.end());
    server_ = std::make_unique<server_process>(options);
  }
  ~audit_server() { fs::remove(token_file_); }

  server_process& server() { return *server_; }

  http_answer post(const std::string& body, const std::string& type = "application/json",
                   const std::map<std::string, std::string>& headers = {}) {
    http_client client(server_->webhook_port(), pki("ca.crt"));
    return client.request("POST", "/audit", body, type, headers);
  }

  json alerts(const std::string& query = "", const std::string& bearer = token) {
    http_client client(server_->webhook_port(), pki("ca.crt"));
    http_answer answer =
        client.request("GET", "/alerts" + query, "", "", {{"Authorization", "Bearer " + bearer}});
    if (answer.status != 200)
      throw std::runtime_error(std::to_string(answer.status) + " " + answer.body);
    return json::parse(answer.body);
  }

 private:
  fs::path token_file_ =
      fs::temp_directory_path() / ("launchguard-token-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  std::unique_ptr<server_process> server_;
};

std::vector<std::string> rules_of(const json& page) {
  std::vector<std::string> rules;
  for (const auto& a : page["alerts"])
    rules.push_back(a["rule"]);
  return rules;
}

TEST(audit_backend, accepts_an_event_list_and_serves_its_alerts) {
  audit_server s;
  http_answer answer =
      s.post(event_list({privileged_pod_event("a1"), webhook_deleted_event("a2")}).dump());
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(answer.body)["accepted"], 2);
  json page = s.alerts();
  auto rules = rules_of(page);
  for (const char* expected :
       {"pss-privileged", "pss-host-namespaces", "admission-bypass", "webhook-config-tampering"}) {
    EXPECT_NE(std::find(rules.begin(), rules.end(), expected), rules.end()) << expected;
  }
  for (const auto& a : page["alerts"]) {
    EXPECT_GT(a["id"].get<std::int64_t>(), 0);
    EXPECT_FALSE(a["auditID"].get<std::string>().empty());
    EXPECT_EQ(a["outcome"], "recorded");
    EXPECT_FALSE(a["response"].empty()) << "every alert carries its response steps";
  }
  EXPECT_EQ(page["next"], page["alerts"].back()["id"]);
}

TEST(audit_backend, a_retried_batch_raises_no_duplicate) {
  audit_server s;
  std::string batch = event_list({privileged_pod_event("r1")}).dump();
  ASSERT_EQ(s.post(batch).status, 200);
  std::size_t first = s.alerts()["alerts"].size();
  ASSERT_GT(first, 0u);
  ASSERT_EQ(s.post(batch).status, 200);
  EXPECT_EQ(s.alerts()["alerts"].size(), first);
  json after = s.alerts();
  for (const auto& a : after["alerts"])
    EXPECT_EQ(a["count"], 1) << "a retry is not a new raise";
}

TEST(audit_backend, accepts_json_lines_and_a_single_event) {
  audit_server s;
  std::string lines =
      privileged_pod_event("l1").dump() + "\n" + webhook_deleted_event("l2").dump() + "\n";
  http_answer answer = s.post(lines, "application/x-ndjson");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(answer.body)["accepted"], 2);
  answer = s.post(webhook_deleted_event("l3").dump());
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(answer.body)["accepted"], 1);
}

TEST(audit_backend, rejects_what_is_not_an_audit_batch) {
  audit_server s;
  http_answer bad = s.post(R"({"kind":"Pod","apiVersion":"v1"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("EventList"), std::string::npos) << bad.body;
  http_answer no_line = s.post("{oops\n[1]\n", "application/x-ndjson");
  EXPECT_EQ(no_line.status, 400) << "no line is an event";
  EXPECT_NE(no_line.body.find("line 1"), std::string::npos) << no_line.body;
  EXPECT_NE(no_line.body.find("and 1 more"), std::string::npos) << no_line.body;
  EXPECT_EQ(s.post(R"({"kind":"EventList","items":[{"auditID":"t1"},{"auditID":)").status, 400)
      << "truncated JSON is never skipped piecemeal";
  EXPECT_EQ(s.post("x", "text/plain").status, 415);
  http_client client(s.server().webhook_port(), pki("ca.crt"));
  EXPECT_EQ(client.request("GET", "/audit", "", "").status, 405);
}

// A pod whose labels exceed the decoder's cap of 10000 entries: valid JSON and a valid
// Kubernetes object, which the detections cannot read.
json oversized_pod_event(const std::string& audit_id) {
  json event = privileged_pod_event(audit_id);
  json labels = json::object();
  for (int i = 0; i <= 10000; ++i)
    labels["l" + std::to_string(i)] = "v";
  event["requestObject"]["metadata"]["labels"] = labels;
  return event;
}

TEST(audit_backend, an_undecodable_event_is_skipped_and_reported_not_the_batch) {
  audit_server s;
  std::string batch = event_list({privileged_pod_event("k1"), oversized_pod_event("k2"),
                                  webhook_deleted_event("k3")})
                          .dump();
  http_answer answer = s.post(batch);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(answer.body), json::parse(R"({"accepted":2,"rejected":1})"));
  std::map<std::string, std::set<std::string>> rules_by_event;
  json internal;
  json raised = s.alerts();
  for (const auto& a : raised["alerts"]) {
    rules_by_event[a["auditID"]].insert(a["rule"].get<std::string>());
    if (a["rule"] == "webhook-internal-error") internal = a;
  }
  EXPECT_TRUE(rules_by_event["k1"].count("pss-privileged")) << "the events around it still count";
  EXPECT_TRUE(rules_by_event["k3"].count("webhook-config-tampering"));
  ASSERT_FALSE(internal.is_null()) << "the skipped event raises webhook-internal-error";
  EXPECT_EQ(internal["auditID"], "k2");
  EXPECT_NE(internal["message"].get<std::string>().find("more than 10000"), std::string::npos)
      << internal;
  EXPECT_NE(internal["message"].get<std::string>().find("items[1]"), std::string::npos) << internal;
  ASSERT_EQ(s.post(batch).status, 200);
  EXPECT_EQ(s.alerts()["alerts"].size(), raised["alerts"].size())
      << "a retried batch raises nothing twice";

  std::string lines = webhook_deleted_event("k4").dump() + "\n{oops\n";
  answer = s.post(lines, "application/x-ndjson");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(answer.body), json::parse(R"({"accepted":1,"rejected":1})"));
  http_client ops(s.server().ops_port());
  std::string metrics = ops.request("GET", "/metrics", "", "").body;
  EXPECT_NE(metrics.find("launchguard_audit_events_rejected_total 3"), std::string::npos)
      << metrics;
}

// The queues between the endpoints, the store and stdout are visible, so a backlog shows
// before memory runs out; once every answer is in, they are empty.
TEST(audit_backend, the_store_and_stdout_queues_are_measured) {
  audit_server s;
  auto answer =
      s.post(event_list({privileged_pod_event("q1"), webhook_deleted_event("q2")}).dump());
  ASSERT_EQ(answer.status, 200) << answer.body;
  http_client ops(s.server().ops_port());
  std::string metrics = ops.request("GET", "/metrics", "", "").body;
  EXPECT_NE(
      metrics.find("# TYPE launchguard_store_queue_depth gauge\nlaunchguard_store_queue_depth 0\n"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("# TYPE launchguard_alert_sink_queue_depth gauge"), std::string::npos)
      << metrics;
}

TEST(audit_backend, an_unauthenticated_body_is_refused_before_it_is_read) {
  fs::path file =
      fs::temp_directory_path() / ("launchguard-audit-token-b-" + std::to_string(::getpid()));
  write_file(file, "audit-secret\n");
  audit_server s({}, {"--audit-token-file", file.string()});
  http_client client(s.server().webhook_port(), pki("ca.crt"));
  // 16 MB announced and none sent: the 401 comes from the headers alone, and the connection
  // ends, since its body was never read.
  client.write(
      "POST /audit HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Content-Length: 16000000\r\n\r\n");
  http_answer answer = client.read_answer();
  EXPECT_EQ(answer.status, 401) << answer.body;
  EXPECT_TRUE(client.closed_by_peer());
  fs::remove(file);
}

TEST(audit_backend, requires_the_audit_token_when_configured) {
  fs::path file =
      fs::temp_directory_path() / ("launchguard-audit-token-" + std::to_string(::getpid()));
  write_file(file, "audit-secret\n");
  audit_server s({}, {"--audit-token-file", file.string()});
  std::string batch = event_list({webhook_deleted_event("t1")}).dump();
  http_answer anonymous = s.post(batch);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("www-authenticate"), "Bearer");
  EXPECT_EQ(s.post(batch, "application/json", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(s.post(batch, "application/json", {{"Authorization", "Bearer audit-secret"}}).status,
            200);
  fs::remove(file);
}

TEST(alerts_api, pages_filters_and_requires_the_token) {
  audit_server s;
  std::vector<json> events;
  for (int i = 0; i < 5; ++i)
    events.push_back(privileged_pod_event("p" + std::to_string(i), "ns-" + std::to_string(i)));
  ASSERT_EQ(s.post(event_list(events).dump()).status, 200);

  json all = s.alerts("?limit=1000");
  std::size_t total = all["alerts"].size();
  ASSERT_GE(total, 10u);
  // Paging with next visits every alert once, in id order.
  std::vector<std::int64_t> seen;
  std::int64_t since = 0;
  while (true) {
    json page = s.alerts("?limit=3&since=" + std::to_string(since));
    if (page["alerts"].empty()) {
      EXPECT_EQ(page["next"], since) << "an empty page returns since as next";
      break;
    }
    for (const auto& a : page["alerts"])
      seen.push_back(a["id"]);
    since = page["next"];
  }
  ASSERT_EQ(seen.size(), total);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  // (A range-for over a temporary's member would dangle: keep each page in a variable.)
  json critical = s.alerts("?severity=critical&limit=1000");
  for (const auto& a : critical["alerts"])
    EXPECT_EQ(a["severity"], "critical");
  json privileged = s.alerts("?rule=pss-privileged");
  for (const auto& a : privileged["alerts"])
    EXPECT_EQ(a["rule"], "pss-privileged");
  EXPECT_EQ(s.alerts("?rule=pss-privileged")["alerts"].size(), 5u);

  http_client client(s.server().webhook_port(), pki("ca.crt"));
  EXPECT_EQ(client.request("GET", "/alerts", "", "").status, 401);
  EXPECT_EQ(
      client
          .request("GET", "/alerts?severity=urgent", "", "", {{"Authorization", "Bearer " + token}})
          .status,
      400);
  EXPECT_EQ(client
                .request("GET", "/alerts?rule=no-such-rule", "", "",
                         {{"Authorization", "Bearer " + token}})
                .status,
            400);
}

TEST(alerts_api, is_404_without_a_token_file) {
  server_process server;
  http_client client(server.webhook_port(), pki("ca.crt"));
  EXPECT_EQ(client.request("GET", "/alerts", "", "").status, 404);
}

TEST(audit_durability, every_acknowledged_alert_survives_sigkill_right_after_the_answer) {
  std::string pattern = (fs::temp_directory_path() / "launchguard-durable-XXXXXX").string();
  std::string state_dir = ::mkdtemp(pattern.data());
  std::set<std::string> acknowledged;  // auditIDs whose batch got a 200
  for (int round = 0; round < 5; ++round) {
    audit_server s(state_dir);
    std::vector<json> events;
    for (int i = 0; i < 20; ++i)
      events.push_back(privileged_pod_event("k" + std::to_string(round) + "-" + std::to_string(i)));
    ASSERT_EQ(s.post(event_list(events).dump()).status, 200);
    for (const auto& e : events)
      acknowledged.insert(e["auditID"]);
    s.server().process().send_signal(SIGKILL);  // no drain, no flush: only what was committed
    s.server().process().wait_exit(5s);
  }
  audit_server restarted(state_dir);
  std::set<std::string> stored;
  json page = restarted.alerts("?rule=admission-bypass&limit=1000");
  for (const auto& a : page["alerts"])
    stored.insert(a["auditID"].get<std::string>());
  EXPECT_EQ(stored, acknowledged);
  fs::remove_all(state_dir);
}

// Every auditID of the admission-bypass alerts stored, across all pages.
std::set<std::string> stored_bypass_ids(audit_server& s) {
  std::set<std::string> ids;
  std::int64_t since = 0;
  while (true) {
    json page = s.alerts("?rule=admission-bypass&limit=1000&since=" + std::to_string(since));
    if (page["alerts"].empty()) return ids;
    for (const auto& a : page["alerts"])
      ids.insert(a["auditID"].get<std::string>());
    since = page["next"].get<std::int64_t>();
  }
}

// The process is killed at a random moment while two clients post batches: whatever was in
// flight may be lost (its sender got no 200, and the API server retries it), but no batch
// that was acknowledged, ever, and the store opens cleanly every time.
TEST(audit_durability, sigkill_during_ingestion_never_loses_an_acknowledged_alert) {
  std::string pattern = (fs::temp_directory_path() / "launchguard-kill-XXXXXX").string();
  std::string state_dir = ::mkdtemp(pattern.data());
  std::set<std::string> acknowledged;
  std::mutex acknowledged_mutex;
  std::mt19937 random(20261128);
  constexpr int rounds = 15;
  for (int round = 0; round < rounds; ++round) {
    audit_server s(state_dir);
    std::atomic<bool> stop{false};
    std::size_t before = 0;
    {
      std::lock_guard lock(acknowledged_mutex);
      before = acknowledged.size();
    }
    std::vector<std::thread> senders;
    for (int t = 0; t < 2; ++t) {
      senders.emplace_back([&, t] {
        for (int batch = 0; !stop; ++batch) {
          std::vector<json> events;
          for (int i = 0; i < 10; ++i)
            events.push_back(privileged_pod_event("r" + std::to_string(round) + "-t" +
                                                  std::to_string(t) + "-b" + std::to_string(batch) +
                                                  "-" + std::to_string(i)));
          try {
            if (s.post(event_list(events).dump()).status != 200) continue;
          } catch (const std::exception&) {
            return;  // killed mid-request: not acknowledged
          }
          std::lock_guard lock(acknowledged_mutex);
          for (const auto& e : events)
            acknowledged.insert(e["auditID"]);
        }
      });
    }
    // Once a batch of this round is in, kill at a random moment of the ingestion that follows
    // (waiting for progress keeps the test meaningful on a slow, instrumented build).
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(acknowledged_mutex);
        if (acknowledged.size() > before) break;
      }
      std::this_thread::sleep_for(10ms);
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 250)(random)));
    s.server().process().send_signal(SIGKILL);
    stop = true;
    for (auto& sender : senders)
      sender.join();
    s.server().process().wait_exit(5s);
  }
  audit_server restarted(state_dir);
  std::set<std::string> stored = stored_bypass_ids(restarted);
  std::vector<std::string> lost;
  std::set_difference(acknowledged.begin(), acknowledged.end(), stored.begin(), stored.end(),
                      std::back_inserter(lost));
  EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged events lost, first "
                            << (lost.empty() ? "" : lost.front());
  EXPECT_GE(acknowledged.size(), static_cast<std::size_t>(rounds) * 10)
      << "the senders got too few answers for the test to mean much";
  fs::remove_all(state_dir);
}

TEST(audit_durability, a_full_disk_answers_503_with_retry_after_and_admission_keeps_deciding) {
  fs::path dir = fs::temp_directory_path() / ("launchguard-full-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=8m") != 0) {
    fs::remove(dir);
    GTEST_SKIP() << "mounting a small tmpfs needs root; this test runs in CI as root";
  }
  {
    audit_server s(dir.string());
    ASSERT_EQ(s.post(event_list({webhook_deleted_event("f0")}).dump()).status, 200);
    // Fill the filesystem so the next commit cannot grow the database.
    {
      std::ofstream filler(dir / "filler", std::ios::binary);
      std::string block(4096, 'x');
      while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) &&
             filler.flush()) {
      }
    }
    std::vector<json> events;
    for (int i = 0; i < 200; ++i)
      events.push_back(privileged_pod_event("f" + std::to_string(i + 1)));
    http_answer full = s.post(event_list(events).dump());
    EXPECT_EQ(full.status, 503) << full.body;
    EXPECT_EQ(full.header("retry-after"), "1");

    http_client admission(s.server().webhook_port(), pki("ca.crt"));
    http_answer decided = admission.request(
        "POST", "/validate",
        read_file(source_dir() / "deploy/examples/admission-review-privileged-pod.json"));
    EXPECT_EQ(decided.status, 200) << "the stateless rules do not need the store";
    http_client ops(s.server().ops_port());
    EXPECT_EQ(ops.request("GET", "/readyz", "", "").status, 200);
    EXPECT_NE(ops.request("GET", "/metrics", "", "")
                  .body.find("launchguard_store_errors_total{operation=\"commit\"}"),
              std::string::npos);

    // Space again: the API server's retry succeeds and nothing was lost.
    fs::remove(dir / "filler");
    EXPECT_EQ(s.post(event_list(events).dump()).status, 200);
    EXPECT_EQ(s.alerts("?rule=admission-bypass&limit=1000")["alerts"].size(), 200u);
  }
  ::umount(dir.c_str());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace launchguard::testing
