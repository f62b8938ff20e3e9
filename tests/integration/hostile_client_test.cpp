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
  options.extra = {"--read-timeout", "1s", "--idle-timeout", "2s", "--max-connections", "8",
                   // Above the total cap: the per-address cap has its own test.
                   "--max-connections-per-client", "16", "--audit-rate-limit", "5"};
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
  // The answer to a review whose object does not decode: an AdmissionReview denied under
  // the example policy's failureMode closed, naming the problem.
  static void expect_denied_as_undecodable(const http_answer& answer, const std::string& problem) {
    ASSERT_EQ(answer.status, 200) << answer.body;
    json review = json::parse(answer.body);
    EXPECT_EQ(review["response"]["uid"], "u1");
    EXPECT_EQ(review["response"]["allowed"], false);
    std::string message = review["response"]["status"]["message"];
    EXPECT_NE(message.find("does not decode"), std::string::npos) << message;
    EXPECT_NE(message.find(problem), std::string::npos) << message;
    EXPECT_NE(message.find("failureMode closed"), std::string::npos) << message;
  }
  // Holds `count` connections busy: each has sent part of a request's headers.
  static std::vector<std::unique_ptr<http_client>> hold_busy(int count) {
    std::vector<std::unique_ptr<http_client>> held;
    for (int i = 0; i < count; ++i) {
      held.push_back(std::make_unique<http_client>(server_->webhook_port(), pki("ca.crt")));
      held.back()->write("GET /healthz HTTP/1.1\r\n");
    }
    std::this_thread::sleep_for(100ms);
    return held;
  }
  static bool refused() {
    try {
      http_client extra(server_->webhook_port(), pki("ca.crt"));
      return extra.closed_by_peer();
    } catch (const std::exception&) {
      return true;  // closed before or during the handshake
    }
  }
  static std::string metrics() {
    http_client ops(server_->ops_port());
    return ops.request("GET", "/metrics", "", "").body;
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

TEST_F(hostile_clients, busy_connections_beyond_the_cap_are_refused_and_served_again_after) {
  {
    auto held = hold_busy(8);
    EXPECT_TRUE(refused()) << "the ninth connection must not be served while eight are busy";
  }
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(still_serving());
  std::string text = metrics();
  EXPECT_NE(text.find("# TYPE launchguard_connections_rejected_total counter"), std::string::npos);
  EXPECT_EQ(text.find("launchguard_connections_rejected_total 0\n"), std::string::npos) << text;
}

TEST_F(hostile_clients, idle_connections_at_the_cap_make_room_for_a_new_one) {
  // Eight connections that finished the handshake and sent nothing: parked, as a client
  // exhausting the cap would park them. Several rounds, each closing the last round's parked
  // connections while the new ones arrive: eviction once released a closing connection's
  // last reference under the registry's lock and deadlocked every I/O thread.
  std::vector<std::unique_ptr<http_client>> parked;
  for (int round = 0; round < 5; ++round) {
    std::vector<std::unique_ptr<http_client>> previous = std::move(parked);
    parked.clear();
    for (int i = 0; i < 8; ++i) {
      parked.push_back(std::make_unique<http_client>(server_->webhook_port(), pki("ca.crt")));
      if (!previous.empty()) previous.pop_back();  // closes one of the last round's
    }
    std::this_thread::sleep_for(100ms);
    auto client = connect();
    EXPECT_EQ(client.request("GET", "/healthz", "", "").status, 200)
        << "round " << round << ": a new client is served: an idle connection was closed for it";
  }
  std::string text = metrics();
  EXPECT_NE(text.find("launchguard_connections_evicted_total"), std::string::npos) << text;
  EXPECT_EQ(text.find("launchguard_connections_evicted_total 0\n"), std::string::npos) << text;
}

TEST_F(hostile_clients, a_new_connection_that_sends_nothing_is_closed_after_the_read_deadline) {
  auto client = connect();
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_peer());
  // --read-timeout 1s, not the 2s idle timeout a connection that served a request gets.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1800ms);
}

TEST_F(hostile_clients, a_refused_request_is_answered_before_its_body_is_read) {
  // 16 MB announced, none sent: the answer comes from the headers alone.
  auto client = connect();
  client.write(
      "PUT /audit HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Content-Length: 16000000\r\n\r\n");
  http_answer answer = client.read_answer();
  EXPECT_EQ(answer.status, 405) << answer.body;
  EXPECT_TRUE(client.closed_by_peer()) << "the unread body ends the connection";
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
  // Where a field the rules read is nested: a type error, denied under failureMode closed.
  http_answer read = client.request(
      "POST", "/validate", review_with(R"({"kind":"Pod","spec":{"containers":)" + deep + "}}"));
  expect_denied_as_undecodable(read, "containers");
  // Where nothing is read: skipped without recursion, and the review is decided.
  http_answer skipped =
      client.request("POST", "/validate", review_with(R"({"kind":"Pod","x":)" + deep + "}"));
  EXPECT_EQ(skipped.status, 200) << skipped.body;
  EXPECT_TRUE(still_serving());
}

TEST_F(hostile_clients, huge_arrays_are_denied_not_failed) {
  std::string containers = "[";
  for (int i = 0; i < 20000; ++i)
    containers += i == 0 ? "{}" : ",{}";
  containers += "]";
  auto client = connect();
  http_answer answer =
      client.request("POST", "/validate",
                     review_with(R"({"kind":"Pod","spec":{"containers":)" + containers + "}}"));
  // A 400 would be a failed call, which failurePolicy: Ignore admits.
  expect_denied_as_undecodable(answer, "more than 10000");
}

TEST_F(hostile_clients, numbers_out_of_range_are_denied_not_failed) {
  auto client = connect();
  http_answer answer = client.request(
      "POST", "/validate",
      review_with(
          R"({"kind":"Pod","spec":{"securityContext":{"runAsUser":99999999999999999999999}}})"));
  expect_denied_as_undecodable(answer, "runAsUser");
}

TEST_F(hostile_clients, duplicate_keys_are_denied_not_failed) {
  auto client = connect();
  http_answer answer = client.request(
      "POST", "/validate",
      review_with(
          R"({"kind":"Pod","spec":{"containers":[{"name":"a","securityContext":{"privileged":false,"privileged":true}}]}})"));
  expect_denied_as_undecodable(answer, "duplicate key");
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

TEST(connection_caps, one_address_holds_at_most_its_share) {
  server_process::options options;
  options.extra = {"--max-connections", "8", "--max-connections-per-client", "2"};
  server_process server(options);
  http_client first(server.webhook_port(), pki("ca.crt"));
  http_client second(server.webhook_port(), pki("ca.crt"));
  ASSERT_EQ(first.request("GET", "/healthz", "", "").status, 200);
  ASSERT_EQ(second.request("GET", "/healthz", "", "").status, 200);
  bool refused = false;
  try {
    http_client third(server.webhook_port(), pki("ca.crt"));
    refused = third.closed_by_peer();
  } catch (const std::exception&) {
    refused = true;
  }
  EXPECT_TRUE(refused) << "a third connection from 127.0.0.1, with 6 places left in all";
  EXPECT_EQ(first.request("GET", "/healthz", "", "").status, 200) << "the first two still work";
}

// What the HTTP layer refuses on its own never reaches an endpoint, so it has counters of its
// own: a flood of broken requests or handshakes shows in /metrics.
TEST(http_layer_metrics, count_what_the_http_layer_refuses) {
  server_process::options options;
  options.extra = {"--read-timeout", "1s"};
  server_process server(options);
  auto value_of = [&](const std::string& name) {
    http_client ops(server.ops_port());
    std::string text = ops.request("GET", "/metrics", "", "").body;
    auto at = text.find("\n" + name + " ");
    if (at == std::string::npos) return -1.0;
    return std::stod(text.substr(at + name.size() + 2));
  };
  EXPECT_EQ(value_of("launchguard_http_malformed_requests_total"), 0);
  EXPECT_EQ(value_of("launchguard_tls_handshake_failures_total"), 0);
  {
    http_client client(server.webhook_port(), pki("ca.crt"));
    client.write("NOT AN HTTP REQUEST\r\n\r\n");
    EXPECT_EQ(client.read_answer().status, 400);
  }
  {
    http_client client(server.webhook_port(), pki("ca.crt"));
    EXPECT_EQ(
        client.request("GET", "/healthz", "", "", {{"X-Padding", std::string(20000, 'a')}}).status,
        431);
  }
  {
    http_client client(server.webhook_port(), pki("ca.crt"));
    client.write("POST /validate HTTP/1.1\r\nHost: localhost\r\n");  // and then nothing
    EXPECT_TRUE(client.closed_by_peer());
  }
  {
    // Plain text to the TLS port: the handshake fails.
    http_client plain(server.webhook_port());
    plain.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(plain.closed_by_peer());
  }
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(value_of("launchguard_http_malformed_requests_total"), 1);
  EXPECT_EQ(value_of("launchguard_http_oversized_requests_total"), 1);
  EXPECT_EQ(value_of("launchguard_http_read_timeouts_total"), 1);
  EXPECT_EQ(value_of("launchguard_tls_handshake_failures_total"), 1);
}

}  // namespace
}  // namespace launchguard::testing
