#pragma once

// What the fuzz targets share: the example policy compiled in, and a way to report a broken
// invariant that libFuzzer records as a crash (with the input that caused it).

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "policy/config/policy_loader.hpp"

namespace launchguard::fuzz {

// deploy/examples/policy.yaml, as it was when the target was built.
inline std::string_view example_policy_text() {
  static constexpr unsigned char bytes[] = {
#include "example_policy.inc"
  };
  return {reinterpret_cast<const char*>(bytes), sizeof bytes};
}

// Aborts: libFuzzer saves the input as crash-<sha1>.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline const policy& example_policy() {
  static const std::shared_ptr<const policy> loaded = [] {
    auto result = load_policy(example_policy_text(), "deploy/examples/policy.yaml");
    if (!result.ok()) fail("the example policy does not load", result.errors.front().to_string());
    return result.value;
  }();
  return *loaded;
}

}  // namespace launchguard::fuzz
