// image-denied, image-registry-not-allowed, image-not-pinned and image-mutable-tag over every
// container of a pod (spec sections 5 and 6), and how one pattern matches one reference.

#include "policy/rules/image_rules.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

// A pattern compiled the way the policy loader compiles one.
image_pattern pattern(std::string_view text) {
  std::string normalized = normalize_image_pattern(text);
  return {std::string(text), glob::image(normalized), pattern_has_version(normalized)};
}

std::vector<image_pattern> patterns(std::initializer_list<std::string_view> texts) {
  std::vector<image_pattern> out;
  for (auto text : texts)
    out.push_back(pattern(text));
  return out;
}

bool matches(std::string_view pattern_text, std::string_view image) {
  return pattern_matches(pattern(pattern_text), parse_image(image));
}

container make(std::string name, std::string image, container_kind kind = container_kind::regular) {
  container c;
  c.kind = kind;
  c.name = std::move(name);
  c.image = std::move(image);
  return c;
}

pod_spec pod(std::vector<container> containers) {
  pod_spec spec;
  spec.containers = std::move(containers);
  return spec;
}

// Settings that turn every image rule off, so a test turns on only the one it checks.
image_settings quiet() {
  image_settings s;
  s.disallow_tags.clear();
  return s;
}

violations check(const pod_spec& spec, const image_settings& settings) {
  violations out;
  check_images(spec, settings, out);
  return out;
}

const violation* find(const violations& found, rule_id id) {
  auto it =
      std::find_if(found.begin(), found.end(), [&](const violation& v) { return v.rule == id; });
  return it == found.end() ? nullptr : &*it;
}

std::string evidence(const violation& v, std::string_view key) {
  auto value = find_value(v.evidence, key);
  return value ? std::string(*value) : std::string("<missing>");
}

// ---- pattern_matches -----------------------------------------------------------------------

TEST(pattern_matches, unversioned_pattern_matches_any_tag_and_digest) {
  EXPECT_TRUE(matches("nginx", "nginx"));
  EXPECT_TRUE(matches("nginx", "nginx:1.27"));
  EXPECT_TRUE(matches("nginx", "nginx@sha256:ff"));
  EXPECT_TRUE(matches("nginx", "docker.io/library/nginx:1.27@sha256:ff"));
  EXPECT_FALSE(matches("nginx", "nginx2:1"));
  EXPECT_FALSE(matches("nginx", "bitnami/nginx:1"));
}

TEST(pattern_matches, registry_prefix_follows_the_contract_examples) {
  EXPECT_TRUE(matches("registry.example.com/**", "registry.example.com/a/b:1"));
  EXPECT_FALSE(matches("registry.example.com/**", "registry.example.com.evil.io/x"));
  EXPECT_FALSE(matches("registry.example.com/**", "registry.example.com:5000/x"));
  EXPECT_FALSE(matches("registry.example.com/**", "nginx"));
}

TEST(pattern_matches, tag_pattern_compares_the_tag) {
  EXPECT_TRUE(matches("docker.io/library/nginx:1.*", "nginx:1.27"));
  EXPECT_FALSE(matches("docker.io/library/nginx:1.*", "nginx:2.0"));
  EXPECT_TRUE(matches("docker.io/library/nginx:1.*", "nginx:1.27@sha256:ff"));
}

TEST(pattern_matches, tag_only_pattern_without_registry_is_normalized) {
  EXPECT_TRUE(matches("nginx:1.*", "nginx:1.27"));
  EXPECT_TRUE(matches("nginx:1.*", "docker.io/library/nginx:1.0"));
  EXPECT_FALSE(matches("nginx:1.*", "nginx:2.0"));
  EXPECT_FALSE(matches("nginx:1.*", "other:1.0"));
}

TEST(pattern_matches, tag_pattern_matches_implicit_latest) {
  EXPECT_TRUE(matches("nginx:latest", "nginx"));
  EXPECT_TRUE(matches("**:latest", "registry.example.com/app"));
  EXPECT_FALSE(matches("**:latest", "registry.example.com/app:1"));
}

TEST(pattern_matches, tag_pattern_does_not_match_a_digest_only_reference_with_latest) {
  // A digest-only reference has no tag: it is not "latest".
  EXPECT_FALSE(matches("nginx:latest", "nginx@sha256:ff"));
}

TEST(pattern_matches, digest_pattern_compares_the_digest_and_ignores_the_tag) {
  EXPECT_TRUE(matches("nginx@sha256:bad", "nginx@sha256:bad"));
  EXPECT_TRUE(matches("nginx@sha256:bad", "nginx:1@sha256:bad"));
  EXPECT_FALSE(matches("nginx@sha256:bad", "nginx@sha256:good"));
  EXPECT_FALSE(matches("nginx@sha256:bad", "nginx:1"));
  EXPECT_FALSE(matches("nginx@sha256:bad", "nginx"));
}

TEST(pattern_matches, tag_and_digest_pattern_needs_both) {
  EXPECT_TRUE(matches("nginx:1@sha256:ff", "nginx:1@sha256:ff"));
  EXPECT_FALSE(matches("nginx:1@sha256:ff", "nginx:2@sha256:ff"));
  EXPECT_FALSE(matches("nginx:1@sha256:ff", "nginx@sha256:ff"));
}

TEST(pattern_matches, registry_port_pattern_is_not_taken_for_a_tag) {
  EXPECT_TRUE(matches("registry.example.com:5000/app", "registry.example.com:5000/app:1"));
  EXPECT_TRUE(matches("registry.example.com:5000/app:1", "registry.example.com:5000/app:1"));
  EXPECT_FALSE(matches("registry.example.com:5000/app:1", "registry.example.com:5000/app:2"));
}

TEST(pattern_matches, docker_io_pattern_matches_the_short_reference) {
  EXPECT_TRUE(matches("docker.io/nginx", "nginx:1"));
  EXPECT_TRUE(matches("index.docker.io/nginx", "nginx:1"));
  EXPECT_TRUE(matches("docker.io/**", "nginx:1"));
  EXPECT_TRUE(matches("docker.io/**", "bitnami/redis"));
}

// ---- image-denied --------------------------------------------------------------------------

TEST(image_denied, fires_for_a_denied_image_and_names_the_container) {
  image_settings s = quiet();
  s.deny = patterns({"**/xmrig*"});
  auto found = check(pod({make("app", "nginx:1"), make("miner", "evil.io/x/xmrig:6")}), s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, rule_id::image_denied);
  EXPECT_EQ(evidence(found[0], "containers"), "miner");
  EXPECT_EQ(evidence(found[0], "images"), "evil.io/x/xmrig:6");
  EXPECT_NE(found[0].message.find("evil.io/x/xmrig:6"), std::string::npos) << found[0].message;
}

TEST(image_denied, does_not_fire_when_no_pattern_matches) {
  image_settings s = quiet();
  s.deny = patterns({"**/xmrig*", "nginx:0.*"});
  EXPECT_TRUE(check(pod({make("app", "nginx:1"), make("db", "bitnami/postgresql:16")}), s).empty());
}

TEST(image_denied, fires_on_init_and_ephemeral_containers) {
  image_settings s = quiet();
  s.deny = patterns({"**/xmrig*"});
  auto init = check(pod({make("app", "nginx:1"), make("i", "xmrig", container_kind::init)}), s);
  ASSERT_NE(find(init, rule_id::image_denied), nullptr);
  EXPECT_EQ(evidence(*find(init, rule_id::image_denied), "containers"), "i");

  auto eph = check(pod({make("app", "nginx:1"), make("e", "xmrig", container_kind::ephemeral)}), s);
  ASSERT_NE(find(eph, rule_id::image_denied), nullptr);
  EXPECT_EQ(evidence(*find(eph, rule_id::image_denied), "containers"), "e");
}

TEST(image_denied, reports_every_offending_container_in_one_violation_and_each_image_once) {
  image_settings s = quiet();
  s.deny = patterns({"**/xmrig*"});
  auto found = check(pod({make("a", "xmrig"), make("b", "nginx"), make("c", "xmrig:latest"),
                          make("d", "evil.io/xmrig-2", container_kind::init)}),
                     s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(evidence(found[0], "containers"), "a,c,d");
  EXPECT_EQ(evidence(found[0], "images"), "docker.io/library/xmrig:latest,evil.io/xmrig-2:latest");
}

TEST(image_denied, digest_pattern_denies_one_build) {
  image_settings s = quiet();
  s.deny = patterns({"nginx@sha256:bad"});
  EXPECT_NE(find(check(pod({make("a", "nginx:1@sha256:bad")}), s), rule_id::image_denied), nullptr);
  EXPECT_EQ(find(check(pod({make("a", "nginx:1@sha256:good")}), s), rule_id::image_denied),
            nullptr);
}

TEST(image_denied, tag_pattern_denies_implicit_latest) {
  image_settings s = quiet();
  s.deny = patterns({"nginx:latest"});
  EXPECT_NE(find(check(pod({make("a", "nginx")}), s), rule_id::image_denied), nullptr);
  EXPECT_EQ(find(check(pod({make("a", "nginx:1")}), s), rule_id::image_denied), nullptr);
}

// ---- image-registry-not-allowed ------------------------------------------------------------

TEST(image_registry_not_allowed, empty_allow_list_allows_any_registry) {
  image_settings s = quiet();
  EXPECT_TRUE(check(pod({make("a", "evil.io/x:1"), make("b", "nginx:1")}), s).empty());
}

TEST(image_registry_not_allowed, fires_for_an_image_outside_the_allow_list) {
  image_settings s = quiet();
  s.allow = patterns({"registry.example.com/**"});
  auto found = check(pod({make("ok", "registry.example.com/a/b:1"), make("bad", "nginx:1")}), s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, rule_id::image_registry_not_allowed);
  EXPECT_EQ(evidence(found[0], "containers"), "bad");
  EXPECT_EQ(evidence(found[0], "images"), "docker.io/library/nginx:1");
}

TEST(image_registry_not_allowed, does_not_fire_when_every_image_is_allowed) {
  image_settings s = quiet();
  s.allow = patterns({"registry.example.com/**", "ghcr.io/example-org/**"});
  EXPECT_TRUE(check(pod({make("a", "registry.example.com/a:1"),
                         make("b", "ghcr.io/example-org/x/y@sha256:ff", container_kind::init)}),
                    s)
                  .empty());
}

TEST(image_registry_not_allowed, lookalike_registries_are_not_allowed) {
  image_settings s = quiet();
  s.allow = patterns({"registry.example.com/**"});
  auto found = check(pod({make("a", "registry.example.com.evil.io/x:1"),
                          make("b", "registry.example.com:5000/x:1")}),
                     s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(evidence(found[0], "containers"), "a,b");
}

TEST(image_registry_not_allowed, fires_on_init_and_ephemeral_containers) {
  image_settings s = quiet();
  s.allow = patterns({"registry.example.com/**"});
  for (container_kind kind : {container_kind::init, container_kind::ephemeral}) {
    auto found =
        check(pod({make("app", "registry.example.com/app:1"), make("x", "busybox", kind)}), s);
    ASSERT_NE(find(found, rule_id::image_registry_not_allowed), nullptr) << to_string(kind);
    EXPECT_EQ(evidence(*find(found, rule_id::image_registry_not_allowed), "containers"), "x");
  }
}

TEST(image_registry_not_allowed, tag_only_allow_pattern_limits_tags) {
  image_settings s = quiet();
  s.allow = patterns({"nginx:1.*"});
  EXPECT_TRUE(check(pod({make("a", "nginx:1.27")}), s).empty());
  EXPECT_NE(find(check(pod({make("a", "nginx:2.0")}), s), rule_id::image_registry_not_allowed),
            nullptr);
  EXPECT_NE(find(check(pod({make("a", "nginx")}), s), rule_id::image_registry_not_allowed),
            nullptr);
}

// ---- image-not-pinned ----------------------------------------------------------------------

TEST(image_not_pinned, fires_for_an_image_without_digest_when_digests_are_required) {
  image_settings s = quiet();
  s.require_digest = true;
  auto found = check(pod({make("pinned", "nginx@sha256:ff"), make("loose", "nginx:1.27")}), s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, rule_id::image_not_pinned);
  EXPECT_EQ(evidence(found[0], "containers"), "loose");
}

TEST(image_not_pinned, does_not_fire_for_digests_or_when_not_required) {
  image_settings s = quiet();
  s.require_digest = true;
  EXPECT_TRUE(
      check(pod({make("a", "nginx@sha256:ff"), make("b", "nginx:1@sha256:ee")}), s).empty());
  s.require_digest = false;
  EXPECT_TRUE(check(pod({make("a", "nginx:1.27"), make("b", "nginx")}), s).empty());
}

TEST(image_not_pinned, fires_on_init_and_ephemeral_containers) {
  image_settings s = quiet();
  s.require_digest = true;
  for (container_kind kind : {container_kind::init, container_kind::ephemeral}) {
    auto found = check(pod({make("app", "nginx@sha256:ff"), make("x", "busybox:1", kind)}), s);
    ASSERT_NE(find(found, rule_id::image_not_pinned), nullptr) << to_string(kind);
    EXPECT_EQ(evidence(*find(found, rule_id::image_not_pinned), "containers"), "x");
  }
}

// ---- image-mutable-tag ---------------------------------------------------------------------

TEST(image_mutable_tag, fires_for_implicit_and_explicit_latest_by_default) {
  image_settings s;  // disallowTags defaults to [latest]
  auto found = check(pod({make("implicit", "nginx"), make("explicit", "redis:latest"),
                          make("fine", "nginx:1.27")}),
                     s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, rule_id::image_mutable_tag);
  EXPECT_EQ(evidence(found[0], "containers"), "implicit,explicit");
}

TEST(image_mutable_tag, does_not_fire_when_a_digest_pins_the_image) {
  image_settings s;
  EXPECT_TRUE(
      check(pod({make("a", "nginx:latest@sha256:ff"), make("b", "nginx@sha256:ff")}), s).empty());
}

TEST(image_mutable_tag, follows_a_configured_tag_list) {
  image_settings s;
  s.disallow_tags = {"dev", "main"};
  EXPECT_NE(find(check(pod({make("a", "app:dev")}), s), rule_id::image_mutable_tag), nullptr);
  EXPECT_NE(find(check(pod({make("a", "app:main")}), s), rule_id::image_mutable_tag), nullptr);
  EXPECT_EQ(find(check(pod({make("a", "app")}), s), rule_id::image_mutable_tag), nullptr);
  EXPECT_EQ(find(check(pod({make("a", "app:develop")}), s), rule_id::image_mutable_tag), nullptr);
}

TEST(image_mutable_tag, empty_tag_list_turns_it_off) {
  image_settings s;
  s.disallow_tags.clear();
  EXPECT_TRUE(check(pod({make("a", "nginx"), make("b", "nginx:latest")}), s).empty());
}

TEST(image_mutable_tag, fires_on_init_and_ephemeral_containers) {
  image_settings s;
  for (container_kind kind : {container_kind::init, container_kind::ephemeral}) {
    auto found = check(pod({make("app", "nginx:1"), make("x", "busybox", kind)}), s);
    ASSERT_NE(find(found, rule_id::image_mutable_tag), nullptr) << to_string(kind);
    EXPECT_EQ(evidence(*find(found, rule_id::image_mutable_tag), "containers"), "x");
  }
}

// ---- all four together ---------------------------------------------------------------------

TEST(check_images, reports_each_rule_once_for_all_offending_containers) {
  image_settings s;
  s.allow = patterns({"registry.example.com/**"});
  s.deny = patterns({"**/xmrig*"});
  s.require_digest = true;
  auto found = check(pod({make("a", "xmrig"), make("b", "xmrig:latest", container_kind::init)}), s);
  ASSERT_EQ(found.size(), 4u);
  for (rule_id id : {rule_id::image_denied, rule_id::image_registry_not_allowed,
                     rule_id::image_not_pinned, rule_id::image_mutable_tag}) {
    ASSERT_NE(find(found, id), nullptr) << to_string(id);
    EXPECT_EQ(evidence(*find(found, id), "containers"), "a,b") << to_string(id);
  }
}

TEST(check_images, appends_to_existing_violations) {
  violations out{{rule_id::pss_privileged, "earlier", {}}};
  image_settings s;
  check_images(pod({make("a", "nginx")}), s, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rule, rule_id::pss_privileged);
  EXPECT_EQ(out[1].rule, rule_id::image_mutable_tag);
}

TEST(check_images, finds_nothing_in_a_pod_without_containers) {
  image_settings s;
  s.allow = patterns({"registry.example.com/**"});
  s.require_digest = true;
  EXPECT_TRUE(check(pod({}), s).empty());
}

}  // namespace
}  // namespace launchguard
