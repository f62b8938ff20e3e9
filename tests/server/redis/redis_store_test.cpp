// The Redis backend against a real redis-server on a free loopback port, held to the
// embedded backend's behaviour: the same operations, the same answers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <random>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "policy/track/memory_tracker_store.hpp"
#include "server/redis/redis_alert_store.hpp"
#include "server/redis/redis_client.hpp"
#include "server/redis/redis_tracker_store.hpp"
#include "server/store/sqlite_store.hpp"

namespace launchguard::server {
namespace {

using namespace std::chrono_literals;

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// redis-server on loopback, without persistence, optionally with a password; stopped at the
// end of the test.
class redis_process {
 public:
  explicit redis_process(std::string password = {}, unsigned short port = 0)
      : port_(port != 0 ? port : free_port()) {
    std::vector<std::string> args = {"/usr/bin/redis-server",
                                     "--port",
                                     std::to_string(port_),
                                     "--bind",
                                     "127.0.0.1",
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--loglevel",
                                     "warning"};
    if (!password.empty()) {
      args.push_back("--requirepass");
      args.push_back(password);
    }
    std::vector<char*> argv;
    for (auto& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    // Ready once it accepts a connection.
    for (int i = 0; i < 500; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port_);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
      ::close(fd);
      if (up) return;
      std::this_thread::sleep_for(10ms);
    }
    throw std::runtime_error("redis-server did not start (scripts/install-deps installs it)");
  }
  ~redis_process() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  unsigned short port() const { return port_; }

 private:
  unsigned short port_;
  pid_t pid_ = -1;
};

redis_client::settings settings_for(const redis_process& redis, std::string password = {}) {
  redis_client::settings s;
  s.endpoint.host = "127.0.0.1";
  s.endpoint.port = redis.port();
  s.endpoint.password = std::move(password);
  s.deadline = 500ms;
  return s;
}

TEST(redis_url, parses_host_port_database_and_password) {
  auto plain = parse_redis_url("redis://redis.launchguard.svc:6380/2");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->host, "redis.launchguard.svc");
  EXPECT_EQ(plain->port, 6380);
  EXPECT_EQ(plain->db, 2);
  auto defaults = parse_redis_url("redis://10.0.0.5");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->port, 6379);
  EXPECT_EQ(defaults->db, 0);
  auto secret = parse_redis_url("redis://:s3cret@[::1]:6379");
  ASSERT_TRUE(secret) << secret.error().message;
  EXPECT_EQ(secret->host, "::1");
  EXPECT_EQ(secret->password, "s3cret");
}

TEST(redis_url, names_the_problem) {
  for (const char* bad : {"http://redis:6379", "redis://", "redis://host:notaport",
                          "redis://host:70000", "redis://host:6379/x"}) {
    auto parsed = parse_redis_url(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message.find("--redis-url"), std::string::npos);
  }
  auto tls = parse_redis_url("rediss://host:6379");
  ASSERT_FALSE(tls);
  EXPECT_NE(tls.error().message.find("TLS"), std::string::npos);
}

TEST(redis_client, authenticates_and_reports_a_wrong_password) {
  redis_process redis("letmein");
  redis_client good(settings_for(redis, "letmein"));
  auto pong = good.command({"PING"});
  ASSERT_TRUE(pong) << pong.error().message;
  EXPECT_EQ(pong->text, "PONG");
  redis_client bad(settings_for(redis, "wrong"));
  auto refused = bad.command({"PING"});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("AUTH"), std::string::npos) << refused.error().message;
}

TEST(redis_client, fails_fast_while_down_and_says_when_it_is_back) {
  auto redis = std::make_unique<redis_process>();
  redis_client::settings s = settings_for(*redis);
  unsigned short port = redis->port();
  redis_client client(s);
  std::chrono::milliseconds outage{0};
  client.on_recovered([&](std::chrono::milliseconds down_for, std::string) { outage = down_for; });
  ASSERT_TRUE(client.command({"PING"}));
  redis.reset();
  EXPECT_FALSE(client.command({"PING"}));
  EXPECT_FALSE(client.available());
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(client.command({"PING"}));  // within the backoff: no connection attempt
  EXPECT_LT(std::chrono::steady_clock::now() - start, 50ms);
  redis = std::make_unique<redis_process>("", port);
  std::this_thread::sleep_for(250ms);  // past the backoff
  auto pong = client.command({"PING"});
  ASSERT_TRUE(pong) << pong.error().message;
  EXPECT_TRUE(client.available());
  EXPECT_GE(outage, 250ms);
}

TEST(redis_tracker_store, counts_exactly_as_the_embedded_store) {
  redis_process redis;
  redis_client client(settings_for(redis));
  redis_tracker_store shared(client);
  memory_tracker_store embedded(1000);
  std::mt19937 random(7);
  std::int64_t bucket = 1'000'000;
  for (int step = 0; step < 300; ++step) {
    bucket += static_cast<std::int64_t>(random() % 3);  // some sub-windows close, some stay
    if (step == 150) bucket += 40;                      // a long quiet
    std::string key = "rate:principal:user-" + std::to_string(random() % 4);
    double amount = 1 + static_cast<double>(random() % 3);
    rate_observation a = embedded.add_rate(key, bucket, amount, 3);
    rate_observation b = shared.add_rate(key, bucket, amount, 3);
    ASSERT_NEAR(a.window_total, b.window_total, 1e-3) << "step " << step;
    ASSERT_NEAR(a.baseline, b.baseline, 1e-3 * (1 + a.baseline)) << "step " << step;
    ASSERT_EQ(a.learned, b.learned) << "step " << step;
  }
}

TEST(redis_tracker_store, set_if_absent_find_and_put_follow_the_callers_clock) {
  redis_process redis;
  redis_client client(settings_for(redis));
  redis_tracker_store store(client);
  EXPECT_TRUE(store.add_if_absent("image:x", "first", 1000, 0));
  EXPECT_FALSE(store.add_if_absent("image:x", "second", 2000, 0));
  EXPECT_EQ(store.find("image:x", 5000), "first");
  // An expiring value is live until its time, by the caller's clock (audit events' times).
  std::int64_t now = 1'700'000'000'000;
  EXPECT_TRUE(store.add_if_absent("claim:a", "origin-1", now, now + 60'000));
  EXPECT_FALSE(store.add_if_absent("claim:a", "origin-2", now + 59'999, now + 120'000));
  EXPECT_TRUE(store.add_if_absent("claim:a", "origin-3", now + 60'000, now + 120'000));
  EXPECT_EQ(store.find("claim:a", now + 60'001), "origin-3");
  store.put("owner:deploy/web", "alice", 0);
  store.put("owner:deploy/web", "bob|with|bars", 0);
  EXPECT_EQ(store.find("owner:deploy/web", now), "bob|with|bars");
  EXPECT_EQ(store.find("missing", now), std::nullopt);
}

TEST(redis_tracker_store, throws_tracker_unavailable_when_redis_is_gone) {
  auto redis = std::make_unique<redis_process>();
  redis_client client(settings_for(*redis));
  redis_tracker_store store(client);
  store.put("k", "v", 0);
  redis.reset();
  EXPECT_THROW(store.add_rate("rate:x", 1, 1, 1), tracker_unavailable);
  EXPECT_THROW(store.find("k", 0), tracker_unavailable);
}

alert make_alert(rule_id rule, const std::string& ns, std::int64_t time_ms,
                 const std::string& once = {}) {
  alert a;
  a.rule = rule;
  a.level = severity::high;
  a.time_ms = a.last_seen_ms = time_ms;
  a.namespace_name = ns;
  a.message = "in " + ns;
  a.once_key = once;
  return a;
}

// The same batches through both stores: the same ids, folds, repeats and pages.
TEST(redis_alert_store, commits_and_pages_as_the_embedded_store) {
  redis_process redis;
  redis_client client(settings_for(redis));
  redis_alert_store shared(client);
  auto opened = sqlite_store::open_in_memory();
  ASSERT_TRUE(opened);
  sqlite_store& embedded = **opened;

  auto batches = [] {
    std::vector<std::vector<input_alerts>> out;
    out.push_back({{"audit-1/ResponseComplete",
                    {make_alert(rule_id::pod_exec, "shop", 1'000'000),
                     make_alert(rule_id::pss_privileged, "shop", 1'000'000)}},
                   {"", {make_alert(rule_id::pod_exec, "shop", 1'000'500)}}});  // folds
    out.push_back({{"audit-1/ResponseComplete",
                    {make_alert(rule_id::pod_exec, "shop", 1'000'000)}}});  // a retry
    out.push_back({{"audit-2/ResponseComplete",
                    {make_alert(rule_id::pod_exec, "bank", 1'001'000, "exec/audit-2"),
                     make_alert(rule_id::image_denied, "bank", 1'001'000)}},
                   {"audit-2/ResponseStarted",
                    {make_alert(rule_id::pod_exec, "bank", 1'001'000, "exec/audit-2")}}});
    return out;
  };
  auto a_batches = batches();
  auto b_batches = batches();
  for (std::size_t i = 0; i < a_batches.size(); ++i) {
    auto a = embedded.commit(std::move(a_batches[i]), duration_ms{600'000});
    auto b = shared.commit(std::move(b_batches[i]), duration_ms{600'000});
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    ASSERT_EQ(a->raised.size(), b->raised.size()) << "batch " << i;
    for (std::size_t k = 0; k < a->raised.size(); ++k)
      EXPECT_EQ(a->raised[k].id, b->raised[k].id);
    EXPECT_EQ(a->folded, b->folded) << "batch " << i;
    EXPECT_EQ(a->repeated_inputs, b->repeated_inputs) << "batch " << i;
  }
  std::vector<alert_query> queries(4);
  queries[1].since = 1;
  queries[1].limit = 2;
  queries[2].at_least = severity::high;
  queries[3].rule = rule_id::pod_exec;
  for (const alert_query& q : queries) {
    auto a = embedded.query(q);
    auto b = shared.query(q);
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->size(), b->size());
    for (std::size_t k = 0; k < a->size(); ++k) {
      EXPECT_EQ((*a)[k].id, (*b)[k].id);
      EXPECT_EQ((*a)[k].json, (*b)[k].json);
    }
  }
}

TEST(redis_alert_store, a_commit_fails_when_redis_is_gone) {
  auto redis = std::make_unique<redis_process>();
  redis_client client(settings_for(*redis));
  redis_alert_store store(client);
  redis.reset();
  std::vector<input_alerts> batch;
  batch.push_back({"audit-9/ResponseComplete", {make_alert(rule_id::pod_exec, "shop", 1)}});
  auto committed = store.commit(std::move(batch), duration_ms{0});
  ASSERT_FALSE(committed);
  EXPECT_NE(committed.error().message.find("redis"), std::string::npos);
}

}  // namespace
}  // namespace launchguard::server
