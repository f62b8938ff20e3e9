// The README's quick start must print what the README says it prints.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/server_process.hpp"
#include "tests/integration/tls_client.hpp"
#include "tests/support/files.hpp"

namespace launchguard::testing {
namespace {

// The fenced block that follows `marker` in README.md, without its fences.
std::string readme_block_after(const std::string& marker) {
  std::string readme = read_file(source_dir() / "README.md");
  std::size_t at = readme.find(marker);
  if (at == std::string::npos) throw std::runtime_error("README.md lacks: " + marker);
  std::size_t open = readme.find("```", at);
  std::size_t start = readme.find('\n', open) + 1;
  std::size_t close = readme.find("```", start);
  std::string block = readme.substr(start, close - start);
  while (!block.empty() && block.back() == '\n')
    block.pop_back();
  return block;
}

std::string post_example(const server_process& server, const std::string& file) {
  http_client client(server.webhook_port(), pki("ca.crt"));
  http_answer answer = client.request("POST", "/validate?timeout=10s",
                                      read_file(source_dir() / "deploy/examples" / file));
  return answer.body;
}

TEST(readme, quick_start_denial_prints_the_verdict_shown) {
  server_process server;
  auto response = nlohmann::json::parse(
      post_example(server, "admission-review-privileged-pod.json"))["response"];
  EXPECT_EQ(response["status"]["message"].get<std::string>(),
            readme_block_after("which prints the verdict:"));
}

TEST(readme, quick_start_compliant_pod_prints_the_answer_shown) {
  server_process server;
  auto response =
      nlohmann::json::parse(post_example(server, "admission-review-pod.json"))["response"];
  nlohmann::ordered_json shown = {{"uid", response["uid"]}, {"allowed", response["allowed"]}};
  EXPECT_EQ(shown.dump(), readme_block_after("which prints:\n"));
}

}  // namespace
}  // namespace launchguard::testing
