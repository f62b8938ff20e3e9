#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "server/http/http_message.hpp"
#include "server/http/tls_context.hpp"
#include "server/util/failure.hpp"

namespace launchguard::server {

// Deadlines and sizes that protect a listener from slow or hostile clients.
struct session_limits {
  std::chrono::seconds handshake{10};
  // Longer than the 90 s idle timeout of Go's HTTP transport (the API server's client), so
  // the client closes idle connections first and never sends a request into a closing one.
  std::chrono::seconds idle{120};
  // From the first byte of a request to its last header; also how long a new connection may
  // wait before sending its first byte.
  std::chrono::seconds header{10};
  std::chrono::seconds body{30};  // for reading the whole body
  std::chrono::seconds write{30};
  std::size_t header_bytes = 16 * 1024;
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_client = 1024;  // by peer address
};

// One listening socket and its connections: HTTP/1.1 with keep-alive over TLS or plain TCP,
// a fresh parser per request, one request at a time per connection (a pipelined request is
// read only after the previous answer is written, so at most one is ever in progress), and
// every read and write under a deadline. Runs on the caller's io_context, whatever the number
// of threads running it; each connection has its own strand.
class http_server {
 public:
  // `tls` is null for plain HTTP. Both must outlive the server and its connections.
  http_server(boost::asio::io_context& io, request_handler& handler, tls_context_store* tls,
              session_limits limits = {});
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds "ADDRESS:PORT" (port 0 picks a free port) and starts accepting. Returns the bound
  // "ADDRESS:PORT", or an error that names the address and the reason.
  outcome<std::string> listen(std::string_view address);

  // Stops accepting and closes idle connections. A request in progress is finished and
  // answered with "Connection: close". Thread-safe.
  void shut_down();

  // Connections still open; zero after shut_down() once in-flight requests are answered.
  std::size_t open_connections() const;
  // Connections closed on arrival: max_connections were open and none idle, or the client
  // held max_connections_per_client.
  std::uint64_t rejected_connections() const;
  // Idle connections closed to make room for a new one at max_connections.
  std::uint64_t evicted_connections() const;

  // What the HTTP layer refused on its own, before any endpoint saw a request.
  struct refusals {
    std::uint64_t malformed = 0;          // not HTTP/1.1: answered 400
    std::uint64_t too_large = 0;          // headers over the limit (431) or body (413)
    std::uint64_t timed_out = 0;          // headers or body slower than their deadline
    std::uint64_t failed_handshakes = 0;  // TLS handshakes that failed or timed out
  };
  refusals refused() const;

  struct state;  // shared with the connections, which may outlive this object

 private:
  std::shared_ptr<state> state_;
};

}  // namespace launchguard::server
