#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace launchguard::server {

// Watches files for content changes on a thread of its own and calls `on_change` there.
//
// It watches the directory that holds each file, not the file: Kubernetes updates a mounted
// ConfigMap or Secret by swapping a symlink (..data), which replaces the file without ever
// writing to it. Events are debounced (an editor or the kubelet writes in several steps), and
// content is compared with the last seen, so a touch without a change reloads nothing. A
// periodic check backs inotify up on filesystems that do not report changes.
//
//   file_watcher watcher({"/etc/launchguard/policy.yaml"}, [&] { reload(); });
//   watcher.trigger();  // on SIGHUP: check now
class file_watcher {
 public:
  file_watcher(std::vector<std::string> files, std::function<void()> on_change,
               std::chrono::milliseconds debounce = std::chrono::milliseconds(250),
               std::chrono::milliseconds fallback_period = std::chrono::milliseconds(1000));
  ~file_watcher();
  file_watcher(const file_watcher&) = delete;
  file_watcher& operator=(const file_watcher&) = delete;

  // Asks for a reload now, whether or not the content changed (SIGHUP). Thread-safe and
  // async-signal-safe enough to call from a signal handler's continuation.
  void trigger();

 private:
  void run();
  bool content_changed();

  std::vector<std::string> files_;
  std::function<void()> on_change_;
  std::chrono::milliseconds debounce_;
  std::chrono::milliseconds fallback_period_;
  std::vector<std::size_t> last_hashes_;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: trigger() and shutdown
  std::atomic<bool> forced_{false};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace launchguard::server
