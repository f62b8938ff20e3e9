#include "policy/config/glob.hpp"

#include <algorithm>

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
  const auto& t = out.tokens_;
  out.last_segment_ = slash_aware && t.size() >= 2 && t[0].type == kind::double_star &&
                      t[1].type == kind::literal && t[1].literal.front() == '/' &&
                      std::all_of(t.begin() + 1, t.end(), [&](const token& each) {
                        if (each.type == kind::double_star) return false;
                        std::string_view own = each.literal;
                        if (&each == &t[1]) own.remove_prefix(1);
                        return own.find('/') == std::string_view::npos;
                      });
  return out;
}

bool glob::has_wildcard() const {
  for (const auto& t : tokens_) {
    if (t.type != kind::literal) return true;
  }
  return false;
}

bool glob::matches(std::string_view text) const {
  // The shapes policies are made of answered directly: "name", "prefix*", "prefix**".
  if (tokens_.empty()) return text.empty();
  if (last_segment_) {
    std::size_t slash = text.rfind('/');
    return slash != std::string_view::npos && matches_from(text.substr(slash), 1, 0);
  }
  std::size_t head = 0;
  if (tokens_.front().type == kind::literal) {
    const std::string& literal = tokens_.front().literal;
    if (text.substr(0, literal.size()) != literal) return false;
    head = literal.size();
  }
  std::size_t rest = tokens_.size() - (head > 0 ? 1 : 0);
  if (rest == 0) return text.size() == head;
  if (rest == 1 && tokens_.back().type != kind::literal) {
    return tokens_.back().type == kind::double_star ||
           text.find('/', head) == std::string_view::npos;
  }
  return matches_from(text, head > 0 ? 1 : 0, head);
}

// The general case, after `first_token` matched text[0, start): the set of text positions
// reachable after each token, as a byte per position, on the stack for the usual lengths.
bool glob::matches_from(std::string_view text, std::size_t first_token, std::size_t start) const {
  const std::size_t n = text.size();
  constexpr std::size_t on_stack = 256;
  unsigned char stack_reach[on_stack + 1], stack_next[on_stack + 1];
  std::vector<unsigned char> heap_reach, heap_next;
  unsigned char* reach = stack_reach;
  unsigned char* next = stack_next;
  if (n > on_stack) {
    heap_reach.resize(n + 1);
    heap_next.resize(n + 1);
    reach = heap_reach.data();
    next = heap_next.data();
  }
  std::fill(reach, reach + n + 1, 0);
  reach[start] = 1;
  for (std::size_t i = first_token; i < tokens_.size(); ++i) {
    const token& t = tokens_[i];
    std::fill(next, next + n + 1, 0);
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
    std::swap(reach, next);
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
