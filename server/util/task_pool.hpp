#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace launchguard::server {

// A few threads that may block (on Redis, within its deadline) so the Asio threads never do.
// The queue is bounded: try_post refuses work beyond it, and the caller answers without the
// pool (a stateless decision, or 503 with Retry-After) instead of queueing without end.
class task_pool {
 public:
  task_pool(std::size_t threads, std::size_t max_queued);
  ~task_pool();  // runs what is queued, then joins
  task_pool(const task_pool&) = delete;
  task_pool& operator=(const task_pool&) = delete;

  bool try_post(std::function<void()> task);
  std::size_t queued() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::size_t max_queued_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace launchguard::server
