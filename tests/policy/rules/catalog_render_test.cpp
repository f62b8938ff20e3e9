#include "policy/rules/catalog_render.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policy/rules/catalog.hpp"
#include "tests/support/files.hpp"

namespace launchguard {
namespace {

// docs/rules.md is generated; regenerate with `make docs` (or LAUNCHGUARD_UPDATE_GOLDEN=1).
TEST(catalog_render, docs_rules_md_is_up_to_date) {
  auto path = testing::source_dir() / "docs/rules.md";
  std::string rendered = render_catalog_markdown();
  if (testing::updating_golden()) {
    testing::write_file(path, rendered);
    GTEST_SKIP() << "rewrote docs/rules.md";
  }
  EXPECT_EQ(testing::read_file(path), rendered) << "docs/rules.md is stale: run `make docs`";
}

TEST(catalog_render, markdown_has_a_section_per_rule) {
  std::string md = render_catalog_markdown();
  for (const auto& info : rule_catalog()) {
    EXPECT_NE(md.find("\n## " + std::string(to_string(info.id)) + "\n"), std::string::npos)
        << to_string(info.id);
  }
}

TEST(catalog_render, json_lists_every_rule_with_its_metadata) {
  auto parsed = nlohmann::json::parse(render_catalog_json());
  ASSERT_EQ(parsed["rules"].size(), rule_count);
  const auto& socket = parsed["rules"][index_of(rule_id::runtime_socket_mount)];
  EXPECT_EQ(socket["id"], "runtime-socket-mount");
  EXPECT_EQ(socket["severity"], "critical");
  EXPECT_EQ(socket["defaultAction"], "enforce");
  EXPECT_TRUE(socket["watch"].get<bool>());
  EXPECT_FALSE(socket["response"]["contain"].get<std::string>().empty());
}

TEST(catalog_render, text_names_every_rule) {
  std::string text = render_catalog_text();
  for (const auto& info : rule_catalog()) {
    EXPECT_NE(text.find(std::string(to_string(info.id)) + "  ["), std::string::npos)
        << to_string(info.id);
  }
}

}  // namespace
}  // namespace launchguard
