#include "policy/decode/manifest.hpp"

#include <string>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

TEST(manifest, reads_several_documents_and_list_items) {
  auto read = read_manifests(R"(apiVersion: v1
kind: Pod
metadata: {name: a, namespace: team}
---
apiVersion: v1
kind: List
items:
  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: b}}
  - {apiVersion: v1, kind: Pod, metadata: {name: c}}
)",
                             "deploy.yaml");
  ASSERT_TRUE(read.errors.empty()) << read.errors.front();
  ASSERT_EQ(read.objects.size(), 3u);
  EXPECT_EQ(read.objects[0].name, "a");
  EXPECT_EQ(read.objects[0].namespace_name, "team");
  EXPECT_EQ(read.objects[1].kind, "Deployment");
  EXPECT_EQ(read.objects[2].origin, "deploy.yaml: document 2, item 2");
}

// yaml-cpp 0.7's LoadAll never returns on these (jbeder/yaml-cpp#1040): a stray top-level
// comma makes the parser hand out the same empty document forever. Found by fuzzing.
TEST(manifest, a_stray_comma_is_an_error_not_an_endless_loop) {
  for (const char* text : {",", ",W", "apiVersion: v1\n,\n", "- a\n,\n"}) {
    auto read = read_manifests(text, "bad.yaml");
    ASSERT_EQ(read.errors.size(), 1u) << text;
    EXPECT_NE(read.errors[0].find("bad.yaml:"), std::string::npos) << read.errors[0];
    EXPECT_NE(read.errors[0].find("not valid YAML"), std::string::npos) << read.errors[0];
  }
}

TEST(manifest, empty_documents_are_skipped) {
  auto read = read_manifests("---\n---\n# only a comment\n---\n", "empty.yaml");
  EXPECT_TRUE(read.errors.empty());
  EXPECT_TRUE(read.objects.empty());
}

}  // namespace
}  // namespace launchguard
