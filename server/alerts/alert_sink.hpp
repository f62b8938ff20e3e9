#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "policy/alerts/alert.hpp"
#include "server/metrics/metrics.hpp"

namespace launchguard::server {

// Where alerts go once stored: a count in launchguard_alerts_total and a JSON line on stdout,
// written by a thread of its own, so a slow reader of stdout never holds up an I/O thread or
// the store. The destructor writes everything still queued.
class alert_sink {
 public:
  explicit alert_sink(metrics_registry& metrics, std::FILE* out = stdout);
  ~alert_sink();
  alert_sink(const alert_sink&) = delete;
  alert_sink& operator=(const alert_sink&) = delete;

  void publish(std::vector<alert> raised);

 private:
  void write_loop();

  counter_vec& alerts_total_;
  std::FILE* out_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> lines_;
  // Lines published and not yet written, read by the launchguard_alert_sink_queue_depth gauge,
  // which may outlive this sink.
  std::shared_ptr<std::atomic<std::int64_t>> queued_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace launchguard::server
