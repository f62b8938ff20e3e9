#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/util/failure.hpp"

struct redisContext;

namespace launchguard::server {

// Where Redis is: `redis://[:PASSWORD@]HOST[:PORT][/DB]`. A password in the URL is accepted,
// but --redis-password-file keeps it out of the process list and the pod spec.
struct redis_endpoint {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string password;
};
outcome<redis_endpoint> parse_redis_url(std::string_view url);

// A reply, copied out of hiredis's reply tree so the connection can go back to the pool at once.
struct redis_reply {
  enum class kind { nil, string, status, integer, array, error };
  kind type = kind::nil;
  std::string text;  // string, status and error replies
  long long integer = 0;
  std::vector<redis_reply> elements;

  bool is_error() const { return type == kind::error; }
  // The text of a string reply, or the decimal of an integer reply.
  std::string as_text() const { return type == kind::integer ? std::to_string(integer) : text; }
};

// A Lua script run by its SHA-1 (EVALSHA), and by its text when the server does not have it
// yet (after a restart or a failover): one round trip in the usual case.
class redis_script {
 public:
  explicit redis_script(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

// A small pool of blocking hiredis connections, each call bounded by a deadline. Calls come from
// threads that may wait (the store writer, the state pool), never from the Asio threads.
//
// When Redis cannot be reached, calls fail at once for a backoff period (100 ms, doubling to
// 5 s) instead of each waiting out its deadline; the first call after that tries to
// reconnect. `on_recovered` runs (on the calling thread) when a call succeeds after a failure,
// with how long Redis was unavailable.
class redis_client {
 public:
  struct settings {
    redis_endpoint endpoint;
    std::chrono::milliseconds deadline{250};
    std::size_t connections = 4;
  };
  using recovered_fn = std::function<void(std::chrono::milliseconds down_for, std::string cause)>;

  explicit redis_client(settings s);
  ~redis_client();
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;

  void on_recovered(recovered_fn callback) { recovered_ = std::move(callback); }

  // One command; an error reply is a value (is_error()), not a failure.
  outcome<redis_reply> command(const std::vector<std::string>& args);
  // Several commands written together and read together: one round trip.
  outcome<std::vector<redis_reply>> pipeline(const std::vector<std::vector<std::string>>& commands);
  // EVALSHA, falling back to EVAL on NOSCRIPT. An error reply from the script is a failure.
  outcome<redis_reply> eval(const redis_script& script, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args);

  // True while the last call reached Redis.
  bool available() const;
  const redis_endpoint& endpoint() const { return settings_.endpoint; }
  std::chrono::milliseconds deadline() const { return settings_.deadline; }

 private:
  outcome<redisContext*> acquire();
  void release(redisContext* context, bool broken, const std::string& why);
  outcome<redisContext*> connect();
  void note_success();

  settings settings_;
  recovered_fn recovered_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<redisContext*> idle_;
  std::size_t open_ = 0;  // connections made and not closed, idle or in use
  bool down_ = false;
  std::string down_cause_;
  std::chrono::steady_clock::time_point down_since_;
  std::chrono::steady_clock::time_point next_attempt_;
  std::chrono::milliseconds backoff_{0};
};

}  // namespace launchguard::server
