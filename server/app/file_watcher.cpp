#include "server/app/file_watcher.hpp"

#include <filesystem>
#include <fstream>
#include <poll.h>
#include <set>
#include <sstream>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace launchguard::server {
namespace {

std::size_t hash_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return 0;
  std::ostringstream text;
  text << in.rdbuf();
  return std::hash<std::string>{}(text.str()) | 1;  // never 0: 0 means unreadable
}

void drain(int fd) {
  char buffer[4096];
  while (::read(fd, buffer, sizeof buffer) > 0) {
  }
}

}  // namespace

file_watcher::file_watcher(std::vector<std::string> files, std::function<void()> on_change,
                           std::chrono::milliseconds debounce,
                           std::chrono::milliseconds fallback_period)
    : files_(std::move(files)),
      on_change_(std::move(on_change)),
      debounce_(debounce),
      fallback_period_(fallback_period) {
  for (const auto& file : files_)
    last_hashes_.push_back(hash_of(file));
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  std::set<std::string> directories;
  for (const auto& file : files_) {
    std::filesystem::path parent = std::filesystem::absolute(file).parent_path();
    directories.insert(parent.string());
  }
  if (inotify_fd_ >= 0) {
    for (const auto& dir : directories) {
      ::inotify_add_watch(inotify_fd_, dir.c_str(),
                          IN_CREATE | IN_DELETE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM |
                              IN_CLOSE_WRITE | IN_ATTRIB);
    }
  }
  thread_ = std::thread([this] { run(); });
}

file_watcher::~file_watcher() {
  stopping_ = true;
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void file_watcher::trigger() {
  forced_ = true;
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
}

bool file_watcher::content_changed() {
  bool changed = false;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    std::size_t now = hash_of(files_[i]);
    if (now != last_hashes_[i]) {
      last_hashes_[i] = now;
      changed = true;
    }
  }
  return changed;
}

void file_watcher::run() {
  bool pending = false;  // an event arrived; act once the debounce interval is quiet
  while (!stopping_) {
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    int timeout = static_cast<int>(pending ? debounce_.count() : fallback_period_.count());
    int ready = ::poll(fds, inotify_fd_ >= 0 ? 2 : 1, timeout);
    if (stopping_) break;
    if (ready > 0) {
      if (fds[0].revents & POLLIN) drain(wake_fd_);
      if (inotify_fd_ >= 0 && (fds[1].revents & POLLIN)) drain(inotify_fd_);
      if (forced_.exchange(false)) {
        content_changed();  // remember the new content either way
        on_change_();
        pending = false;
        continue;
      }
      pending = true;  // wait for quiet before reading
      continue;
    }
    // Quiet for a debounce interval after events, or the periodic fallback check.
    pending = false;
    if (content_changed()) on_change_();
  }
}

}  // namespace launchguard::server
