#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "server/metrics/metrics.hpp"
#include "server/store/alert_store.hpp"

namespace launchguard::server {

// The one thread that writes to the store: commits run in submission order, off the I/O
// threads, and report back through a callback (on this thread). It also prunes the store
// periodically. The destructor finishes every submitted commit before it returns.
class store_writer {
 public:
  using done_fn = std::function<void(outcome<commit_result>)>;

  struct settings {
    duration_ms dedup_window{10 * 60'000};
    duration_ms retention{30LL * 86'400'000};
    std::int64_t max_alerts = 1'000'000;
  };

  // `tick`, when given, runs on the writer's thread about once a second and once more at
  // destruction: the place for write-behind work such as saving the trackers' memory.
  store_writer(alert_store& store, metrics_registry& metrics,
               std::function<settings()> current_settings, std::function<void()> tick = {});
  ~store_writer();
  store_writer(const store_writer&) = delete;
  store_writer& operator=(const store_writer&) = delete;

  void submit(std::vector<input_alerts> batch, done_fn done);

 private:
  struct job {
    std::vector<input_alerts> batch;
    done_fn done;
  };
  void run();
  void prune_if_due();
  void tick_if_due();

  alert_store& store_;
  std::function<settings()> settings_;
  counter_vec& errors_;
  histogram& commit_seconds_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<job> jobs_;
  // Jobs submitted and not yet committed, read by the launchguard_store_queue_depth gauge,
  // which may outlive this writer.
  std::shared_ptr<std::atomic<std::int64_t>> queued_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
  bool stopping_ = false;
  std::function<void()> tick_;
  std::chrono::steady_clock::time_point next_prune_;
  std::chrono::steady_clock::time_point next_tick_;
  std::thread thread_;
};

}  // namespace launchguard::server
