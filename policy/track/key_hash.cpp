#include "policy/track/key_hash.hpp"

#include <bit>
#include <cstring>

namespace launchguard {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) {
  return (x << b) | (x >> (64 - b));
}

struct sip_state {
  std::uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  void absorb(std::uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

// Eight bytes as a little-endian word: one load on the machines we run on.
std::uint64_t load_word(const unsigned char* p) {
  std::uint64_t value;
  std::memcpy(&value, p, sizeof value);
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
  return value;
}

// The last 0-7 bytes.
std::uint64_t load_le(const unsigned char* p, std::size_t n) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < n; ++i)
    value |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return value;
}

}  // namespace

std::uint64_t key_hasher::operator()(std::string_view text) const {
  sip_state s{k0_ ^ 0x736f6d6570736575ULL, k1_ ^ 0x646f72616e646f6dULL, k0_ ^ 0x6c7967656e657261ULL,
              k1_ ^ 0x7465646279746573ULL};
  const auto* data = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t full = text.size() / 8 * 8;
  for (std::size_t i = 0; i < full; i += 8)
    s.absorb(load_word(data + i));
  std::uint64_t last =
      load_le(data + full, text.size() - full) | (static_cast<std::uint64_t>(text.size()) << 56);
  s.absorb(last);
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i)
    s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace launchguard
