// Clients that are slow, greedy or malformed on purpose: each gets a clear answer or is cut
// off by a deadline, and the server keeps serving.
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/server_process.hpp"
#include "tests/integration/tls_client.hpp"
#include "tests/support/files.hpp"

namespace launchguard::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Short deadlines and a small connection cap, so the tests do not wait for the defaults.
server_process::options hostile_options() {
  server_process::options options;
  options.extra = {"--read-timeout",    "1s", "--idle-timeout",     "2s",
                   "--max-connections", "8",  "--audit-rate-limit", "5"};
  return options;
}

class hostile_clients : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new server_process(hostile_options()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static http_client connect() { return http_client(server_->webhook_port(), pki("ca.crt")); }
  static bool still_serving() {
    auto client = connect();
    return client.request("GET", "/healthz", "", "").status == 200;
  }
  static std::string review_with(const std::string& object) {
    return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",)"
           R"("kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","namespace":"shop","object":)" +
           object + "}}";
  }
  static server_process* server_;
};
server_process* hostile_clients::server_ = nullptr;

TEST_F(hostile_clients, slow_headers_are_cut_off_by_the_read_deadline) {
  auto client = connect();
  client.write("POST /validate HTTP/1.1\r\nHost: localhost\r\n");  // and then nothing
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(still_serving());
}

TEST_F(hostile_clients, slow_bodies_are_cut_off_by_the_read_deadline) {
  auto client = connect();
  client.write(
      "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Content-Length: 1000\r\n\r\n{\"apiVersion\":");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(still_serving());
}

TEST_F(hostile_clients, idle_connections_are_closed_after_the_idle_deadline) {
  auto client = connect();
  ASSERT_EQ(client.request("GET", "/healthz", "", "").status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 6s);
}

TEST_F(hostile_clients, connections_beyond_the_cap_are_refused_and_served_again_after) {
  std::vector<std::unique_ptr<http_client>> held;
  for (int i = 0; i < 8; ++i)
    held.push_back(std::make_unique<http_client>(server_->webhook_port(), pki("ca.crt")));
  bool refused = false;
  try {
    http_client extra(server_->webhook_port(), pki("ca.crt"));
    refused = extra.closed_by_peer();
  } catch (const std::exception&) {
    refused = true;  // closed before or during the handshake
  }
  EXPECT_TRUE(refused) << "the ninth connection must not be served";
  held.clear();
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(still_serving());
  http_client ops(server_->ops_port());
  std::string metrics = ops.request("GET", "/metrics", "", "").body;
  EXPECT_NE(metrics.find("# TYPE launchguard_connections_rejected_total counter"),
            std::string::npos);
  EXPECT_EQ(metrics.find("launchguard_connections_rejected_total 0\n"), std::string::npos)
      << metrics;
}

TEST_F(hostile_clients, oversized_headers_get_431) {
  auto client = connect();
  std::string header(20 * 1024, 'a');
  http_answer answer = client.request("GET", "/healthz", "", "", {{"X-Padding", header}});
  EXPECT_EQ(answer.status, 431);
  EXPECT_TRUE(still_serving());
}

TEST_F(hostile_clients, invalid_utf8_gets_400) {
  auto client = connect();
  http_answer answer = client.request(
      "POST", "/validate", review_with("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"\xc3\x28\"}}"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.body.find("UTF-8"), std::string::npos) << answer.body;
}

TEST_F(hostile_clients, json_nested_thousands_deep_gets_an_answer_not_a_crash) {
  std::string deep(50000, '[');
  deep += std::string(50000, ']');
  auto client = connect();
  // Where a field the rules read is nested: a type error.
  http_answer read = client.request(
      "POST", "/validate", review_with(R"({"kind":"Pod","spec":{"containers":)" + deep + "}}"));
  EXPECT_EQ(read.status, 400);
  // Where nothing is read: skipped without recursion, and the review is decided.
  http_answer skipped =
      client.request("POST", "/validate", review_with(R"({"kind":"Pod","x":)" + deep + "}"));
  EXPECT_EQ(skipped.status, 200) << skipped.body;
  EXPECT_TRUE(still_serving());
}

TEST_F(hostile_clients, huge_arrays_get_400) {
  std::string containers = "[";
  for (int i = 0; i < 20000; ++i)
    containers += i == 0 ? "{}" : ",{}";
  containers += "]";
  auto client = connect();
  http_answer answer =
      client.request("POST", "/validate",
                     review_with(R"({"kind":"Pod","spec":{"containers":)" + containers + "}}"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.body.find("more than 10000"), std::string::npos) << answer.body;
}

TEST_F(hostile_clients, numbers_out_of_range_get_400) {
  auto client = connect();
  http_answer answer = client.request(
      "POST", "/validate",
      review_with(
          R"({"kind":"Pod","spec":{"securityContext":{"runAsUser":99999999999999999999999}}})"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.body.find("runAsUser"), std::string::npos) << answer.body;
}

TEST_F(hostile_clients, duplicate_keys_get_400) {
  auto client = connect();
  http_answer answer = client.request(
      "POST", "/validate",
      review_with(
          R"({"kind":"Pod","spec":{"containers":[{"name":"a","securityContext":{"privileged":false,"privileged":true}}]}})"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.body.find("duplicate key"), std::string::npos) << answer.body;
}

TEST_F(hostile_clients, an_audit_flood_from_one_client_gets_429_with_retry_after) {
  std::string event =
      R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"flood",)"
      R"("stage":"ResponseComplete","verb":"get","user":{"username":"u"},"objectRef":{"resource":"pods"}})";
  auto client = connect();
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 40; ++i) {
    http_answer answer = client.request("POST", "/audit", event);
    if (answer.status == 429) {
      ++limited;
      retry_after = answer.header("retry-after");
    } else {
      EXPECT_EQ(answer.status, 200) << answer.body;
    }
  }
  EXPECT_GT(limited, 0) << "40 batches at once from one client, with a limit of 5 per second";
  EXPECT_EQ(retry_after, "1");
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(client.request("POST", "/audit", event).status, 200) << "the budget refills";
}

}  // namespace
}  // namespace launchguard::testing
