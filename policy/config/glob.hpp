#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace launchguard {

// A compiled glob, anchored and case-sensitive. Two flavours:
//  - name globs (namespaces, users, groups): `*` matches any run of characters;
//  - image patterns: `*` matches any run without '/', `**` any run including '/' (also empty).
// Matching is linear in the text for each token, whatever the number of stars, so a hostile
// pattern or reference cannot make it slow.
//
//   glob ns = glob::name("prod-*");
//   ns.matches("prod-eu");                       // true
//   glob img = glob::image("registry.example.com/**");
//   img.matches("registry.example.com.evil.io/x");  // false
class glob {
 public:
  static glob name(std::string_view pattern);
  static glob image(std::string_view pattern);

  bool matches(std::string_view text) const;
  const std::string& text() const { return text_; }
  bool has_wildcard() const;

 private:
  enum class kind : unsigned char { literal, star, double_star };
  struct token {
    kind type;
    std::string literal;
  };
  static glob compile(std::string_view pattern, bool slash_aware);
  bool matches_from(std::string_view text, std::size_t first_token, std::size_t start) const;

  std::string text_;
  std::vector<token> tokens_;
  // "**/" then one path segment's pattern ("**/xmrig*", "**/*miner*"): only the text's last
  // '/' can start the segment, so matching starts there instead of at every position.
  bool last_segment_ = false;
};

// True when any of `globs` matches `text`.
bool any_matches(const std::vector<glob>& globs, std::string_view text);

}  // namespace launchguard
