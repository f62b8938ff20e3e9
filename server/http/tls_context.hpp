#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "server/util/failure.hpp"

namespace launchguard::server {

struct tls_files {
  std::string certificate;  // PEM chain: server certificate first
  std::string private_key;  // PEM
  std::string client_ca;    // optional: require client certificates signed by this CA
};

// A server TLS context: TLS 1.2 or newer, forward-secret AEAD ciphers only, the certificate
// checked against its key and its validity dates. The error names the file and the problem.
outcome<std::shared_ptr<boost::asio::ssl::context>> load_tls_context(const tls_files& files);

// When the context's server certificate expires, in seconds since the epoch.
std::optional<std::int64_t> certificate_expiry(boost::asio::ssl::context& context);

// Holds the context new connections use. A reload swaps it; connections keep the one they
// started with.
class tls_context_store {
 public:
  explicit tls_context_store(std::shared_ptr<boost::asio::ssl::context> initial)
      : current_(std::move(initial)) {}

  std::shared_ptr<boost::asio::ssl::context> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void replace(std::shared_ptr<boost::asio::ssl::context> next) {
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace launchguard::server
