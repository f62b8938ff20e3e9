#include "policy/track/key_hash.hpp"

#include <string>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

// The reference vectors of SipHash-2-4 (key 00..0f, messages 00..len-1).
TEST(key_hasher, matches_the_siphash_2_4_reference_vectors) {
  key_hasher h({0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL});
  auto message = [](int length) {
    std::string text;
    for (int i = 0; i < length; ++i)
      text.push_back(static_cast<char>(i));
    return text;
  };
  EXPECT_EQ(h(message(0)), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(h(message(8)), 0x93f5f5799a932462ULL);
  EXPECT_EQ(h(message(15)), 0xa129ca6149be45e5ULL);
}

TEST(key_hasher, depends_on_the_secret) {
  key_hasher a({1, 2});
  key_hasher b({1, 3});
  EXPECT_NE(a("image:docker.io/library/nginx:1.27"), b("image:docker.io/library/nginx:1.27"));
  EXPECT_EQ(a("x"), key_hasher({1, 2})("x"));
}

}  // namespace
}  // namespace launchguard
