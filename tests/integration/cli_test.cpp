// The offline subcommands, run as a user would: exit codes, output, errors on stderr.
#include <filesystem>
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
  for (const char* command : {"serve", "review", "check-config", "rules", "version"}) {
    auto result = run({command, "--help"});
    EXPECT_EQ(result.code, 0) << command;
    EXPECT_NE(result.out.find("Usage"), std::string::npos) << command << ": " << result.out;
  }
}

}  // namespace
}  // namespace launchguard::testing
