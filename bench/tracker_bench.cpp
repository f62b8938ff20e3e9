// Tracker memory per key and update cost at a million keys (issue: launch rate and provenance
// tracking). Prints one line per measurement; bench/run collects them into docs/benchmarks.md.
//
//   build/release/bench/tracker_bench [keys]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include "policy/track/memory_tracker_store.hpp"

namespace {

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// Keys shaped like the real ones: "rate:principal:system:serviceaccount:team-042:deployer-17".
std::string key_of(std::size_t i) {
  return "rate:principal:system:serviceaccount:team-" + std::to_string(i % 1000) + ":deployer-" +
         std::to_string(i);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t keys = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  std::vector<std::string> names;
  names.reserve(keys);
  for (std::size_t i = 0; i < keys; ++i)
    names.push_back(key_of(i));

  long before = resident_bytes();
  launchguard::memory_tracker_store store(keys);
  auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < keys; ++i)
    store.add_rate(names[i], 1000, 1, 10);
  double insert_ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() /
      static_cast<double>(keys);
  store.drain_changes();  // what the server's write-behind does once a second
  long after = resident_bytes();

  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::size_t> pick(0, keys - 1);
  constexpr std::size_t updates = 2'000'000;
  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < updates; ++i)
    store.add_rate(names[pick(random)], 1000 + static_cast<std::int64_t>(i / 400'000), 1, 10);
  double update_ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() /
      updates;

  std::printf("tracked_keys %zu\n", store.size());
  std::printf("bytes_per_key %.1f\n",
              static_cast<double>(after - before) / static_cast<double>(keys));
  std::printf("insert_ns_per_key %.1f\n", insert_ns);
  std::printf("update_ns %.1f\n", update_ns);
  return 0;
}
