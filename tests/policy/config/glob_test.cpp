// Name globs (namespaces, users, groups) and image globs, as the policy file contract
// (spec section 5) defines them: anchored, case-sensitive, `*` any run for names, `*` within a
// segment and `**` across segments for images.

#include "policy/config/glob.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

// ---- name globs ----------------------------------------------------------------------------

TEST(name_glob, literal_matches_only_itself) {
  glob g = glob::name("kube-system");
  EXPECT_TRUE(g.matches("kube-system"));
  EXPECT_FALSE(g.matches("kube-system2"));
  EXPECT_FALSE(g.matches("xkube-system"));
  EXPECT_FALSE(g.matches("kube-syste"));
  EXPECT_FALSE(g.matches(""));
}

TEST(name_glob, is_anchored_at_both_ends) {
  glob g = glob::name("prod-*");
  EXPECT_TRUE(g.matches("prod-eu"));
  EXPECT_TRUE(g.matches("prod-"));
  EXPECT_FALSE(g.matches("my-prod-eu"));
  EXPECT_FALSE(g.matches("prod"));

  glob suffix = glob::name("*-prod");
  EXPECT_TRUE(suffix.matches("eu-prod"));
  EXPECT_FALSE(suffix.matches("eu-prod-1"));
}

TEST(name_glob, star_matches_any_run_including_slash_and_colon) {
  glob g = glob::name("system:serviceaccount:argocd:*");
  EXPECT_TRUE(g.matches("system:serviceaccount:argocd:argocd-application-controller"));
  EXPECT_TRUE(g.matches("system:serviceaccount:argocd:a:b/c"));
  EXPECT_FALSE(g.matches("system:serviceaccount:flux:argocd"));

  EXPECT_TRUE(glob::name("*").matches(""));
  EXPECT_TRUE(glob::name("*").matches("a/b/c"));
  EXPECT_TRUE(glob::name("a*c").matches("a/b/c"));
}

TEST(name_glob, star_in_the_middle_matches_empty_and_long_runs) {
  glob g = glob::name("*launchguard*");
  EXPECT_TRUE(g.matches("launchguard"));
  EXPECT_TRUE(g.matches("validate.launchguard.example.com"));
  EXPECT_FALSE(g.matches("launchgard"));

  glob two = glob::name("a*b*c");
  EXPECT_TRUE(two.matches("abc"));
  EXPECT_TRUE(two.matches("aXXbYYc"));
  EXPECT_TRUE(two.matches("abbbc"));
  EXPECT_FALSE(two.matches("acb"));
  EXPECT_FALSE(two.matches("abcx"));
}

TEST(name_glob, is_case_sensitive) {
  glob g = glob::name("oncall-*");
  EXPECT_TRUE(g.matches("oncall-alice"));
  EXPECT_FALSE(g.matches("OnCall-alice"));
  EXPECT_FALSE(glob::name("Prod").matches("prod"));
}

TEST(name_glob, literal_needs_to_repeat_at_the_right_place) {
  // A literal after a star must be found at the end, not just anywhere.
  glob g = glob::name("*ab");
  EXPECT_TRUE(g.matches("abab"));
  EXPECT_TRUE(g.matches("aab"));
  EXPECT_FALSE(g.matches("aba"));
}

TEST(name_glob, empty_pattern_matches_only_empty_text) {
  glob g = glob::name("");
  EXPECT_TRUE(g.matches(""));
  EXPECT_FALSE(g.matches("a"));
}

TEST(name_glob, keeps_its_text_and_reports_wildcards) {
  EXPECT_EQ(glob::name("prod-*").text(), "prod-*");
  EXPECT_TRUE(glob::name("prod-*").has_wildcard());
  EXPECT_FALSE(glob::name("prod").has_wildcard());
  EXPECT_TRUE(glob::image("a/**").has_wildcard());
  EXPECT_FALSE(glob::image("a/b:1").has_wildcard());
}

TEST(name_glob, adjacent_stars_behave_like_one) {
  glob g = glob::name("a***b");
  EXPECT_TRUE(g.matches("ab"));
  EXPECT_TRUE(g.matches("a/x/b"));
  EXPECT_FALSE(g.matches("a/x/c"));
}

// ---- image globs ---------------------------------------------------------------------------

TEST(image_glob, single_star_stays_within_a_segment) {
  glob g = glob::image("docker.io/library/*");
  EXPECT_TRUE(g.matches("docker.io/library/nginx"));
  EXPECT_TRUE(g.matches("docker.io/library/"));
  EXPECT_FALSE(g.matches("docker.io/library/a/b"));

  glob mid = glob::image("ghcr.io/*/app");
  EXPECT_TRUE(mid.matches("ghcr.io/org/app"));
  EXPECT_FALSE(mid.matches("ghcr.io/org/team/app"));
}

TEST(image_glob, single_star_matches_colons_and_dots_but_not_slashes) {
  glob g = glob::image("docker.io/library/nginx:*");
  EXPECT_TRUE(g.matches("docker.io/library/nginx:1.27.0"));
  EXPECT_TRUE(g.matches("docker.io/library/nginx:"));
  EXPECT_FALSE(g.matches("docker.io/library/nginx:1/2"));
}

TEST(image_glob, double_star_crosses_segments) {
  glob g = glob::image("ghcr.io/**/app");
  EXPECT_TRUE(g.matches("ghcr.io/org/app"));
  EXPECT_TRUE(g.matches("ghcr.io/org/team/sub/app"));
  EXPECT_FALSE(g.matches("ghcr.io/org/team/app2"));
}

TEST(image_glob, double_star_matches_an_empty_run) {
  EXPECT_TRUE(glob::image("registry.example.com/**").matches("registry.example.com/"));
  EXPECT_TRUE(glob::image("a**b").matches("ab"));
  EXPECT_TRUE(glob::image("**").matches(""));
  EXPECT_TRUE(glob::image("**/xmrig*").matches("/xmrig"));
}

TEST(image_glob, contract_examples_for_a_registry_prefix) {
  glob g = glob::image("registry.example.com/**");
  EXPECT_TRUE(g.matches("registry.example.com/a/b:1"));
  EXPECT_TRUE(g.matches("registry.example.com/app"));
  EXPECT_TRUE(g.matches("registry.example.com/a/b:1@sha256:0123"));
  EXPECT_FALSE(g.matches("registry.example.com.evil.io/x"));
  EXPECT_FALSE(g.matches("registry.example.com:5000/x"));
  EXPECT_FALSE(g.matches("evil.io/registry.example.com/x"));
  EXPECT_FALSE(g.matches("registry.example.com"));
}

TEST(image_glob, contract_deny_pattern_finds_a_miner_in_any_registry) {
  glob g = glob::image("**/xmrig*");
  EXPECT_TRUE(g.matches("docker.io/library/xmrig"));
  EXPECT_TRUE(g.matches("evil.io/a/b/xmrig-6.21"));
  EXPECT_TRUE(g.matches("docker.io/miners/xmrig"));
  EXPECT_FALSE(g.matches("docker.io/xmrig/miner"));  // `*` does not cross the last '/'
  EXPECT_FALSE(g.matches("docker.io/library/notxmrig"));
}

TEST(image_glob, is_anchored_and_case_sensitive) {
  glob g = glob::image("docker.io/library/nginx");
  EXPECT_TRUE(g.matches("docker.io/library/nginx"));
  EXPECT_FALSE(g.matches("docker.io/library/nginx2"));
  EXPECT_FALSE(g.matches("xdocker.io/library/nginx"));
  EXPECT_FALSE(g.matches("docker.io/library/NGINX"));
  EXPECT_FALSE(glob::image("Registry.example.com/**").matches("registry.example.com/a"));
}

TEST(image_glob, three_stars_are_a_double_star) {
  glob g = glob::image("a/***/b");
  EXPECT_TRUE(g.matches("a/x/y/b"));
  EXPECT_FALSE(g.matches("a/x/y/c"));
}

TEST(image_glob, star_next_to_double_star_keeps_crossing_segments) {
  glob g = glob::image("r.io/**x*");
  EXPECT_TRUE(g.matches("r.io/a/b/x"));
  EXPECT_TRUE(g.matches("r.io/a/b/xyz"));
  EXPECT_FALSE(g.matches("r.io/a/b/xy/z"));
}

TEST(image_glob, same_pattern_differs_from_name_glob_only_on_slashes) {
  EXPECT_TRUE(glob::name("r.io/*").matches("r.io/a/b"));
  EXPECT_FALSE(glob::image("r.io/*").matches("r.io/a/b"));
  EXPECT_TRUE(glob::name("r.io/*").matches("r.io/a"));
  EXPECT_TRUE(glob::image("r.io/*").matches("r.io/a"));
}

// ---- many stars, long inputs ---------------------------------------------------------------

// "*a*a*...*a*b": a backtracking matcher takes exponential time on a long run of 'a'.
std::string many_stars(const std::string& star, int count, const std::string& tail) {
  std::string pattern;
  for (int i = 0; i < count; ++i)
    pattern += star + "a";
  return pattern + star + tail;
}

TEST(glob_complexity, many_star_name_pattern_on_long_input_gives_the_right_answer) {
  const std::string text(20'000, 'a');
  glob no_b = glob::name(many_stars("*", 40, "b"));
  EXPECT_FALSE(no_b.matches(text));
  EXPECT_TRUE(no_b.matches(text + "b"));
  EXPECT_FALSE(glob::name(many_stars("*", 40, "")).matches(std::string(39, 'a')));
  EXPECT_TRUE(glob::name(many_stars("*", 40, "")).matches(std::string(40, 'a')));
}

TEST(glob_complexity, many_star_image_pattern_on_long_input_gives_the_right_answer) {
  std::string text;
  for (int i = 0; i < 2'000; ++i)
    text += "aaaa/";
  text += "aaaa";
  EXPECT_FALSE(glob::image(many_stars("**", 40, "b")).matches(text));
  EXPECT_TRUE(glob::image(many_stars("**", 40, "b")).matches(text + "b"));
  // Single stars cannot cross the slashes, so they cannot reach the end.
  EXPECT_FALSE(glob::image(many_stars("*", 40, "")).matches(text));
  EXPECT_TRUE(glob::image(many_stars("*", 3, "")).matches("xaxaxax"));
}

// ---- against a reference -------------------------------------------------------------------

// Backtracking, exponential, obviously right: `*` any run (without '/' in an image glob when
// single), `**` any run.
bool reference_match(std::string_view pattern, std::string_view text, bool slash_aware) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() != '*') {
    return !text.empty() && text.front() == pattern.front() &&
           reference_match(pattern.substr(1), text.substr(1), slash_aware);
  }
  std::size_t stars = pattern.find_first_not_of('*');
  if (stars == std::string_view::npos) stars = pattern.size();
  bool crosses = !slash_aware || stars >= 2;
  for (std::size_t taken = 0; taken <= text.size(); ++taken) {
    if (reference_match(pattern.substr(stars), text.substr(taken), slash_aware)) return true;
    if (taken < text.size() && text[taken] == '/' && !crosses) break;
  }
  return false;
}

// The shapes with a shortcut ("a", "ab*", "ab**") and the general case, over 4,000 random
// patterns and texts of a small alphabet, each as a name glob and as an image glob.
TEST(glob_matching, agrees_with_a_backtracking_reference) {
  std::uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
  const char pattern_alphabet[] = {'a', 'b', '/', '*'};
  const char text_alphabet[] = {'a', 'b', '/'};
  for (int round = 0; round < 4000; ++round) {
    std::string pattern, text;
    for (std::uint32_t i = next() % 7; i > 0; --i)
      pattern += pattern_alphabet[next() % 4];
    for (std::uint32_t i = next() % 9; i > 0; --i)
      text += text_alphabet[next() % 3];
    for (bool slash_aware : {false, true}) {
      glob g = slash_aware ? glob::image(pattern) : glob::name(pattern);
      ASSERT_EQ(g.matches(text), reference_match(pattern, text, slash_aware))
          << (slash_aware ? "image" : "name") << " glob \"" << pattern << "\" on \"" << text
          << "\"";
    }
  }
}

// "**/" then one segment's pattern, the shape of the example policy's deny list: matched
// from the text's last '/' only ("**/xmrig*" in image_glob.contract_deny_pattern_...).
TEST(glob_matching, last_segment_patterns_match_only_the_last_segment) {
  glob miner = glob::image("**/*miner*");
  EXPECT_TRUE(miner.matches("docker.io/library/xminer"));
  EXPECT_TRUE(miner.matches("ghcr.io/a/b/c/miner"));
  EXPECT_TRUE(miner.matches("/miner"));
  EXPECT_FALSE(miner.matches("miner"));  // no '/' for the pattern's own
  EXPECT_FALSE(miner.matches("docker.io/miner/nginx"));
  // Not the shape: a '/' after the first segment, or a name glob whose '*' crosses '/'.
  EXPECT_TRUE(glob::image("**/a/b*").matches("x/y/a/bc"));
  EXPECT_TRUE(glob::name("**/miner*").matches("a/miner/x"));
}

TEST(glob_matching, handles_texts_longer_than_its_stack_buffer) {
  std::string long_name(1000, 'a');
  EXPECT_TRUE(glob::name("a*a*a").matches(long_name));
  EXPECT_FALSE(glob::name("a*b*a").matches(long_name));
  EXPECT_TRUE(glob::image("a*a/**").matches(long_name + "/" + long_name));
  EXPECT_FALSE(glob::image("a*a*").matches(long_name + "/" + long_name));
}

// ---- any_matches ---------------------------------------------------------------------------

TEST(any_matches, is_true_when_one_glob_matches) {
  std::vector<glob> globs{glob::name("kube-*"), glob::name("falco")};
  EXPECT_TRUE(any_matches(globs, "kube-public"));
  EXPECT_TRUE(any_matches(globs, "falco"));
  EXPECT_FALSE(any_matches(globs, "default"));
}

TEST(any_matches, is_false_for_no_globs) {
  EXPECT_FALSE(any_matches({}, "anything"));
}

}  // namespace
}  // namespace launchguard
