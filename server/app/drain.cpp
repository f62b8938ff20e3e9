#include "server/app/drain.hpp"

#include "server/util/log.hpp"

namespace launchguard::server {
namespace {

const logger log{"server"};

}  // namespace

void drain::begin() {
  log.info("shutting down: readiness off, no new connections, finishing requests in progress");
  ready_.set_draining();
  webhook_.shut_down();
  until_ = std::chrono::steady_clock::now() + deadline_;
  poll();
}

void drain::poll() {
  std::size_t open = webhook_.open_connections();
  if (open == 0 || std::chrono::steady_clock::now() >= until_) {
    if (open > 0) log.warn("drain deadline reached", {{"openConnections", std::to_string(open)}});
    ops_.shut_down();
    io_.stop();
    return;
  }
  timer_.expires_after(std::chrono::milliseconds(20));
  timer_.async_wait([this](boost::system::error_code) { poll(); });
}

}  // namespace launchguard::server
