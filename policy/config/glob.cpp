#include "policy/config/glob.hpp"

namespace launchguard {

glob glob::name(std::string_view pattern) {
  return compile(pattern, false);
}
glob glob::image(std::string_view pattern) {
  return compile(pattern, true);
}

glob glob::compile(std::string_view pattern, bool slash_aware) {
  glob out;
  out.text_ = std::string(pattern);
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '*') {
      bool twice = i + 1 < pattern.size() && pattern[i + 1] == '*';
      kind type = (!slash_aware || twice) ? kind::double_star : kind::star;
      i += twice ? 2 : 1;
      // Adjacent stars add nothing but work: "***" is "**".
      while (i < pattern.size() && pattern[i] == '*') {
        type = kind::double_star;
        ++i;
      }
      if (!out.tokens_.empty() && out.tokens_.back().type != kind::literal) {
        if (type == kind::double_star) out.tokens_.back().type = kind::double_star;
        continue;
      }
      out.tokens_.push_back({type, {}});
      continue;
    }
    std::size_t end = pattern.find('*', i);
    if (end == std::string_view::npos) end = pattern.size();
    out.tokens_.push_back({kind::literal, std::string(pattern.substr(i, end - i))});
    i = end;
  }
  return out;
}

bool glob::has_wildcard() const {
  for (const auto& t : tokens_) {
    if (t.type != kind::literal) return true;
  }
  return false;
}

bool glob::matches(std::string_view text) const {
  // The set of text positions reachable after each token, as a byte per position.
  const std::size_t n = text.size();
  std::vector<unsigned char> reach(n + 1, 0), next(n + 1, 0);
  reach[0] = 1;
  for (const auto& t : tokens_) {
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    switch (t.type) {
      case kind::literal:
        for (std::size_t p = 0; p + t.literal.size() <= n; ++p) {
          if (reach[p] && text.compare(p, t.literal.size(), t.literal) == 0) {
            next[p + t.literal.size()] = 1;
            any = true;
          }
        }
        break;
      case kind::star: {
        bool open = false;  // inside a run that started at a reachable position, before a '/'
        for (std::size_t p = 0; p <= n; ++p) {
          if (reach[p]) open = true;
          if (open) {
            next[p] = 1;
            any = true;
          }
          if (p < n && text[p] == '/') open = false;
        }
        break;
      }
      case kind::double_star: {
        bool open = false;
        for (std::size_t p = 0; p <= n; ++p) {
          open = open || reach[p];
          if (open) {
            next[p] = 1;
            any = true;
          }
        }
        break;
      }
    }
    if (!any) return false;
    reach.swap(next);
  }
  return reach[n] != 0;
}

bool any_matches(const std::vector<glob>& globs, std::string_view text) {
  for (const auto& g : globs) {
    if (g.matches(text)) return true;
  }
  return false;
}

}  // namespace launchguard
