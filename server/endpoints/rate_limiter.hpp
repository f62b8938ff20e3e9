#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace launchguard::server {

// A token bucket per client: `rate` requests a second on average, bursts of up to `burst`.
// Clients are keyed by what the server knows of them (the client certificate when there is
// one, else the address); at most `max_clients` are remembered, the idlest forgotten first.
//
//   rate_limiter audit(100, 200);
//   if (!audit.allow("10.0.0.7")) return 429;
class rate_limiter {
 public:
  rate_limiter(double rate, double burst, std::size_t max_clients = 10000)
      : rate_(rate), burst_(burst), max_clients_(max_clients) {}

  bool allow(const std::string& client,
             std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  struct bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  void forget_idle(std::chrono::steady_clock::time_point now);

  double rate_;
  double burst_;
  std::size_t max_clients_;
  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

}  // namespace launchguard::server
