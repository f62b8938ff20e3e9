// The one translation unit that instantiates Beast's HTTP and TLS machinery: sessions and
// the accept loop. Everything else in the server depends on http_server.hpp and
// http_message.hpp only, which keeps the build fast.
#include "server/http/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include "server/http/parse_step.hpp"
#include "server/http/request_body.hpp"
#include "server/http/request_head.hpp"

namespace launchguard::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

// Each connection runs on its own strand of the io_context, named by its concrete type: the
// default any_io_executor wraps it in a type-erased executor that every handler copies,
// compares and destroys, a few percent of a request's CPU for nothing.
using strand_executor = net::strand<net::io_context::executor_type>;
using session_socket = net::basic_stream_socket<tcp, strand_executor>;
using session_stream = beast::basic_stream<tcp, strand_executor>;

// What the registry of open connections can ask of one.
class connection {
 public:
  virtual ~connection() = default;
  virtual void close_if_idle() = 0;  // thread-safe
  enum class wait : std::uint8_t { busy, first_request, next_request };
  // busy while a request is read or answered; otherwise waiting for the first request of a
  // new connection or the next one of a keep-alive connection.
  wait waiting() const { return waiting_.load(std::memory_order_relaxed); }

 protected:
  std::atomic<wait> waiting_{wait::busy};
};

}  // namespace

struct http_server::state : std::enable_shared_from_this<http_server::state> {
  state(net::io_context& io_context, request_handler& request_handler, tls_context_store* tls_store,
        session_limits session_limits)
      : io(io_context), handler(request_handler), tls(tls_store), limits(session_limits) {}

  net::io_context& io;
  request_handler& handler;
  tls_context_store* tls;
  session_limits limits;
  std::atomic<bool> draining{false};
  std::atomic<std::uint64_t> malformed{0}, too_large{0}, timed_out{0}, failed_handshakes{0};

  mutable std::mutex mutex;
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  struct entry {
    std::weak_ptr<connection> live;
    std::string client;  // the peer's address
  };
  std::unordered_map<std::uint64_t, entry> connections;
  std::unordered_map<std::string, std::size_t> per_client;
  std::uint64_t next_connection_id = 0;
  std::uint64_t rejected = 0;  // connections closed at once: a cap was reached
  std::uint64_t evicted = 0;   // idle connections closed to make room for a new one

  // Registers a connection from `client`; returns 0 when it must be refused. At the cap, an
  // idle keep-alive connection is closed to make room, so connections parked by one client
  // cannot lock out the API server; a small overshoot covers the closes in flight. One client
  // may hold at most max_connections_per_client.
  std::uint64_t add(std::weak_ptr<connection> live, const std::string& client) {
    // Connections looked at while evicting are released after the mutex: if one of them was
    // closing meanwhile, ours may be its last reference, and its destructor calls remove(),
    // which takes the mutex (releasing it under the lock deadlocked every I/O thread).
    std::vector<std::shared_ptr<connection>> looked_at;
    std::lock_guard lock(mutex);
    std::size_t& mine = per_client[client];
    bool over_client_cap = mine >= limits.max_connections_per_client;
    bool over_cap = connections.size() >= limits.max_connections &&
                    (connections.size() >= hard_cap() || !evict_one_idle(looked_at));
    if (over_client_cap || over_cap) {
      if (mine == 0) per_client.erase(client);
      ++rejected;
      return 0;
    }
    ++mine;
    std::uint64_t id = ++next_connection_id;
    connections.emplace(id, entry{std::move(live), client});
    return id;
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex);
    auto found = connections.find(id);
    if (found == connections.end()) return;
    auto client = per_client.find(found->second.client);
    if (client != per_client.end() && --client->second == 0) per_client.erase(client);
    connections.erase(found);
  }
  std::size_t open_connections() const {
    std::lock_guard lock(mutex);
    return connections.size();
  }
  std::size_t hard_cap() const { return limits.max_connections + limits.max_connections / 16 + 1; }
  // Under the mutex. Asks one idle connection to close, one that never sent a request if
  // there is one (a client that keeps its connections fresh and silent is the likelier
  // attacker; the API server's idle connections have served requests); false when none is.
  // Every connection it locks goes to `hold`, to be released by the caller after the mutex.
  bool evict_one_idle(std::vector<std::shared_ptr<connection>>& hold) {
    connection* kept_alive = nullptr;
    for (auto& [id, e] : connections) {
      auto live = e.live.lock();
      if (!live) continue;
      hold.push_back(std::move(live));
      connection& candidate = *hold.back();
      auto state = candidate.waiting();
      if (state == connection::wait::first_request) return evict(candidate);
      if (state == connection::wait::next_request && kept_alive == nullptr) kept_alive = &candidate;
    }
    return kept_alive != nullptr && evict(*kept_alive);
  }
  bool evict(connection& idle) {
    idle.close_if_idle();
    ++evicted;
    return true;
  }

  void accept(std::shared_ptr<tcp::acceptor> acceptor);
  void start_session(session_socket socket);
};

namespace {

std::string_view path_of(beast::string_view target) {
  std::string_view t(target.data(), target.size());
  return t.substr(0, t.find('?'));
}

bool expects_continue(const http::request_header<>& header) {
  auto expect = header[http::field::expect];
  return beast::iequals(expect, "100-continue");
}

// Reads requests and writes answers for one connection, one request at a time. `derived` is
// plain_session or tls_session, which own the stream and know how to close it.
template <class derived>
class session : public connection {
 public:
  explicit session(std::shared_ptr<http_server::state> owner) : owner_(std::move(owner)) {}

  ~session() override {
    if (id_ != 0) owner_->remove(id_);
  }

  // Called once the connection is registered (and, for TLS, the handshake is done).
  void start_reading() {
    if (owner_->draining) return self().close_now();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(owner_->limits.header_bytes));
    // The real limit depends on the path, known once the headers are in (on_header); until
    // then a large Content-Length must not fail the header read with a generic error.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    // Wait for the first byte under the idle deadline (the header deadline for a new
    // connection, which has not earned a long wait); the header deadline starts then.
    waiting_ = served_ == 0 ? wait::first_request : wait::next_request;
    tcp().expires_after(served_ == 0 ? owner_->limits.header : owner_->limits.idle);
    // At least 4 KiB, and all the room the buffer already has: a review that fits one TLS
    // record then arrives in one read, and the parser finds the whole request buffered.
    std::size_t room = std::max<std::size_t>(4096, buffer_.capacity() - buffer_.size());
    self().stream().async_read_some(
        buffer_.prepare(room), [self = shared()](beast::error_code ec, std::size_t bytes) {
          self->waiting_ = wait::busy;
          if (ec) return self->close_now();  // closed by the client, idle timeout or shut_down
          self->buffer_.commit(bytes);
          self->read_header();
        });
  }

  void close_if_idle() override {
    net::dispatch(tcp().get_executor(), [self = shared()] {
      if (self->waiting_ != wait::busy) self->tcp().cancel();
    });
  }

  void set_id(std::uint64_t id) { id_ = id; }

 protected:
  derived& self() { return static_cast<derived&>(*this); }
  std::shared_ptr<derived> shared() { return self().shared_from_this(); }
  session_stream& tcp() { return beast::get_lowest_layer(self().stream()); }

  std::shared_ptr<http_server::state> owner_;

 private:
  // parse_step over what is already buffered: true when that finished the current step or
  // found bytes that are not valid HTTP (`ec` says how), false when more must be read. Most
  // requests arrive in one read, so this spares them the async operations' hops through the
  // scheduler and a deadline timer each.
  bool parse_buffered(beast::error_code& ec) {
    auto buffered = buffer_.data();
    std::size_t used = parse_step(
        *parser_, std::string_view(static_cast<const char*>(buffered.data()), buffered.size()), ec);
    buffer_.consume(used);
    if (ec != http::error::need_more) return true;
    ec = {};
    return false;
  }

  void read_header() {
    beast::error_code ec;
    if (parse_buffered(ec)) return on_header(ec);
    tcp().expires_after(owner_->limits.header);
    http::async_read_header(
        self().stream(), buffer_, *parser_,
        [self = shared()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      ++owner_->too_large;
      return reply_and_close(error_response(
          431, "request headers exceed " + std::to_string(owner_->limits.header_bytes) + " bytes"));
    }
    if (ec == beast::error::timeout) ++owner_->timed_out;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted) {
      return self().close_now();
    }
    if (ec) {  // an HTTP parse error gets an answer; a transport error does not
      if (ec.category() == http::make_error_code(http::error::header_limit).category()) {
        ++owner_->malformed;
        return reply_and_close(error_response(400, "malformed HTTP request: " + ec.message()));
      }
      return self().close_now();
    }
    const auto& header = parser_->get();
    head_ = head_of(header);
    head_.client_certificate_verified = self().client_certificate_verified();
    if (head_.client_certificate_verified) head_.client_subject = self().client_subject();
    if (remote_address_.empty()) {  // once per connection: a system call
      beast::error_code ignored;
      auto peer = tcp().socket().remote_endpoint(ignored);
      if (!ignored) remote_address_ = peer.address().to_string();
    }
    head_.remote_address = remote_address_;
    // Authentication, method and the like are decided before the body is read.
    std::optional<http_response> refused;
    try {
      refused = owner_->handler.screen(head_);
    } catch (const std::exception& error) {
      refused = error_response(500, std::string("internal error: ") + error.what());
    }
    if (refused) return refuse(std::move(*refused));
    std::size_t limit = owner_->handler.body_limit(path_of(header.target()));
    if (auto length = parser_->content_length(); length && *length > limit) {
      ++owner_->too_large;
      return reply_and_close(error_response(413, body_limit_message(limit)));
    }
    body_limit_ = limit;
    parser_->body_limit(limit);
    if (expects_continue(header)) return send_continue();
    read_body();
  }

  // A request refused from its headers. A small body already on its way is read and dropped,
  // so the connection stays usable; a large or unannounced one is never read, and closing
  // with it unread is the point.
  void refuse(http_response answer) {
    constexpr std::uint64_t drained_at_most = 64 * 1024;
    auto length = parser_->content_length();
    bool small = !parser_->chunked() && (!length || *length <= drained_at_most);
    if (!small || expects_continue(parser_->get())) return reply_and_close(std::move(answer));
    refused_ = std::move(answer);
    parser_->body_limit(drained_at_most);
    read_body();
  }

  void send_continue() {
    continue_ = http::response<http::empty_body>(http::status::continue_, 11);
    tcp().expires_after(owner_->limits.write);
    http::async_write(self().stream(), continue_,
                      [self = shared()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close_now();
                        self->read_body();
                      });
  }

  void read_body() {
    beast::error_code ec;
    if (parse_buffered(ec)) return on_body(ec);
    tcp().expires_after(owner_->limits.body);
    http::async_read(self().stream(), buffer_, *parser_,
                     [self = shared()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      ++owner_->too_large;
      return reply_and_close(error_response(413, body_limit_message(body_limit_)));
    }
    if (ec == beast::error::timeout) ++owner_->timed_out;
    if (ec) return self().close_now();  // timeout, reset, or a broken chunked encoding

    bool keep_alive = parser_->get().keep_alive() && !owner_->draining;
    if (refused_) {
      http_response answer = std::move(*refused_);
      refused_.reset();
      return send(std::move(answer), keep_alive);
    }
    http_request request = std::move(head_);
    request.body = std::move(parser_->release().body());
    ++served_;
    // Room for the next request if it is as large as this one (its body and up to 2 KiB of
    // headers), so that it arrives in one read and parses without another hop (start_reading
    // reads into all the room there is). At most a TLS record's 16 KiB: a connection's buffer
    // costs only what its requests needed.
    constexpr std::size_t header_allowance = 2 * 1024, tls_record = 16 * 1024;
    std::size_t next_room = std::min(request.body.size() + header_allowance, tls_record);
    if (buffer_.capacity() < next_room) buffer_.reserve(next_room);
    // The answer may come from another thread (a store commit): back onto this strand.
    respond_fn respond = [self = shared(), keep_alive](http_response answer) {
      auto executor = self->tcp().get_executor();
      net::dispatch(executor,
                    [self = std::move(self), keep_alive, answer = std::move(answer)]() mutable {
                      self->send(std::move(answer), keep_alive);
                    });
    };
    try {
      owner_->handler.handle(std::move(request), respond);
    } catch (const std::exception& error) {
      respond(error_response(500, std::string("internal error: ") + error.what()));
    }
  }

  static std::string body_limit_message(std::size_t limit) {
    return "request body exceeds the limit of " + std::to_string(limit) + " bytes for this path";
  }

  void reply_and_close(http_response answer) { send(std::move(answer), false); }

  void send(http_response answer, bool keep_alive) {
    write_response(answer, keep_alive, wire_);  // wire_ keeps its capacity between answers
    tcp().expires_after(owner_->limits.write);
    net::async_write(self().stream(), net::buffer(wire_),
                     [self = shared(), keep_alive](beast::error_code ec, std::size_t) {
                       if (ec) return self->close_now();
                       if (!keep_alive) return self->close_gracefully();
                       self->start_reading();
                     });
  }

  std::uint64_t id_ = 0;
  std::string remote_address_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<request_body>> parser_;
  std::string wire_;  // the answer being sent, as bytes
  http::response<http::empty_body> continue_;
  std::size_t body_limit_ = 0;
  std::uint64_t served_ = 0;              // requests read on this connection
  http_request head_;                     // the request being read, until its body is in
  std::optional<http_response> refused_;  // its answer, when screen() refused it
};

class plain_session : public session<plain_session>,
                      public std::enable_shared_from_this<plain_session> {
 public:
  plain_session(session_socket&& socket, std::shared_ptr<http_server::state> owner)
      : session(std::move(owner)), stream_(std::move(socket)) {}

  using std::enable_shared_from_this<plain_session>::shared_from_this;

  void run() { start_reading(); }
  session_stream& stream() { return stream_; }
  bool client_certificate_verified() const { return false; }
  std::string client_subject() const { return {}; }

  void close_gracefully() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::socket_base::shutdown_send, ignored);
  }
  void close_now() { close_gracefully(); }

 private:
  session_stream stream_;
};

class tls_session : public session<tls_session>, public std::enable_shared_from_this<tls_session> {
 public:
  tls_session(session_socket&& socket, std::shared_ptr<http_server::state> owner,
              std::shared_ptr<ssl::context> context)
      : session(std::move(owner)),
        context_(std::move(context)),
        stream_(std::move(socket), *context_) {
    // Asio asks OpenSSL to free a connection's 16 KiB read and write buffers whenever they
    // empty, so every request allocated and freed both again (and each large allocation
    // made glibc consolidate its free lists). A webhook has a few busy keep-alive
    // connections, and they keep their buffers (about 34 KiB each). A connection opened
    // while many are open releases them as Asio intends: this one is registered after the
    // count, so at most `buffers_kept` connections hold them, whoever opens thousands.
    constexpr std::size_t buffers_kept = 256;  // about 9 MiB at most
    if (owner_->open_connections() < buffers_kept)
      SSL_clear_mode(stream_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  }

  using std::enable_shared_from_this<tls_session>::shared_from_this;

  void run() {
    beast::get_lowest_layer(stream_).expires_after(owner_->limits.handshake);
    stream_.async_handshake(ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (ec) {  // a failed handshake has nobody to answer
                                ++self->owner_->failed_handshakes;
                                return self->close_now();
                              }
                              self->start_reading();
                            });
  }

  beast::ssl_stream<session_stream>& stream() { return stream_; }

  bool client_certificate_verified() {
    SSL* native = stream_.native_handle();
    return SSL_get0_peer_certificate(native) != nullptr &&
           SSL_get_verify_result(native) == X509_V_OK;
  }

  std::string client_subject() {
    X509* peer = SSL_get0_peer_certificate(stream_.native_handle());
    if (peer == nullptr) return {};
    char text[512];
    X509_NAME_oneline(X509_get_subject_name(peer), text, sizeof text);
    return text;
  }

  // Sends close_notify so the client knows the answer was complete, under a short deadline.
  void close_gracefully() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->close_now(); });
  }
  void close_now() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(net::socket_base::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
  }

 private:
  std::shared_ptr<ssl::context> context_;  // kept alive: a reload may replace the store's
  beast::ssl_stream<session_stream> stream_;
};

template <class session_type>
void register_and_run(const std::shared_ptr<session_type>& created, http_server::state& owner,
                      const std::string& client) {
  std::uint64_t id = owner.add(created, client);
  if (id == 0) return created->close_now();  // over the connection cap
  created->set_id(id);
  created->run();
}

}  // namespace

void http_server::state::start_session(session_socket socket) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto peer = socket.remote_endpoint(ignored);
  std::string client = ignored ? std::string() : peer.address().to_string();
  if (tls != nullptr) {
    register_and_run(
        std::make_shared<tls_session>(std::move(socket), shared_from_this(), tls->current()), *this,
        client);
  } else {
    register_and_run(std::make_shared<plain_session>(std::move(socket), shared_from_this()), *this,
                     client);
  }
}

void http_server::state::accept(std::shared_ptr<tcp::acceptor> acceptor) {
  acceptor->async_accept(net::make_strand(io), [self = shared_from_this(), acceptor](
                                                   beast::error_code ec, session_socket socket) {
    if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
    if (!ec) {
      self->start_session(std::move(socket));
      return self->accept(acceptor);
    }
    // Out of file descriptors or similar: back off instead of spinning.
    auto timer = std::make_shared<net::steady_timer>(acceptor->get_executor(),
                                                     std::chrono::milliseconds(50));
    timer->async_wait([self, acceptor, timer](beast::error_code) { self->accept(acceptor); });
  });
}

http_server::http_server(net::io_context& io, request_handler& handler, tls_context_store* tls,
                         session_limits limits)
    : state_(std::make_shared<state>(io, handler, tls, limits)) {}

http_server::~http_server() {
  shut_down();
}

outcome<std::string> http_server::listen(std::string_view address) {
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return failure{"listen address \"" + std::string(address) + "\": expected ADDRESS:PORT"};
  }
  std::string host(address.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string port_text(address.substr(colon + 1));
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size() || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    return failure{"listen address \"" + std::string(address) +
                   "\": port must be a number from 0 to 65535"};
  }
  beast::error_code ec;
  auto ip = net::ip::make_address(host, ec);
  if (ec)
    return failure{"listen address \"" + std::string(address) + "\": \"" + host +
                   "\" is not an IP address"};

  auto acceptor = std::make_shared<tcp::acceptor>(net::make_strand(state_->io));
  tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  auto fail = [&](const char* step) {
    return failure{"listen " + std::string(address) + ": " + step + ": " + ec.message()};
  };
  acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("set_option");
  acceptor->bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  auto bound = acceptor->local_endpoint(ec);
  if (ec) return fail("local_endpoint");
  {
    std::lock_guard lock(state_->mutex);
    state_->acceptors.push_back(acceptor);
  }
  state_->accept(acceptor);
  std::string shown = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                              : bound.address().to_string();
  return outcome<std::string>(boost::system::in_place_value,
                              shown + ":" + std::to_string(bound.port()));
}

void http_server::shut_down() {
  state_->draining = true;
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::vector<std::shared_ptr<connection>> open;
  {
    std::lock_guard lock(state_->mutex);
    acceptors.swap(state_->acceptors);
    for (auto& [id, entry] : state_->connections) {
      if (auto live = entry.live.lock()) open.push_back(std::move(live));
    }
  }
  for (auto& acceptor : acceptors) {
    net::post(acceptor->get_executor(), [acceptor] {
      beast::error_code ignored;
      acceptor->close(ignored);
    });
  }
  for (auto& live : open)
    live->close_if_idle();
}

std::size_t http_server::open_connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->connections.size();
}

std::uint64_t http_server::rejected_connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->rejected;
}

http_server::refusals http_server::refused() const {
  return {state_->malformed.load(), state_->too_large.load(), state_->timed_out.load(),
          state_->failed_handshakes.load()};
}

std::uint64_t http_server::evicted_connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->evicted;
}

}  // namespace launchguard::server
