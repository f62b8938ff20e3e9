#include "server/endpoints/rate_limiter.hpp"

#include <algorithm>

namespace launchguard::server {

void rate_limiter::forget_idle(std::chrono::steady_clock::time_point now) {
  // A bucket idle for long enough to be full again remembers nothing worth keeping.
  auto refill = std::chrono::duration<double>(burst_ / std::max(rate_, 1e-9));
  std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.updated > refill; });
  if (buckets_.size() < max_clients_) return;
  auto idlest = std::min_element(
      buckets_.begin(), buckets_.end(),
      [](const auto& a, const auto& b) { return a.second.updated < b.second.updated; });
  buckets_.erase(idlest);
}

bool rate_limiter::allow(const std::string& client, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(client);
  if (found == buckets_.end()) {
    if (buckets_.size() >= max_clients_) forget_idle(now);
    found = buckets_.emplace(client, bucket{burst_, now}).first;
  }
  bucket& b = found->second;
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
  b.updated = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace launchguard::server
