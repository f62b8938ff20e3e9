// The offline subcommands, run as a user would: exit codes, output, errors on stderr.
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/server_process.hpp"
#include "tests/support/files.hpp"

namespace launchguard::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct run_result {
  int code = -1;
  std::string out;
  std::string err;
};

run_result run(std::vector<std::string> args) {
  args.insert(args.begin(), LAUNCHGUARD_BINARY);
  child_process process(std::move(args));
  auto code = process.wait_exit(10s);
  return {code.value_or(-1), process.out(), process.err()};
}

fs::path scratch(const std::string& name, const std::string& text) {
  fs::path path =
      fs::temp_directory_path() / ("launchguard-cli-" + std::to_string(::getpid()) + "-" + name);
  write_file(path, text);
  return path;
}

std::string example_policy() {
  return (source_dir() / "deploy/examples/policy.yaml").string();
}

TEST(cli_check_config, accepts_the_example_policy) {
  auto result = run({"check-config", example_policy()});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("the policy is valid"), std::string::npos);
}

TEST(cli_check_config, reports_every_error_with_line_and_column_and_exits_2) {
  auto path = scratch("bad.yaml", "mode: strict\nimages:\n  allow: [\"bad pattern\"]\nrulez: {}\n");
  auto result = run({"check-config", path.string()});
  EXPECT_EQ(result.code, 2);
  EXPECT_NE(result.err.find(path.string() + ":1:7: mode: expected one of enforce, warn, audit"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(":3:11: images.allow[0]"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(":4:1: unknown key \"rulez\"; did you mean \"rules\"?"),
            std::string::npos)
      << result.err;
  fs::remove(path);
}

TEST(cli_check_config, names_an_unreadable_file) {
  auto result = run({"check-config", "/nonexistent/policy.yaml"});
  EXPECT_EQ(result.code, 2);
  EXPECT_NE(result.err.find("/nonexistent/policy.yaml: cannot read"), std::string::npos)
      << result.err;
}

const char* manifests = R"(apiVersion: v1
kind: Pod
metadata: {name: debugger, namespace: shop}
spec:
  hostPID: true
  containers: [{name: shell, image: alpine:3.20, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 2
      template:
        spec:
          containers: [{name: web, image: "registry.example.com/web:1.0"}]
)";

TEST(cli_review, denies_a_privileged_pod_and_exits_1) {
  auto path = scratch("manifests.yaml", manifests);
  auto result = run({"review", "--config", example_policy(), path.string()});
  EXPECT_EQ(result.code, 1) << result.err;
  EXPECT_NE(result.out.find("DENY   Pod shop/debugger"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("[pss-privileged]"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("ALLOW  Deployment default/web"), std::string::npos)
      << "List items are reviewed: " << result.out;
  fs::remove(path);
}

TEST(cli_review, exits_0_when_nothing_would_be_denied_and_prints_json) {
  auto path =
      scratch("ok.json", R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}})");
  auto result = run({"review", "--config", example_policy(), "--namespace", "dev-a", "--format",
                     "json", path.string()});
  EXPECT_EQ(result.code, 0) << result.err;
  auto rows = nlohmann::json::parse(result.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["namespace"], "dev-a");
  EXPECT_TRUE(rows[0]["allowed"].get<bool>());
  fs::remove(path);
}

TEST(cli_review, applies_user_and_group_to_exemptions) {
  auto policy = scratch("exempt.yaml", "exemptions:\n  groups: [\"platform-admins\"]\n");
  auto path = scratch("priv.yaml", manifests);
  auto as_admin = run({"review", "--config", policy.string(), "--user", "bob", "--group",
                       "platform-admins", path.string()});
  EXPECT_EQ(as_admin.code, 0) << as_admin.out;
  auto as_dev = run({"review", "--config", policy.string(), "--user", "bob", "--group",
                     "developers", path.string()});
  EXPECT_EQ(as_dev.code, 1) << as_dev.out;
  fs::remove(policy);
  fs::remove(path);
}

TEST(cli_review, exits_2_on_unreadable_input) {
  auto bad = scratch("bad.yaml", "kind: [unclosed\n");
  auto result = run({"review", "--config", example_policy(), bad.string()});
  EXPECT_EQ(result.code, 2);
  EXPECT_NE(result.err.find("not valid YAML or JSON"), std::string::npos) << result.err;
  auto missing = run({"review", "--config", example_policy(), "/nonexistent.yaml"});
  EXPECT_EQ(missing.code, 2);
  fs::remove(bad);
}

TEST(cli_review, evaluates_a_recorded_admission_review_as_it_is) {
  auto result =
      run({"review", "--config", example_policy(),
           (source_dir() / "deploy/examples/admission-review-privileged-pod.json").string()});
  EXPECT_EQ(result.code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("DENY   Pod shop/node-debugger"), std::string::npos) << result.out;
}

// Audit events for the scan tests: a pod created while the webhook was bypassed (critical)
// and an exec into it seen at ResponseStarted and again at ResponseComplete (one alert).
std::string scan_event(const std::string& id, const std::string& stage, const std::string& verb,
                       const std::string& resource, const std::string& sub,
                       const std::string& time) {
  nlohmann::json e = {
      {"kind", "Event"},
      {"apiVersion", "audit.k8s.io/v1"},
      {"level", "Metadata"},
      {"auditID", id},
      {"stage", stage},
      {"requestURI", "/api/v1/namespaces/shop/pods/web" + (sub.empty() ? "" : "/" + sub)},
      {"verb", verb},
      {"user", {{"username", "mallory@example.com"}, {"groups", {"system:authenticated"}}}},
      {"objectRef",
       {{"resource", resource}, {"namespace", "shop"}, {"name", "web"}, {"apiVersion", "v1"}}},
      {"responseStatus", {{"code", sub.empty() ? 201 : 101}}},
      {"stageTimestamp", time}};
  if (!sub.empty()) e["objectRef"]["subresource"] = sub;
  if (sub.empty()) {
    e["level"] = "Request";
    e["requestObject"] = {
        {"kind", "Pod"},
        {"apiVersion", "v1"},
        {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
        {"spec",
         {{"containers", {{{"name", "c"}, {"image", "registry.example.com/web:1@sha256:abc"}}}}}}};
  }
  return e.dump();
}

std::string scan_log() {
  return scan_event("c1", "ResponseComplete", "create", "pods", "", "2026-11-27T10:00:00Z") + "\n" +
         scan_event("x1", "ResponseStarted", "get", "pods", "exec", "2026-11-27T10:01:00Z") + "\n" +
         "{this line is broken\n" +
         scan_event("x1", "ResponseComplete", "get", "pods", "exec", "2026-11-27T10:05:00Z") + "\n";
}

TEST(cli_scan, reports_alerts_from_json_lines_and_skips_a_bad_line_by_number) {
  auto log = scratch("audit.log", scan_log());
  auto result = run({"scan", "--config", example_policy(), log.string()});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("critical  admission-bypass  shop/web  mallory@example.com"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("2026-11-27T10:00:00.000Z"), std::string::npos)
      << "times come from stageTimestamp";
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 2)
      << "one exec alert for two stages:\n"
      << result.out;
  EXPECT_NE(result.err.find(log.string() + ":3: skipped"), std::string::npos) << result.err;
  fs::remove(log);
}

// The same events twice (one log given twice, or two backends' copies): read once, so the
// alerts and their counts are those of one reading.
TEST(cli_scan, reads_a_repeated_event_once) {
  auto log = scratch("audit-twice.log", scan_log());
  auto once = run({"scan", "--config", example_policy(), "--format", "json", log.string()});
  auto twice =
      run({"scan", "--config", example_policy(), "--format", "json", log.string(), log.string()});
  EXPECT_EQ(twice.code, 0) << twice.err;
  ASSERT_EQ(std::count(twice.out.begin(), twice.out.end(), '\n'), 2) << twice.out;
  std::istringstream lines(twice.out);
  for (std::string line; std::getline(lines, line);)
    EXPECT_EQ(nlohmann::json::parse(line)["count"], 1) << line;
  EXPECT_NE(twice.err.find("scanned 6 events (3 repeated, read once)"), std::string::npos)
      << twice.err;
  EXPECT_EQ(once.err.find("repeated"), std::string::npos) << once.err;
  fs::remove(log);
}

// A log larger than the 1 MiB the scan reads at a time: line numbers stay right after the
// first chunk, and a line split across two reads is decoded whole.
TEST(cli_scan, numbers_lines_right_across_chunks) {
  std::string text;
  int lines = 0;
  while (text.size() < 3 * 1024 * 1024) {
    ++lines;
    if (lines == 2500) {
      text += "{broken\n";
      continue;
    }
    text += scan_event("g" + std::to_string(lines), "ResponseComplete", "get", "pods", "",
                       "2026-11-27T10:00:00Z") +
            "\n";
  }
  ASSERT_GT(lines, 2500);
  auto log = scratch("audit-large.log", text);
  auto result = run({"scan", "--config", example_policy(), log.string()});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.err.find(log.string() + ":2500: skipped"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 2) << result.err;
  EXPECT_NE(result.err.find("scanned " + std::to_string(lines - 1) + " events"), std::string::npos)
      << result.err;
  fs::remove(log);
}

TEST(cli_scan, fail_on_exits_1_when_an_alert_reaches_the_severity) {
  auto log = scratch("audit-fail.log", scan_log());
  EXPECT_EQ(run({"scan", "--config", example_policy(), "--fail-on", "critical", log.string()}).code,
            1);
  auto exec_only = scratch("audit-exec.log", scan_event("x2", "ResponseComplete", "create", "pods",
                                                        "exec", "2026-11-27T10:00:00Z"));
  EXPECT_EQ(
      run({"scan", "--config", example_policy(), "--fail-on", "high", exec_only.string()}).code, 0)
      << "pod-exec is low";
  fs::remove(log);
  fs::remove(exec_only);
}

TEST(cli_scan, reads_an_event_list_pretty_printed_and_gzip) {
  nlohmann::json list = {
      {"kind", "EventList"}, {"apiVersion", "audit.k8s.io/v1"}, {"items", nlohmann::json::array()}};
  list["items"].push_back(nlohmann::json::parse(
      scan_event("c9", "ResponseComplete", "create", "pods", "", "2026-11-27T10:00:00Z")));
  auto pretty = scratch("list.json", list.dump(2));
  auto json_out = run({"scan", "--config", example_policy(), "--format", "json", pretty.string()});
  EXPECT_EQ(json_out.code, 0) << json_out.err;
  auto first = nlohmann::json::parse(json_out.out.substr(0, json_out.out.find('\n')));
  EXPECT_EQ(first["rule"], "admission-bypass");
  EXPECT_EQ(first["auditID"], "c9");

  auto plain = scratch("gz.log", scan_log());
  ASSERT_EQ(std::system(("gzip -f " + plain.string()).c_str()), 0);
  auto gz = run({"scan", "--config", example_policy(), plain.string() + ".gz"});
  EXPECT_EQ(gz.code, 0) << gz.err;
  EXPECT_NE(gz.out.find("admission-bypass"), std::string::npos);
  fs::remove(pretty);
  fs::remove(plain.string() + ".gz");
}

TEST(cli_scan, reads_stdin) {
  auto log = scratch("stdin.log", scan_log());
  child_process process({"/bin/sh", "-c",
                         std::string(LAUNCHGUARD_BINARY) + " scan --config " + example_policy() +
                             " - < " + log.string()});
  auto code = process.wait_exit(10s);
  EXPECT_EQ(code.value_or(-1), 0) << process.err();
  EXPECT_NE(process.out().find("admission-bypass"), std::string::npos) << process.out();
  fs::remove(log);
}

TEST(cli_scan, exits_2_when_an_input_or_the_policy_cannot_be_read) {
  EXPECT_EQ(run({"scan", "--config", example_policy(), "/nonexistent/audit.log"}).code, 2);
  auto log = scratch("ok.log", scan_log());
  EXPECT_EQ(run({"scan", "--config", "/nonexistent/policy.yaml", log.string()}).code, 2);
  fs::remove(log);
}

TEST(cli_rules, markdown_output_is_docs_rules_md) {
  auto result = run({"rules", "--format", "markdown"});
  EXPECT_EQ(result.code, 0);
  EXPECT_EQ(result.out, read_file(source_dir() / "docs/rules.md"));
}

TEST(cli_rules, json_output_lists_the_catalog) {
  auto result = run({"rules", "--format", "json"});
  ASSERT_EQ(result.code, 0);
  auto parsed = nlohmann::json::parse(result.out);
  EXPECT_EQ(parsed["rules"].size(), 55u);
}

TEST(cli, every_subcommand_has_help) {
  for (const char* command :
       {"serve", "scan", "replay", "review", "check-config", "rules", "version"}) {
    auto result = run({command, "--help"});
    EXPECT_EQ(result.code, 0) << command;
    EXPECT_NE(result.out.find("Usage"), std::string::npos) << command << ": " << result.out;
  }
}

}  // namespace
}  // namespace launchguard::testing
