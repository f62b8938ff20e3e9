#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "policy/config/policy.hpp"
#include "server/util/failure.hpp"

namespace launchguard::server {

// The policy in force. Requests take a snapshot (one shared_ptr copy) and use it for the whole
// request; a reload builds a new policy off the I/O threads and swaps the pointer only when it
// is valid, so a bad file never replaces a good policy.
class policy_store {
 public:
  explicit policy_store(std::string path) : path_(std::move(path)) {}

  // Reads, validates and, on success, installs the policy file. The failure lists every error
  // with file, line and column, one per line.
  outcome<std::shared_ptr<const policy>> reload();

  std::shared_ptr<const policy> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const policy> current_;
};

// Reads a policy file and validates it; the failure text names file, line and column.
outcome<std::shared_ptr<const policy>> load_policy_file(const std::string& path);

}  // namespace launchguard::server
