// Image reference normalization (spec section 5): `registry/path[:tag][@digest]`, docker.io and
// library/ by default, latest only when there is no digest; and the same normalization for
// policy patterns.

#include "policy/rules/image_ref.hpp"

#include <string>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

TEST(parse_image, single_name_goes_to_docker_library_with_implicit_latest) {
  image_ref r = parse_image("nginx");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.path, "library/nginx");
  EXPECT_EQ(r.tag, "latest");
  EXPECT_EQ(r.digest, "");
  EXPECT_EQ(r.repository, "docker.io/library/nginx");
  EXPECT_EQ(r.normalized, "docker.io/library/nginx:latest");
  EXPECT_TRUE(r.implicit_tag);
}

TEST(parse_image, explicit_tag_is_kept_and_not_implicit) {
  image_ref r = parse_image("nginx:1.27");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.tag, "1.27");
  EXPECT_FALSE(r.implicit_tag);
  EXPECT_EQ(r.normalized, "docker.io/library/nginx:1.27");

  image_ref latest = parse_image("nginx:latest");
  EXPECT_EQ(latest.normalized, "docker.io/library/nginx:latest");
  EXPECT_FALSE(latest.implicit_tag);
}

TEST(parse_image, two_segment_docker_name_gets_no_library_prefix) {
  image_ref r = parse_image("bitnami/redis:7.2");
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.path, "bitnami/redis");
  EXPECT_EQ(r.normalized, "docker.io/bitnami/redis:7.2");

  EXPECT_EQ(parse_image("library/nginx").normalized, "docker.io/library/nginx:latest");
  EXPECT_EQ(parse_image("a/b/c").normalized, "docker.io/a/b/c:latest");
}

TEST(parse_image, explicit_docker_io_single_segment_gets_library) {
  EXPECT_EQ(parse_image("docker.io/nginx").normalized, "docker.io/library/nginx:latest");
  EXPECT_EQ(parse_image("docker.io/bitnami/redis").normalized, "docker.io/bitnami/redis:latest");
}

TEST(parse_image, index_docker_io_is_docker_io) {
  image_ref r = parse_image("index.docker.io/nginx:1");
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.normalized, "docker.io/library/nginx:1");
  EXPECT_EQ(parse_image("index.docker.io/bitnami/redis").normalized,
            "docker.io/bitnami/redis:latest");
}

TEST(parse_image, first_segment_with_a_dot_is_a_registry) {
  image_ref r = parse_image("registry.example.com/app:1");
  EXPECT_EQ(r.registry, "registry.example.com");
  EXPECT_EQ(r.path, "app");  // no library/ outside docker.io
  EXPECT_EQ(r.normalized, "registry.example.com/app:1");
  EXPECT_EQ(parse_image("ghcr.io/org/team/app").normalized, "ghcr.io/org/team/app:latest");
}

TEST(parse_image, registry_with_port_is_not_a_tag) {
  image_ref r = parse_image("registry.example.com:5000/team/app:1.2");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.registry, "registry.example.com:5000");
  EXPECT_EQ(r.path, "team/app");
  EXPECT_EQ(r.tag, "1.2");
  EXPECT_EQ(r.repository, "registry.example.com:5000/team/app");

  image_ref no_tag = parse_image("registry.example.com:5000/team/app");
  EXPECT_EQ(no_tag.tag, "latest");
  EXPECT_TRUE(no_tag.implicit_tag);
  EXPECT_EQ(no_tag.normalized, "registry.example.com:5000/team/app:latest");
}

TEST(parse_image, first_segment_with_only_a_port_is_a_registry) {
  image_ref r = parse_image("myregistry:5000/app");
  EXPECT_EQ(r.registry, "myregistry:5000");
  EXPECT_EQ(r.path, "app");
  EXPECT_EQ(r.normalized, "myregistry:5000/app:latest");
}

TEST(parse_image, localhost_is_a_registry) {
  image_ref r = parse_image("localhost/app");
  EXPECT_EQ(r.registry, "localhost");
  EXPECT_EQ(r.path, "app");
  EXPECT_EQ(r.normalized, "localhost/app:latest");

  image_ref port = parse_image("localhost:5000/app:dev");
  EXPECT_EQ(port.registry, "localhost:5000");
  EXPECT_EQ(port.tag, "dev");
  EXPECT_EQ(port.normalized, "localhost:5000/app:dev");
}

TEST(parse_image, a_name_like_localhost_is_not_a_registry) {
  image_ref r = parse_image("localhostx/app");
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.normalized, "docker.io/localhostx/app:latest");
}

TEST(parse_image, digest_without_tag_gets_no_latest) {
  image_ref r = parse_image("nginx@sha256:0123abcd");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.digest, "sha256:0123abcd");
  EXPECT_FALSE(r.implicit_tag);
  EXPECT_EQ(r.repository, "docker.io/library/nginx");
  EXPECT_EQ(r.normalized, "docker.io/library/nginx@sha256:0123abcd");
}

TEST(parse_image, tag_and_digest_are_both_kept) {
  image_ref r = parse_image("nginx:1.27@sha256:0123abcd");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.tag, "1.27");
  EXPECT_EQ(r.digest, "sha256:0123abcd");
  EXPECT_FALSE(r.implicit_tag);
  EXPECT_EQ(r.normalized, "docker.io/library/nginx:1.27@sha256:0123abcd");
}

TEST(parse_image, digest_with_registry_port) {
  image_ref r = parse_image("registry.example.com:5000/app@sha256:ff");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.registry, "registry.example.com:5000");
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.normalized, "registry.example.com:5000/app@sha256:ff");
}

TEST(parse_image, rejects_empty_and_whitespace) {
  EXPECT_FALSE(parse_image("").valid);
  EXPECT_FALSE(parse_image("ngi nx").valid);
  EXPECT_FALSE(parse_image("nginx\t").valid);
  EXPECT_FALSE(parse_image(" nginx").valid);
  EXPECT_FALSE(parse_image("nginx\n").valid);
  // An invalid reference keeps its text, so messages can show what was written.
  EXPECT_EQ(parse_image("ngi nx").normalized, "ngi nx");
}

TEST(parse_image, rejects_empty_tag_or_digest) {
  EXPECT_FALSE(parse_image("nginx:").valid);
  EXPECT_FALSE(parse_image("nginx@").valid);
  EXPECT_FALSE(parse_image("nginx:1@").valid);
}

TEST(parse_image, rejects_digest_without_algorithm) {
  EXPECT_FALSE(parse_image("nginx@0123abcd").valid);
}

TEST(parse_image, rejects_empty_name_and_stray_slashes) {
  EXPECT_FALSE(parse_image(":1.0").valid);
  EXPECT_FALSE(parse_image("@sha256:ff").valid);
  EXPECT_FALSE(parse_image("/nginx").valid);
  EXPECT_FALSE(parse_image("nginx/").valid);
  EXPECT_FALSE(parse_image("registry.example.com/").valid);
}

// ---- patterns ------------------------------------------------------------------------------

TEST(normalize_image_pattern, bare_name_gets_docker_library) {
  EXPECT_EQ(normalize_image_pattern("nginx"), "docker.io/library/nginx");
  EXPECT_EQ(normalize_image_pattern("bitnami/redis"), "docker.io/bitnami/redis");
  EXPECT_EQ(normalize_image_pattern("bitnami/*"), "docker.io/bitnami/*");
}

TEST(normalize_image_pattern, keeps_tag_and_digest_after_normalizing_the_name) {
  EXPECT_EQ(normalize_image_pattern("nginx:1.27"), "docker.io/library/nginx:1.27");
  EXPECT_EQ(normalize_image_pattern("nginx@sha256:ff"), "docker.io/library/nginx@sha256:ff");
  EXPECT_EQ(normalize_image_pattern("nginx:1@sha256:ff"), "docker.io/library/nginx:1@sha256:ff");
}

TEST(normalize_image_pattern, wildcard_in_the_tag_does_not_stop_normalization) {
  // The header's own example: "nginx:1.*" means "docker.io/library/nginx:1.*".
  EXPECT_EQ(normalize_image_pattern("nginx:1.*"), "docker.io/library/nginx:1.*");
  EXPECT_EQ(normalize_image_pattern("nginx@sha256:*"), "docker.io/library/nginx@sha256:*");
  EXPECT_EQ(normalize_image_pattern("bitnami/redis:*"), "docker.io/bitnami/redis:*");
}

TEST(normalize_image_pattern, wildcard_first_segment_is_kept_as_written) {
  EXPECT_EQ(normalize_image_pattern("**/xmrig*"), "**/xmrig*");
  EXPECT_EQ(normalize_image_pattern("**"), "**");
  EXPECT_EQ(normalize_image_pattern("*.example.com/**"), "*.example.com/**");
}

TEST(normalize_image_pattern, pattern_with_registry_is_kept) {
  EXPECT_EQ(normalize_image_pattern("registry.example.com/**"), "registry.example.com/**");
  EXPECT_EQ(normalize_image_pattern("registry.example.com:5000/app:*"),
            "registry.example.com:5000/app:*");
  EXPECT_EQ(normalize_image_pattern("localhost/app"), "localhost/app");
  EXPECT_EQ(normalize_image_pattern("ghcr.io/*/app"), "ghcr.io/*/app");
}

TEST(normalize_image_pattern, index_docker_io_becomes_docker_io) {
  EXPECT_EQ(normalize_image_pattern("index.docker.io/bitnami/redis"), "docker.io/bitnami/redis");
  EXPECT_EQ(normalize_image_pattern("index.docker.io/**"), "docker.io/**");
}

TEST(normalize_image_pattern, explicit_docker_io_single_segment_gets_library_like_a_reference) {
  EXPECT_EQ(normalize_image_pattern("docker.io/nginx"), "docker.io/library/nginx");
  EXPECT_EQ(normalize_image_pattern("docker.io/nginx:1.27"), "docker.io/library/nginx:1.27");
  EXPECT_EQ(normalize_image_pattern("index.docker.io/nginx"), "docker.io/library/nginx");
  // `**` spans segments: it is not a single-segment path.
  EXPECT_EQ(normalize_image_pattern("docker.io/**"), "docker.io/**");
  EXPECT_EQ(normalize_image_pattern("docker.io/bitnami/*"), "docker.io/bitnami/*");
}

TEST(normalize_image_pattern, agrees_with_parse_image_on_literal_references) {
  for (const char* text :
       {"nginx:1", "docker.io/nginx:1", "index.docker.io/nginx:1", "bitnami/redis:7",
        "registry.example.com:5000/a/b:1", "localhost/app:dev", "nginx:1@sha256:ff"}) {
    EXPECT_EQ(normalize_image_pattern(text), parse_image(text).normalized) << text;
  }
}

TEST(pattern_has_version, sees_a_tag_or_a_digest) {
  EXPECT_TRUE(pattern_has_version("docker.io/library/nginx:1.*"));
  EXPECT_TRUE(pattern_has_version("docker.io/library/nginx@sha256:ff"));
  EXPECT_TRUE(pattern_has_version("**:latest"));
  EXPECT_TRUE(pattern_has_version("registry.example.com:5000/app:1"));
}

TEST(pattern_has_version, does_not_take_a_registry_port_for_a_tag) {
  EXPECT_FALSE(pattern_has_version("registry.example.com:5000/app"));
  EXPECT_FALSE(pattern_has_version("registry.example.com:5000/**"));
  EXPECT_FALSE(pattern_has_version("registry.example.com/**"));
  EXPECT_FALSE(pattern_has_version("**/xmrig*"));
  EXPECT_FALSE(pattern_has_version("docker.io/library/nginx"));
}

}  // namespace
}  // namespace launchguard
