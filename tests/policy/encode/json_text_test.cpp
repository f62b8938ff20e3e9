#include "policy/encode/json_text.hpp"

#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace launchguard {
namespace {

std::string encoded(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// What the encoder replaced: nlohmann's dump with the replace handler.
std::string reference(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(json_text, escapes_quotes_backslashes_and_control_characters) {
  EXPECT_EQ(encoded("plain"), "\"plain\"");
  EXPECT_EQ(encoded("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
  EXPECT_EQ(encoded("line\nnext\ttab\r\b\f"), "\"line\\nnext\\ttab\\r\\b\\f\"");
  EXPECT_EQ(encoded(std::string("nul\0bell\x07", 9)), "\"nul\\u0000bell\\u0007\"");
  EXPECT_EQ(encoded("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x90\xB3"),
            "\"caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x90\xB3\"");
}

TEST(json_text, replaces_every_byte_that_is_not_utf8) {
  EXPECT_EQ(encoded("a\xFFz"), "\"a\xEF\xBF\xBDz\"");
  EXPECT_EQ(encoded("\xC0\xAF"), reference("\xC0\xAF")) << "overlong";
  EXPECT_EQ(encoded("\xED\xA0\x80"), reference("\xED\xA0\x80")) << "a surrogate";
  EXPECT_EQ(encoded("\xF4\x90\x80\x80"), reference("\xF4\x90\x80\x80")) << "above U+10FFFF";
  EXPECT_EQ(encoded("\xE2\x9C"), reference("\xE2\x9C")) << "truncated";
}

// Random bytes, biased toward the interesting ones: byte for byte what nlohmann writes.
TEST(json_text, matches_the_reference_encoder_on_random_bytes) {
  std::mt19937 random(11);
  const unsigned char interesting[] = {0x00, 0x1F, '"',  '\\', 'a',  0x7F, 0x80, 0xBF, 0xC2,
                                       0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0};
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    std::size_t length = random() % 12;
    for (std::size_t i = 0; i < length; ++i) {
      text.push_back(static_cast<char>(random() % 2 ? interesting[random() % sizeof interesting]
                                                    : random() % 256));
    }
    ASSERT_EQ(encoded(text), reference(text)) << "round " << round;
  }
}

}  // namespace
}  // namespace launchguard
