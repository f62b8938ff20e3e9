#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace launchguard {

// SipHash-2-4 of a tracker key under a secret 128-bit key. The in-process tracker stores a
// key's 64-bit hash instead of the key itself (a million keys must fit in a few hundred
// megabytes); the secret keeps anyone who names a principal or an image from choosing a name
// that collides with another key, which could hide an image behind one "already seen".
//
//   key_hasher h({0x0706050403020100, 0x0f0e0d0c0b0a0908});
//   std::uint64_t k = h("image:docker.io/library/nginx:1.27");
class key_hasher {
 public:
  explicit key_hasher(std::array<std::uint64_t, 2> secret) : k0_(secret[0]), k1_(secret[1]) {}
  std::uint64_t operator()(std::string_view text) const;

 private:
  std::uint64_t k0_;
  std::uint64_t k1_;
};

}  // namespace launchguard
