// Policy behaviour over real HTTPS: actions, modes, exemptions, namespace entries, dry runs,
// alerts on stdout, and hot reload of the policy file (including a ConfigMap-style swap).
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

// Replaces a file the way an editor or kubectl cp would: write aside, then rename over it.
void replace_file(const fs::path& path, const std::string& text) {
  fs::path aside = path.string() + ".tmp";
  write_file(aside, text);
  fs::rename(aside, path);
}

const std::string enforce_policy = R"(apiVersion: launchguard/v1
kind: Policy
mode: enforce
exemptions:
  namespaces: [kube-system]
namespaces:
  - match: "dev-*"
    mode: warn
  - match: "lab-*"
    mode: audit
)";

json privileged_review(const std::string& ns, bool dry_run = false) {
  json review =
      json::parse(read_file(source_dir() / "deploy/examples/admission-review-privileged-pod.json"));
  review["request"]["namespace"] = ns;
  review["request"]["object"]["metadata"]["namespace"] = ns;
  review["request"]["dryRun"] = dry_run;
  review["request"]["uid"] = "uid-" + ns + (dry_run ? "-dry" : "");
  return review;
}

json post(const server_process& server, const json& review) {
  http_client client(server.webhook_port(), pki("ca.crt"));
  http_answer answer = client.request("POST", "/validate", review.dump());
  if (answer.status != 200)
    throw std::runtime_error("status " + std::to_string(answer.status) + ": " + answer.body);
  return json::parse(answer.body)["response"];
}

std::vector<json> alerts_on_stdout(child_process& process) {
  std::vector<json> out;
  std::string text = process.out();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;
    out.push_back(json::parse(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

// Waits until `condition` holds (the alert writer and the reload watcher are asynchronous).
template <class condition_fn>
bool eventually(condition_fn condition, std::chrono::milliseconds timeout = 3s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

std::string metric(const server_process& server, const std::string& name) {
  http_client ops(server.ops_port());
  std::string body = ops.request("GET", "/metrics", "", "").body;
  std::size_t at = body.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  std::size_t end = body.find('\n', at + 1);
  return body.substr(at + name.size() + 2, end - at - name.size() - 2);
}

class policy_server : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.path() / "policy.yaml", enforce_policy);
    server_process::options options;
    options.config = (dir_.path() / "policy.yaml").string();
    server_ = std::make_unique<server_process>(options);
  }

  temp_dir dir_;
  std::unique_ptr<server_process> server_;
};

TEST_F(policy_server, enforce_denies_with_403_and_names_each_rule) {
  json response = post(*server_, privileged_review("shop"));
  EXPECT_FALSE(response["allowed"].get<bool>());
  EXPECT_EQ(response["status"]["code"], 403);
  std::string message = response["status"]["message"];
  for (const char* rule : {"pss-privileged", "pss-host-namespaces", "runtime-socket-mount"}) {
    EXPECT_NE(message.find(rule), std::string::npos) << rule << " missing from: " << message;
  }
  EXPECT_EQ(response["auditAnnotations"]["pss-privileged"], "enforce");
}

TEST_F(policy_server, denied_request_raises_alerts_on_stdout) {
  json response = post(*server_, privileged_review("shop"));
  std::string decision = response["auditAnnotations"]["decision-id"];
  ASSERT_TRUE(eventually([&] { return alerts_on_stdout(server_->process()).size() >= 3; }));
  bool found = false;
  for (const auto& alert : alerts_on_stdout(server_->process())) {
    EXPECT_EQ(alert["decisionID"], decision);
    EXPECT_EQ(alert["source"], "admission");
    EXPECT_GT(alert["id"].get<std::int64_t>(), 0);
    EXPECT_FALSE(alert["response"].empty());
    if (alert["rule"] == "runtime-socket-mount") {
      found = true;
      EXPECT_EQ(alert["severity"], "critical");
      EXPECT_EQ(alert["outcome"], "denied");
      EXPECT_EQ(alert["user"]["username"], "mallory@example.com");
      EXPECT_EQ(alert["mitre"]["techniques"][0].get<std::string>().substr(0, 1), "T");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(policy_server, warn_mode_namespace_allows_with_warnings) {
  json response = post(*server_, privileged_review("dev-team"));
  EXPECT_TRUE(response["allowed"].get<bool>());
  ASSERT_TRUE(response.contains("warnings"));
  EXPECT_GE(response["warnings"].size(), 3u);
  for (const auto& warning : response["warnings"])
    EXPECT_LE(warning.get<std::string>().size(), 120u);
  EXPECT_EQ(response["auditAnnotations"]["pss-privileged"], "warn");
}

TEST_F(policy_server, audit_mode_namespace_allows_and_records) {
  json response = post(*server_, privileged_review("lab-1"));
  EXPECT_TRUE(response["allowed"].get<bool>());
  EXPECT_FALSE(response.contains("warnings"));
  EXPECT_EQ(response["auditAnnotations"]["pss-privileged"], "audit");
  ASSERT_TRUE(eventually([&] { return !alerts_on_stdout(server_->process()).empty(); }));
  EXPECT_EQ(alerts_on_stdout(server_->process())[0]["outcome"], "recorded");
}

TEST_F(policy_server, exempt_namespace_is_allowed_and_only_watch_rules_record) {
  json response = post(*server_, privileged_review("kube-system"));
  EXPECT_TRUE(response["allowed"].get<bool>());
  EXPECT_FALSE(response["auditAnnotations"].contains("pss-privileged"));
  EXPECT_EQ(response["auditAnnotations"]["runtime-socket-mount"], "audit");
  EXPECT_EQ(response["auditAnnotations"]["system-namespace-launch"], "audit");
}

TEST_F(policy_server, dry_run_is_answered_the_same_and_records_nothing) {
  json real = post(*server_, privileged_review("shop", false));
  ASSERT_TRUE(eventually([&] { return alerts_on_stdout(server_->process()).size() >= 3; }));
  std::size_t before = alerts_on_stdout(server_->process()).size();
  json dry = post(*server_, privileged_review("shop", true));
  EXPECT_EQ(dry["allowed"], real["allowed"]);
  EXPECT_EQ(dry["status"]["message"], real["status"]["message"]);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(alerts_on_stdout(server_->process()).size(), before)
      << "a dry run must not raise alerts";
}

TEST_F(policy_server, reloads_a_changed_policy_within_two_seconds) {
  ASSERT_FALSE(post(*server_, privileged_review("shop"))["allowed"].get<bool>());
  replace_file(dir_.path() / "policy.yaml", "mode: audit\n");
  EXPECT_TRUE(eventually(
      [&] { return post(*server_, privileged_review("shop"))["allowed"].get<bool>(); }, 2s));
  EXPECT_EQ(metric(*server_, "launchguard_policy_reloads_total"), "1");
}

TEST_F(policy_server, keeps_the_old_policy_when_the_new_one_is_invalid) {
  replace_file(dir_.path() / "policy.yaml", "mode: enforce\nimages:\n  requireDigests: true\n");
  ASSERT_TRUE(server_->process().wait_for_err("policy reload rejected", 3s))
      << server_->process().err();
  EXPECT_NE(server_->process().err().find("policy.yaml:3:3"), std::string::npos)
      << "the log names line and column";
  EXPECT_EQ(metric(*server_, "launchguard_policy_reload_errors_total"), "1");
  EXPECT_FALSE(post(*server_, privileged_review("shop"))["allowed"].get<bool>())
      << "the old policy stays in force";
  http_client ops(server_->ops_port());
  EXPECT_EQ(ops.request("GET", "/readyz", "", "").status, 200);
}

TEST_F(policy_server, reloads_on_sighup) {
  // Change the file without waking the watcher's inotify (same directory, but signal first
  // and let the content check decide): SIGHUP must load it.
  write_file(dir_.path() / "policy.yaml", "mode: warn\n");
  server_->process().send_signal(SIGHUP);
  EXPECT_TRUE(eventually([&] {
    json r = post(*server_, privileged_review("shop"));
    return r["allowed"].get<bool>() && r.contains("warnings");
  }));
  // Generous: under ThreadSanitizer, with the suite's other tests on both cores, the log
  // line once came more than a second after the signal (the watcher had reloaded first).
  EXPECT_TRUE(server_->process().wait_for_err("SIGHUP", 5s)) << server_->process().err();
}

TEST(policy_reload, follows_a_configmap_symlink_swap) {
  temp_dir dir;
  fs::create_directory(dir.path() / "..2026_11_27_v1");
  write_file(dir.path() / "..2026_11_27_v1" / "policy.yaml", enforce_policy);
  fs::create_directory_symlink("..2026_11_27_v1", dir.path() / "..data");
  fs::create_symlink("..data/policy.yaml", dir.path() / "policy.yaml");
  server_process::options options;
  options.config = (dir.path() / "policy.yaml").string();
  server_process server(options);
  ASSERT_FALSE(post(server, privileged_review("shop"))["allowed"].get<bool>());

  // What the kubelet does: a new timestamped directory, a new ..data link, renamed over the old.
  fs::create_directory(dir.path() / "..2026_11_27_v2");
  write_file(dir.path() / "..2026_11_27_v2" / "policy.yaml", "mode: audit\n");
  fs::create_directory_symlink("..2026_11_27_v2", dir.path() / "..data_tmp");
  fs::rename(dir.path() / "..data_tmp", dir.path() / "..data");
  fs::remove_all(dir.path() / "..2026_11_27_v1");
  EXPECT_TRUE(eventually(
      [&] { return post(server, privileged_review("shop"))["allowed"].get<bool>(); }, 2s));
}

TEST(policy_startup, refuses_to_start_with_an_invalid_policy_and_names_every_error) {
  temp_dir dir;
  write_file(dir.path() / "policy.yaml", "mode: strict\nrate:\n  window: 5 minutes\n");
  child_process process({LAUNCHGUARD_BINARY, "serve", "--config",
                         (dir.path() / "policy.yaml").string(), "--tls-cert", pki("server.crt"),
                         "--tls-key", pki("server.key"), "--listen", "127.0.0.1:0", "--ops-listen",
                         "127.0.0.1:0"});
  auto code = process.wait_exit(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(process.err().find("policy.yaml:1:7"), std::string::npos) << process.err();
  EXPECT_NE(process.err().find("policy.yaml:3:11"), std::string::npos) << process.err();
}

}  // namespace
}  // namespace launchguard::testing
