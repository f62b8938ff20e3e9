#include "server/store/store_writer.hpp"

#include "server/util/log.hpp"

namespace launchguard::server {
namespace {

const logger log{"store"};
constexpr auto prune_period = std::chrono::minutes(1);
constexpr auto tick_period = std::chrono::seconds(1);

}  // namespace

store_writer::store_writer(alert_store& store, metrics_registry& metrics,
                           std::function<settings()> current_settings, std::function<void()> tick)
    : store_(store),
      settings_(std::move(current_settings)),
      errors_(metrics.counter("launchguard_store_errors_total",
                              "State store operations that failed.", {"operation"})),
      commit_seconds_(metrics.histogram("launchguard_store_commit_seconds",
                                        "Time to commit a batch of alerts durably.")),
      tick_(std::move(tick)),
      next_prune_(std::chrono::steady_clock::now()),
      next_tick_(std::chrono::steady_clock::now() + tick_period),
      thread_([this] { run(); }) {
  metrics.gauge("launchguard_store_queue_depth",
                "Batches of alerts waiting for their commit to the state store.",
                [queued = queued_] { return static_cast<double>(queued->load()); });
}

store_writer::~store_writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void store_writer::submit(std::vector<input_alerts> batch, done_fn done) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back({std::move(batch), std::move(done)});
    ++*queued_;
  }
  wake_.notify_one();
}

void store_writer::prune_if_due() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_prune_) return;
  next_prune_ = now + prune_period;
  settings s = settings_();
  auto removed = store_.prune(now_unix_ms(), s.retention, s.max_alerts);
  if (!removed) {
    errors_.add({"prune"});
    log.error("pruning the state store failed", {{log_key::error, removed.error().message}});
  } else if (*removed > 0) {
    log.info("pruned old alerts", {{"removed", std::to_string(*removed)}});
  }
}

void store_writer::tick_if_due() {
  auto now = std::chrono::steady_clock::now();
  if (!tick_ || now < next_tick_) return;
  next_tick_ = now + tick_period;
  tick_();
}

void store_writer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, tick_period, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) {
      bool stop = stopping_;  // read under the lock
      lock.unlock();
      if (stop) {
        if (tick_) tick_();  // the last write-behind before the process ends
        return;
      }
      prune_if_due();
      tick_if_due();
      lock.lock();
      continue;
    }
    job next = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();

    auto start = std::chrono::steady_clock::now();
    auto result = store_.commit(std::move(next.batch), settings_().dedup_window);
    commit_seconds_.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!result) {
      errors_.add({"commit"});
      log.error("committing alerts failed", {{log_key::error, result.error().message}});
    }
    --*queued_;  // before the answer, which may prompt a scrape
    next.done(std::move(result));
    prune_if_due();
    tick_if_due();
    lock.lock();
  }
}

}  // namespace launchguard::server
