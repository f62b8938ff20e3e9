// The trackers over real HTTPS: a launch burst raises a rate alert found on /alerts, and the
// image inventory survives a restart.
#include <filesystem>
#include <signal.h>
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

const char* tracker_policy = R"(apiVersion: launchguard/v1
kind: Policy
mode: enforce
rate:
  window: 60s
  perPrincipal: 5
  perNamespace: 100
  warmupWindows: 0
provenance:
  trustedDeployers: ["system:serviceaccount:argocd:*"]
)";

json pod_review(const std::string& name, const std::string& image, const std::string& user) {
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
  return review;
}

class tracker_server {
 public:
  explicit tracker_server(const fs::path& dir) : dir_(dir) {
    write_file(dir_ / "policy.yaml", tracker_policy);
    write_file(dir_ / "token", "tracker-token\n");
    server_process::options options;
    options.config = (dir_ / "policy.yaml").string();
    options.state_dir = (dir_ / "state").string();
    options.extra = {"--api-token-file", (dir_ / "token").string()};
    server_ = std::make_unique<server_process>(options);
  }

  server_process& server() { return *server_; }

  void admit(const json& review) {
    http_client client(server_->webhook_port(), pki("ca.crt"));
    http_answer answer = client.request("POST", "/validate", review.dump());
    ASSERT_EQ(answer.status, 200) << answer.body;
    ASSERT_TRUE(json::parse(answer.body)["response"]["allowed"].get<bool>()) << answer.body;
  }

  json alerts(const std::string& rule) {
    http_client client(server_->webhook_port(), pki("ca.crt"));
    http_answer answer = client.request("GET", "/alerts?limit=1000&rule=" + rule, "", "",
                                        {{"Authorization", "Bearer tracker-token"}});
    return json::parse(answer.body)["alerts"];
  }

 private:
  fs::path dir_;
  std::unique_ptr<server_process> server_;
};

fs::path fresh_dir(const std::string& name) {
  std::string pattern = (fs::temp_directory_path() / ("launchguard-" + name + "-XXXXXX")).string();
  return ::mkdtemp(pattern.data());
}

// Admission alerts reach the store shortly after the answer: wait for them.
json wait_for_alerts(tracker_server& s, const std::string& rule, std::size_t at_least) {
  json found;
  for (int i = 0; i < 100; ++i) {
    found = s.alerts(rule);
    if (found.size() >= at_least) break;
    std::this_thread::sleep_for(20ms);
  }
  return found;
}

TEST(trackers, a_launch_burst_over_https_raises_launch_rate_principal_on_alerts) {
  fs::path dir = fresh_dir("burst");
  tracker_server s(dir);
  for (int i = 0; i < 8; ++i)
    s.admit(pod_review("burst-" + std::to_string(i), "registry.example.com/web:1", "alice"));
  json alerts = wait_for_alerts(s, "launch-rate-principal", 1);
  ASSERT_EQ(alerts.size(), 1u) << "once per window, however long the burst";
  EXPECT_EQ(alerts[0]["user"]["username"], "alice");
  EXPECT_EQ(alerts[0]["source"], "tracker");
  EXPECT_EQ(alerts[0]["namespace"], "burst");
  EXPECT_NE(alerts[0]["message"].get<std::string>().find("rate.perPrincipal 5"), std::string::npos)
      << alerts[0];
  fs::remove_all(dir);
}

TEST(trackers, first_seen_is_raised_once_and_not_again_after_a_restart) {
  fs::path dir = fresh_dir("inventory");
  {
    tracker_server s(dir);
    s.admit(pod_review("one", "registry.example.com/new-tool:1.0", "alice"));
    s.admit(pod_review("two", "registry.example.com/new-tool:1.0", "bob"));
    json first = wait_for_alerts(s, "image-first-seen", 1);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0]["severity"], "high") << "alice is not a trusted deployer";
    // A clean shutdown writes the trackers' memory last (kill -9 loses at most a second).
    s.server().process().send_signal(SIGTERM);
    ASSERT_TRUE(s.server().process().wait_exit(5s).has_value());
  }
  tracker_server again(dir);
  again.admit(pod_review("three", "registry.example.com/new-tool:1.0", "carol"));
  again.admit(pod_review("four", "registry.example.com/other-tool:2.0", "carol"));
  json after = wait_for_alerts(again, "image-first-seen", 2);
  ASSERT_EQ(after.size(), 2u) << after.dump();
  EXPECT_NE(after[1]["message"].get<std::string>().find("other-tool"), std::string::npos)
      << after[1];
  fs::remove_all(dir);
}

}  // namespace
}  // namespace launchguard::testing
