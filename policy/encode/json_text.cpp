#include "policy/encode/json_text.hpp"

#include <cstdint>

namespace launchguard {
namespace {

// At a byte >= 0x80: how many bytes form a valid UTF-8 sequence there (`valid`), or else how
// many form the longest prefix of one (at least 1), which is replaced by one U+FFFD as a
// whole, the Unicode "maximal subpart" practice that nlohmann's replace handler follows too.
// Overlong forms, surrogates and code points above U+10FFFF are not valid.
struct utf8_scan {
  std::size_t length;
  bool valid;
};

utf8_scan scan_utf8(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  std::uint8_t lead = byte(at);
  std::size_t need = 0;
  std::uint8_t low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return {1, false};
  }
  std::size_t length = 1;
  while (length < need && at + length < text.size()) {
    std::uint8_t next = byte(at + length);
    bool fits = length == 1 ? next >= low && next <= high : (next & 0xC0) == 0x80;
    if (!fits) break;
    ++length;
  }
  return {length, length == need};
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  auto flush = [&](std::size_t until) { out.append(text.data() + plain, until - plain); };
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<std::uint8_t>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      utf8_scan found = scan_utf8(text, i);
      if (found.valid) {
        i += found.length;
        continue;
      }
      flush(i);
      out.append("\xEF\xBF\xBD");  // U+FFFD for the invalid sequence
      i += found.length;
      plain = i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        out.append("\\u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xF]);
    }
    plain = ++i;
  }
  flush(text.size());
  out.push_back('"');
}

}  // namespace launchguard
