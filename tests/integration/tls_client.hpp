#pragma once

#include <map>
#include <string>

#include <openssl/ssl.h>

namespace launchguard::testing {

struct http_answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

struct client_identity {
  std::string certificate;
  std::string key;
};

// A minimal HTTP/1.1 client over TLS (or plain TCP) on loopback, written on OpenSSL directly
// so tests control every byte: partial requests, raw headers, connection reuse.
class http_client {
 public:
  // TLS, trusting `ca_file`; presents `identity` when given. `max_version` (e.g.
  // TLS1_1_VERSION) emulates an old client. Throws when the handshake fails.
  http_client(unsigned short port, const std::string& ca_file, const client_identity& identity = {},
              int max_version = 0);
  // Plain TCP.
  explicit http_client(unsigned short port);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  void write(const std::string& bytes);
  http_answer read_answer();

  http_answer request(const std::string& method, const std::string& target,
                      const std::string& body = {},
                      const std::string& content_type = "application/json",
                      const std::map<std::string, std::string>& headers = {});

  // True once the server closed the connection (a read returned end of stream).
  bool closed_by_peer();

  // The serial number of the certificate the server presented, in hex; empty for plain TCP.
  std::string peer_serial() const;

 private:
  int read_some(char* out, int size);

  int fd_ = -1;
  SSL_CTX* context_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string pending_;
};

// The raw text of a request with a Content-Length body.
std::string format_request(const std::string& method, const std::string& target,
                           const std::string& body, const std::string& content_type,
                           const std::map<std::string, std::string>& headers = {});

}  // namespace launchguard::testing
