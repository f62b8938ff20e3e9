#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/app/readiness.hpp"
#include "server/http/http_server.hpp"

namespace launchguard::server {

// Shutdown: not ready at once, stop accepting, let requests in progress finish within a
// deadline, then stop the I/O threads.
class drain {
 public:
  drain(boost::asio::io_context& io, readiness& ready, http_server& webhook, http_server& ops,
        std::chrono::milliseconds deadline)
      : io_(io), ready_(ready), webhook_(webhook), ops_(ops), deadline_(deadline), timer_(io) {}

  void begin();

 private:
  void poll();

  boost::asio::io_context& io_;
  readiness& ready_;
  http_server& webhook_;
  http_server& ops_;
  std::chrono::milliseconds deadline_;
  std::chrono::steady_clock::time_point until_;
  boost::asio::steady_timer timer_;
};

}  // namespace launchguard::server
