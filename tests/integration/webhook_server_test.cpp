// The real server on loopback, over real TLS, with the checked-in test PKI.
#include <signal.h>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/server_process.hpp"
#include "tests/integration/tls_client.hpp"
#include "tests/support/files.hpp"

namespace launchguard::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string example_review() {
  return read_file(source_dir() / "deploy/examples/admission-review-pod.json");
}

std::string with_api_version(std::string review, const std::string& version) {
  json parsed = json::parse(review);
  parsed["apiVersion"] = version;
  return parsed.dump();
}

class webhook_server : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new server_process(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static http_client connect() { return http_client(server_->webhook_port(), pki("ca.crt")); }

  static server_process* server_;
};
server_process* webhook_server::server_ = nullptr;

TEST_F(webhook_server, answers_v1_review_with_uid_and_decision_id) {
  auto client = connect();
  http_answer answer = client.request("POST", "/validate", example_review());
  ASSERT_EQ(answer.status, 200) << answer.body;
  json review = json::parse(answer.body);
  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(review["kind"], "AdmissionReview");
  EXPECT_EQ(review["response"]["uid"], "3b0c4b5e-8f2a-4c1e-9d6a-2f7e5c1a9b10");
  EXPECT_TRUE(review["response"]["allowed"].get<bool>());
  EXPECT_FALSE(review["response"]["auditAnnotations"]["decision-id"].get<std::string>().empty());
}

TEST_F(webhook_server, answers_v1beta1_review_in_v1beta1) {
  auto client = connect();
  http_answer answer = client.request(
      "POST", "/validate", with_api_version(example_review(), "admission.k8s.io/v1beta1"));
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(answer.body)["apiVersion"], "admission.k8s.io/v1beta1");
}

TEST_F(webhook_server, ignores_the_timeout_query_the_api_server_adds) {
  auto client = connect();
  http_answer answer = client.request("POST", "/validate?timeout=10s", example_review());
  EXPECT_EQ(answer.status, 200) << answer.body;
}

TEST_F(webhook_server, keeps_the_connection_alive_across_requests) {
  auto client = connect();
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    http_answer answer = client.request("POST", "/validate", example_review());
    ASSERT_EQ(answer.status, 200) << answer.body;
    EXPECT_NE(answer.header("connection"), "close");
    ids.insert(
        json::parse(answer.body)["response"]["auditAnnotations"]["decision-id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), 5u) << "every decision gets its own id";
}

std::string raw_post(const std::string& body) {
  return "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string uid_of(const http_answer& answer) {
  return json::parse(answer.body)["response"]["uid"].get<std::string>();
}

// The server parses what one read brought before it reads again: requests that arrive
// together, in pieces, or larger than one TLS record must each get their own answer.
TEST_F(webhook_server, answers_requests_however_their_bytes_arrive) {
  auto client = connect();
  json first = json::parse(example_review()), second = first;
  second["request"]["uid"] = "second-uid";
  client.write(raw_post(first.dump()) + raw_post(second.dump()));  // pipelined in one write
  http_answer a = client.read_answer();
  http_answer b = client.read_answer();
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(uid_of(a), "3b0c4b5e-8f2a-4c1e-9d6a-2f7e5c1a9b10");
  EXPECT_EQ(uid_of(b), "second-uid");

  // In three writes: half the header; the rest of it and 100 bytes of body; the rest.
  std::string split = raw_post(second.dump());
  std::size_t header_end = split.find("\r\n\r\n");
  client.write(split.substr(0, header_end / 2));
  std::this_thread::sleep_for(50ms);
  client.write(split.substr(header_end / 2, header_end + 4 + 100 - header_end / 2));
  std::this_thread::sleep_for(50ms);
  client.write(split.substr(header_end + 4 + 100));
  http_answer c = client.read_answer();
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(uid_of(c), "second-uid");

  json large = first;  // 40 KB: three TLS records
  large["request"]["object"]["metadata"]["annotations"]["padding"] = std::string(40000, 'x');
  large["request"]["uid"] = "large-uid";
  for (int i = 0; i < 2; ++i) {
    http_answer d = client.request("POST", "/validate", large.dump());
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(uid_of(d), "large-uid");
  }
  http_answer e = client.request("POST", "/validate", first.dump());
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_EQ(uid_of(e), "3b0c4b5e-8f2a-4c1e-9d6a-2f7e5c1a9b10");
}

TEST_F(webhook_server, rejects_malformed_json_and_keeps_serving) {
  {
    auto client = connect();
    http_answer answer =
        client.request("POST", "/validate", R"({"apiVersion": "admission.k8s.io/v1", "kind": )");
    EXPECT_EQ(answer.status, 400);
    EXPECT_NE(json::parse(answer.body)["error"].get<std::string>().find("malformed JSON"),
              std::string::npos)
        << answer.body;
  }
  auto fresh = connect();
  EXPECT_EQ(fresh.request("POST", "/validate", example_review()).status, 200);
}

TEST_F(webhook_server, rejects_a_body_that_is_not_an_admission_review) {
  auto client = connect();
  http_answer answer = client.request("POST", "/validate", R"({"apiVersion":"v1","kind":"Pod"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.body.find("AdmissionReview"), std::string::npos) << answer.body;
}

TEST_F(webhook_server, rejects_a_declared_4_mib_body_with_413_before_reading_it) {
  auto client = connect();
  // Only the headers and a little of the body: the answer must come without the rest.
  client.write(
      "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Content-Length: 4194304\r\n\r\n{\"apiVersion\":");
  http_answer answer = client.read_answer();
  EXPECT_EQ(answer.status, 413);
  EXPECT_NE(answer.body.find("limit of 3145728 bytes"), std::string::npos) << answer.body;
  EXPECT_EQ(answer.header("connection"), "close");
}

TEST_F(webhook_server, rejects_a_chunked_body_that_grows_past_the_limit_with_413) {
  auto client = connect();
  std::string request =
      "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  std::string chunk(64 * 1024, ' ');
  for (int i = 0; i < 50; ++i)
    request += "10000\r\n" + chunk + "\r\n";  // 3.2 MiB in 64 KiB chunks
  request += "0\r\n\r\n";
  client.write(request);
  http_answer answer = client.read_answer();
  EXPECT_EQ(answer.status, 413);
}

TEST_F(webhook_server, rejects_get_on_validate_with_405) {
  auto client = connect();
  http_answer answer = client.request("GET", "/validate", "", "");
  EXPECT_EQ(answer.status, 405);
  EXPECT_EQ(answer.header("allow"), "POST");
}

TEST_F(webhook_server, rejects_text_plain_with_415) {
  auto client = connect();
  http_answer answer = client.request("POST", "/validate", example_review(), "text/plain");
  EXPECT_EQ(answer.status, 415);
  EXPECT_NE(answer.body.find("application/json"), std::string::npos) << answer.body;
}

TEST_F(webhook_server, accepts_json_with_a_charset_parameter) {
  auto client = connect();
  EXPECT_EQ(client.request("POST", "/validate", example_review(), "application/json; charset=utf-8")
                .status,
            200);
}

TEST_F(webhook_server, answers_unknown_paths_with_404) {
  auto client = connect();
  http_answer answer = client.request("GET", "/nope", "", "");
  EXPECT_EQ(answer.status, 404);
  EXPECT_NE(answer.body.find("/nope"), std::string::npos) << answer.body;
}

TEST_F(webhook_server, answers_expect_100_continue) {
  auto client = connect();
  http_answer answer = client.request("POST", "/validate", example_review(), "application/json",
                                      {{"Expect", "100-continue"}});
  EXPECT_EQ(answer.status, 200) << answer.body;
}

TEST_F(webhook_server, serves_health_and_metrics_on_the_ops_port) {
  {
    auto client = connect();
    ASSERT_EQ(client.request("POST", "/validate", example_review()).status, 200);
  }
  http_client ops(server_->ops_port());
  EXPECT_EQ(ops.request("GET", "/healthz", "", "").status, 200);
  EXPECT_EQ(ops.request("GET", "/readyz", "", "").status, 200);
  http_answer metrics = ops.request("GET", "/metrics", "", "");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(
      metrics.body.find("launchguard_http_requests_total{endpoint=\"validate\",code=\"200\"}"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find("launchguard_http_request_duration_seconds_bucket{endpoint=\"validate\""),
      std::string::npos);
}

TEST_F(webhook_server, refuses_tls_versions_below_1_2) {
  EXPECT_THROW(http_client(server_->webhook_port(), pki("ca.crt"), {}, TLS1_1_VERSION),
               std::runtime_error);
  EXPECT_NO_THROW(http_client(server_->webhook_port(), pki("ca.crt"), {}, TLS1_2_VERSION));
}

// Each test below starts its own server: they stop it or expect it not to start.

TEST(webhook_server_lifecycle, finishes_in_flight_requests_on_sigterm_and_exits_zero) {
  server_process server;
  http_client in_flight(server.webhook_port(), pki("ca.crt"));
  std::string request = format_request("POST", "/validate", example_review(), "application/json");
  std::size_t half = request.size() / 2;
  in_flight.write(request.substr(0, half));
  std::this_thread::sleep_for(100ms);  // the server is now reading this request's body

  server.process().send_signal(SIGTERM);
  ASSERT_TRUE(server.process().wait_for_err("shutting down", 2s)) << server.process().err();

  http_client ops(server.ops_port());
  EXPECT_EQ(ops.request("GET", "/readyz", "", "").status, 503) << "readiness turns off at once";

  in_flight.write(request.substr(half));
  http_answer answer = in_flight.read_answer();
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.header("connection"), "close");

  auto code = server.process().wait_exit(5s);
  ASSERT_TRUE(code.has_value()) << "still running 5 s after SIGTERM";
  EXPECT_EQ(*code, 0) << server.process().err();
}

TEST(webhook_server_lifecycle, closes_idle_connections_on_sigterm) {
  server_process server;
  http_client idle(server.webhook_port(), pki("ca.crt"));
  ASSERT_EQ(idle.request("POST", "/validate", example_review()).status, 200);
  auto start = std::chrono::steady_clock::now();
  server.process().send_signal(SIGTERM);
  auto code = server.process().wait_exit(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s)
      << "an idle connection must not hold up shutdown";
}

TEST(webhook_server_lifecycle, refuses_to_start_with_an_expired_certificate) {
  child_process process({LAUNCHGUARD_BINARY, "serve", "--config",
                         (source_dir() / "deploy/examples/policy.yaml").string(), "--tls-cert",
                         pki("expired.crt"), "--tls-key", pki("expired.key"), "--listen",
                         "127.0.0.1:0", "--ops-listen", "127.0.0.1:0"});
  auto code = process.wait_exit(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(process.err().find("expired.crt: certificate expired"), std::string::npos)
      << process.err();
}

TEST(webhook_server_lifecycle, refuses_to_start_with_a_key_that_does_not_match) {
  child_process process({LAUNCHGUARD_BINARY, "serve", "--config",
                         (source_dir() / "deploy/examples/policy.yaml").string(), "--tls-cert",
                         pki("server.crt"), "--tls-key", pki("client.key"), "--listen",
                         "127.0.0.1:0", "--ops-listen", "127.0.0.1:0"});
  auto code = process.wait_exit(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(process.err().find("does not match"), std::string::npos) << process.err();
}

TEST(webhook_server_lifecycle, refuses_to_start_with_an_unreadable_file) {
  child_process process({LAUNCHGUARD_BINARY, "serve", "--config",
                         (source_dir() / "deploy/examples/policy.yaml").string(), "--tls-cert",
                         "/nonexistent/tls.crt", "--tls-key", pki("server.key"), "--listen",
                         "127.0.0.1:0", "--ops-listen", "127.0.0.1:0"});
  auto code = process.wait_exit(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(process.err().find("/nonexistent/tls.crt: cannot read the file"), std::string::npos)
      << process.err();
}

TEST(webhook_server_client_ca, requires_a_client_certificate_signed_by_the_ca) {
  server_process::options options;
  options.extra = {"--client-ca", pki("ca.crt")};
  server_process server(options);
  {
    http_client trusted(server.webhook_port(), pki("ca.crt"),
                        {pki("client.crt"), pki("client.key")});
    EXPECT_EQ(trusted.request("POST", "/validate", example_review()).status, 200);
  }
  {
    http_client anonymous(server.webhook_port(), pki("ca.crt"));
    http_answer answer = anonymous.request("POST", "/validate", example_review());
    EXPECT_EQ(answer.status, 403);
    EXPECT_NE(answer.body.find("client certificate"), std::string::npos) << answer.body;
  }
  {
    http_client stranger(server.webhook_port(), pki("ca.crt"),
                         {pki("wrong-ca-client.crt"), pki("wrong-ca-client.key")});
    EXPECT_EQ(stranger.request("POST", "/validate", example_review()).status, 403);
  }
  http_client ops(server.ops_port());
  EXPECT_EQ(ops.request("GET", "/readyz", "", "").status, 200)
      << "the ops port needs no certificate";
}

}  // namespace
}  // namespace launchguard::testing
