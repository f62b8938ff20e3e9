#pragma once

#include <atomic>

namespace launchguard::server {

// /readyz: ready once the policy is loaded and the listeners accept, not ready from the
// moment shutdown begins. Deliberately independent of the state store: a store fault must
// never take admission out of the Service.
class readiness {
 public:
  void set_policy_loaded() { policy_loaded_ = true; }
  void set_listening() { listening_ = true; }
  void set_draining() { draining_ = true; }

  bool alive() const { return true; }
  bool ready() const { return policy_loaded_ && listening_ && !draining_; }
  bool draining() const { return draining_; }

 private:
  std::atomic<bool> policy_loaded_{false};
  std::atomic<bool> listening_{false};
  std::atomic<bool> draining_{false};
};

}  // namespace launchguard::server
