#include "server/redis/redis_client.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include "server/util/log.hpp"

namespace launchguard::server {
namespace {

const logger log{"redis"};

constexpr std::chrono::milliseconds first_backoff{100};
constexpr std::chrono::milliseconds max_backoff{5000};

timeval timeval_of(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

redis_reply copy_reply(const redisReply* r) {
  redis_reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = redis_reply::kind::string;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = redis_reply::kind::status;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = redis_reply::kind::error;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = redis_reply::kind::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = redis_reply::kind::array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i)
        out.elements.push_back(copy_reply(r->element[i]));
      break;
    default:
      out.type = redis_reply::kind::nil;
  }
  return out;
}

void append(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisAppendCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data());
}

// Reads one reply; a failure when the connection broke or the deadline passed.
outcome<redis_reply> read_reply(redisContext* context) {
  void* raw = nullptr;
  if (redisGetReply(context, &raw) != REDIS_OK || raw == nullptr) {
    std::string why = context->errstr[0] != '\0' ? context->errstr : "no reply";
    if (context->err == REDIS_ERR_IO && why.find("temporarily unavailable") != std::string::npos)
      why = "no answer within the deadline";
    return failure{why};
  }
  redis_reply reply = copy_reply(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return reply;
}

std::string hex_sha1(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr);
  std::string out;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    out += byte;
  }
  return out;
}

bool parse_int(std::string_view text, int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

outcome<redis_endpoint> parse_redis_url(std::string_view url) {
  constexpr std::string_view scheme = "redis://";
  auto bad = [&](const std::string& why) {
    return failure{"--redis-url " + std::string(url) + ": " + why +
                   " (expected redis://HOST:PORT[/DB])"};
  };
  if (url.substr(0, scheme.size()) != scheme) {
    if (url.substr(0, 9) == "rediss://")
      return bad(
          "TLS to Redis is not supported by Debian's hiredis; use a private network or a "
          "TLS tunnel");
    return bad("not a redis:// URL");
  }
  std::string_view rest = url.substr(scheme.size());
  redis_endpoint out;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = rest.substr(0, at);
    auto colon = credentials.find(':');
    out.password =
        std::string(colon == std::string_view::npos ? credentials : credentials.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_int(db, out.db) || out.db < 0))
      return bad("the database must be a number");
    rest = rest.substr(0, slash);
  }
  std::string_view host = rest;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:6379
    auto close = rest.find(']');
    if (close == std::string_view::npos) return bad("unterminated [IPv6 address]");
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return bad("unexpected text after the address");
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    rest = rest.substr(colon);
  } else {
    rest = {};
  }
  if (!rest.empty()) {
    if (!parse_int(rest.substr(1), out.port) || out.port < 1 || out.port > 65535)
      return bad("the port must be a number from 1 to 65535");
  }
  if (host.empty()) return bad("no host");
  out.host = std::string(host);
  return out;
}

redis_script::redis_script(std::string source)
    : source_(std::move(source)), sha1_(hex_sha1(source_)) {}

redis_client::redis_client(settings s) : settings_(std::move(s)) {
  settings_.connections = std::max<std::size_t>(1, settings_.connections);
}

redis_client::~redis_client() {
  std::lock_guard lock(mutex_);
  for (redisContext* context : idle_)
    redisFree(context);
}

bool redis_client::available() const {
  std::lock_guard lock(mutex_);
  return !down_;
}

outcome<redisContext*> redis_client::connect() {
  const redis_endpoint& where = settings_.endpoint;
  redisContext* context =
      redisConnectWithTimeout(where.host.c_str(), where.port, timeval_of(settings_.deadline));
  if (context == nullptr) return failure{"cannot allocate a Redis connection"};
  auto fail = [&](const std::string& why) -> outcome<redisContext*> {
    redisFree(context);
    return failure{"redis " + where.host + ":" + std::to_string(where.port) + ": " + why};
  };
  if (context->err != 0) return fail(context->errstr);
  redisSetTimeout(context, timeval_of(settings_.deadline));
  std::vector<std::vector<std::string>> setup;
  if (!where.password.empty()) setup.push_back({"AUTH", where.password});
  if (where.db != 0) setup.push_back({"SELECT", std::to_string(where.db)});
  for (const auto& args : setup) {
    append(context, args);
    auto reply = read_reply(context);
    if (!reply) return fail(reply.error().message);
    if (reply->is_error()) return fail(args.front() + " refused: " + reply->text);
  }
  return context;
}

outcome<redisContext*> redis_client::acquire() {
  std::unique_lock lock(mutex_);
  auto until = std::chrono::steady_clock::now() + settings_.deadline;
  while (true) {
    if (!idle_.empty()) {
      redisContext* context = idle_.back();
      idle_.pop_back();
      return context;
    }
    if (open_ < settings_.connections) break;
    if (returned_.wait_until(lock, until) == std::cv_status::timeout && idle_.empty())
      return failure{"redis: every connection is busy past the deadline"};
  }
  auto now = std::chrono::steady_clock::now();
  if (down_ && now < next_attempt_) {
    return failure{
        "redis unavailable (" + down_cause_ + "); next attempt in " +
        std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt_ - now).count()) +
        " ms"};
  }
  ++open_;
  lock.unlock();
  auto made = connect();
  if (!made) {
    lock.lock();
    --open_;
    lock.unlock();
    release(nullptr, true, made.error().message);
  }
  return made;
}

void redis_client::release(redisContext* context, bool broken, const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    if (!broken) {
      idle_.push_back(context);
    } else {
      if (context != nullptr) {
        redisFree(context);
        --open_;
      }
      auto now = std::chrono::steady_clock::now();
      if (!down_) {
        down_ = true;
        down_since_ = now;
        backoff_ = first_backoff;
        log.error(
            "redis unavailable; stateful rules are skipped and audit batches refused until "
            "it answers again",
            {{log_key::error, why}});
      } else {
        backoff_ = std::min(max_backoff, backoff_ * 2);
      }
      down_cause_ = why;
      next_attempt_ = now + backoff_;
      // Idle connections are as likely broken: close them, so the next call reconnects.
      for (redisContext* stale : idle_)
        redisFree(stale);
      open_ -= idle_.size();
      idle_.clear();
    }
  }
  returned_.notify_one();
}

void redis_client::note_success() {
  std::chrono::milliseconds down_for{0};
  std::string cause;
  {
    std::lock_guard lock(mutex_);
    if (!down_) return;
    down_ = false;
    down_for = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - down_since_);
    cause = std::move(down_cause_);
  }
  log.info("redis available again", {{"unavailableMs", std::to_string(down_for.count())}});
  if (recovered_) recovered_(down_for, std::move(cause));
}

outcome<std::vector<redis_reply>> redis_client::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  auto context = acquire();
  if (!context) return context.error();
  for (const auto& args : commands)
    append(*context, args);
  std::vector<redis_reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto reply = read_reply(*context);
    if (!reply) {
      std::string why = "redis " + settings_.endpoint.host + ":" +
                        std::to_string(settings_.endpoint.port) + ": " + reply.error().message;
      release(*context, true, why);
      return failure{why};
    }
    replies.push_back(std::move(*reply));
  }
  release(*context, false, {});
  note_success();
  return replies;
}

outcome<redis_reply> redis_client::command(const std::vector<std::string>& args) {
  auto replies = pipeline({args});
  if (!replies) return replies.error();
  return std::move(replies->front());
}

outcome<redis_reply> redis_client::eval(const redis_script& script,
                                        const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args) {
  std::vector<std::string> call;
  call.reserve(3 + keys.size() + args.size());
  call.push_back("EVALSHA");
  call.push_back(script.sha1());
  call.push_back(std::to_string(keys.size()));
  call.insert(call.end(), keys.begin(), keys.end());
  call.insert(call.end(), args.begin(), args.end());
  auto reply = command(call);
  if (reply && reply->is_error() && reply->text.rfind("NOSCRIPT", 0) == 0) {
    call[0] = "EVAL";
    call[1] = script.source();
    reply = command(call);
  }
  if (!reply) return reply.error();
  if (reply->is_error()) return failure{"redis script failed: " + reply->text};
  return reply;
}

}  // namespace launchguard::server
