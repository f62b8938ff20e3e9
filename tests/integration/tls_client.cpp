#include "tests/integration/tls_client.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>

namespace launchguard::testing {
namespace {

int connect_loopback(unsigned short port) {
  // A server that closes first must show up as an error, not kill the test with SIGPIPE.
  static const bool ignoring_sigpipe = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)ignoring_sigpipe;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  }
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

std::string openssl_error() {
  char text[256];
  ERR_error_string_n(ERR_get_error(), text, sizeof text);
  return text;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

http_client::http_client(unsigned short port) : fd_(connect_loopback(port)) {}

http_client::http_client(unsigned short port, const std::string& ca_file,
                         const client_identity& identity, int max_version)
    : fd_(connect_loopback(port)) {
  context_ = SSL_CTX_new(TLS_client_method());
  if (max_version != 0) {
    SSL_CTX_set_security_level(context_, 0);  // let OpenSSL offer the old versions at all
    SSL_CTX_set_min_proto_version(context_, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(context_, max_version);
  }
  SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(context_, ca_file.c_str(), nullptr) != 1) {
    throw std::runtime_error("cannot load CA " + ca_file);
  }
  if (!identity.certificate.empty()) {
    SSL_CTX_use_certificate_chain_file(context_, identity.certificate.c_str());
    SSL_CTX_use_PrivateKey_file(context_, identity.key.c_str(), SSL_FILETYPE_PEM);
  }
  ssl_ = SSL_new(context_);
  SSL_set_fd(ssl_, fd_);
  SSL_set_tlsext_host_name(ssl_, "localhost");
  SSL_set1_host(ssl_, "localhost");
  if (SSL_connect(ssl_) != 1) {
    std::string reason = openssl_error();
    SSL_free(ssl_);
    SSL_CTX_free(context_);
    ::close(fd_);
    throw std::runtime_error("TLS handshake failed: " + reason);
  }
}

http_client::~http_client() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (context_ != nullptr) SSL_CTX_free(context_);
  if (fd_ >= 0) ::close(fd_);
}

void http_client::write(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    int chunk = static_cast<int>(std::min<std::size_t>(bytes.size() - sent, 1 << 20));
    int n = ssl_ != nullptr
                ? SSL_write(ssl_, bytes.data() + sent, chunk)
                : static_cast<int>(::send(fd_, bytes.data() + sent, static_cast<std::size_t>(chunk),
                                          MSG_NOSIGNAL));
    if (n <= 0) throw std::runtime_error("write failed after " + std::to_string(sent) + " bytes");
    sent += static_cast<std::size_t>(n);
  }
}

int http_client::read_some(char* out, int size) {
  if (ssl_ != nullptr) return SSL_read(ssl_, out, size);
  return static_cast<int>(::recv(fd_, out, static_cast<std::size_t>(size), 0));
}

http_answer http_client::read_answer() {
  char chunk[16384];
  auto fill = [&] {
    int n = read_some(chunk, sizeof chunk);
    if (n <= 0) throw std::runtime_error("connection closed before a complete answer");
    pending_.append(chunk, static_cast<std::size_t>(n));
  };
  std::size_t end;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
    fill();
  std::string head = pending_.substr(0, end);
  pending_.erase(0, end + 4);

  http_answer answer;
  std::size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  answer.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    std::size_t next = head.find("\r\n", pos);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(pos, next - pos);
    std::size_t colon = line.find(':');
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    answer.headers[lower(line.substr(0, colon))] = value;
    pos = next + 2;
  }
  if (answer.status == 100) return read_answer();
  std::size_t length =
      answer.headers.count("content-length") ? std::stoul(answer.headers["content-length"]) : 0;
  while (pending_.size() < length)
    fill();
  answer.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return answer;
}

http_answer http_client::request(const std::string& method, const std::string& target,
                                 const std::string& body, const std::string& content_type,
                                 const std::map<std::string, std::string>& headers) {
  write(format_request(method, target, body, content_type, headers));
  return read_answer();
}

std::string http_client::peer_serial() const {
  if (ssl_ == nullptr) return {};
  X509* cert = SSL_get0_peer_certificate(ssl_);
  if (cert == nullptr) return {};
  BIGNUM* number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* text = BN_bn2hex(number);
  std::string serial = text;
  OPENSSL_free(text);
  BN_free(number);
  return serial;
}

bool http_client::closed_by_peer() {
  char byte;
  return read_some(&byte, 1) <= 0;
}

std::string format_request(const std::string& method, const std::string& target,
                           const std::string& body, const std::string& content_type,
                           const std::map<std::string, std::string>& headers) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  if (!content_type.empty()) text += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || method == "POST")
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& [name, value] : headers)
    text += name + ": " + value + "\r\n";
  text += "\r\n";
  text += body;
  return text;
}

}  // namespace launchguard::testing
