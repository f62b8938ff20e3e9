#include "server/cli/https_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace launchguard::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct endpoint_text {
  std::string host;
  std::string port;
};

outcome<endpoint_text> parse_target(const std::string& target) {
  constexpr std::string_view scheme = "https://";
  if (!target.starts_with(scheme)) return failure{target + ": expected https://HOST:PORT"};
  std::string rest = target.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/')
    rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) return endpoint_text{rest, "443"};
  return endpoint_text{rest.substr(0, colon), rest.substr(colon + 1)};
}

}  // namespace

struct https_client::impl {
  net::io_context io;
  ssl::context tls{ssl::context::tls_client};
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  endpoint_text where;
  std::string ca_file;

  outcome<bool> open() {
    stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, tls);
    beast::error_code ec;
    tcp::resolver resolver(io);
    auto found = resolver.resolve(where.host, where.port, ec);
    if (ec) return failure{where.host + ":" + where.port + ": " + ec.message()};
    beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(10));
    beast::get_lowest_layer(*stream).connect(found, ec);
    if (ec) return failure{where.host + ":" + where.port + ": " + ec.message()};
    SSL_set_tlsext_host_name(stream->native_handle(), where.host.c_str());
    SSL_set1_host(stream->native_handle(), where.host.c_str());
    stream->handshake(ssl::stream_base::client, ec);
    if (ec)
      return failure{where.host + ":" + where.port + ": TLS handshake failed: " + ec.message()};
    return true;
  }
};

https_client::https_client(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
https_client::~https_client() {
  if (impl_ && impl_->stream) {
    beast::error_code ignored;
    beast::get_lowest_layer(*impl_->stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
}

outcome<std::unique_ptr<https_client>> https_client::connect(const std::string& target,
                                                             const std::string& ca_file) {
  auto where = parse_target(target);
  if (!where) return where.error();
  auto state = std::make_unique<impl>();
  state->where = *where;
  state->tls.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (ca_file.empty()) {
    state->tls.set_default_verify_paths(ec);
  } else {
    state->tls.load_verify_file(ca_file, ec);
  }
  if (ec) return failure{(ca_file.empty() ? "system CAs" : ca_file) + ": " + ec.message()};
  auto opened = state->open();
  if (!opened) return opened.error();
  return std::unique_ptr<https_client>(new https_client(std::move(state)));
}

outcome<client_answer> https_client::request(const std::string& method, const std::string& path,
                                             const std::string& body,
                                             const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> message{http::string_to_verb(method), path, 11};
  message.set(http::field::host, impl_->where.host);
  for (const auto& [name, value] : headers)
    message.set(name, value);
  message.body() = body;
  message.prepare_payload();
  message.keep_alive(true);
  for (int attempt = 0; attempt < 2; ++attempt) {  // the server may have closed an idle connection
    beast::error_code ec;
    beast::get_lowest_layer(*impl_->stream).expires_after(std::chrono::seconds(30));
    http::write(*impl_->stream, message, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> answer;
    if (!ec) http::read(*impl_->stream, buffer, answer, ec);
    if (!ec) {
      if (!answer.keep_alive()) {
        auto reopened = impl_->open();
        if (!reopened) return reopened.error();
      }
      return client_answer{static_cast<int>(answer.result_int()), std::move(answer.body())};
    }
    if (attempt == 1) return failure{method + " " + path + ": " + ec.message()};
    auto reopened = impl_->open();
    if (!reopened) return reopened.error();
  }
  return failure{method + " " + path + ": no answer"};
}

}  // namespace launchguard::server
