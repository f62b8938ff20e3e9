#include "server/alerts/alert_sink.hpp"

#include <cstdio>

namespace launchguard::server {

alert_sink::alert_sink(metrics_registry& metrics, std::FILE* out)
    : alerts_total_(metrics.counter("launchguard_alerts_total",
                                    "Alerts raised, by rule, severity and source.",
                                    {"rule", "severity", "source"})),
      out_(out),
      writer_([this] { write_loop(); }) {
  metrics.gauge("launchguard_alert_sink_queue_depth",
                "Alerts committed and waiting to be written to stdout.",
                [queued = queued_] { return static_cast<double>(queued->load()); });
}

alert_sink::~alert_sink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void alert_sink::publish(std::vector<alert> raised) {
  if (raised.empty()) return;
  std::vector<std::string> lines;
  lines.reserve(raised.size());
  for (auto& a : raised) {
    alerts_total_.add({to_string(a.rule), to_string(a.level), to_string(a.source)});
    lines.push_back(render_alert(a));
  }
  {
    std::lock_guard lock(mutex_);
    for (auto& line : lines)
      lines_.push_back(std::move(line));
    *queued_ += static_cast<std::int64_t>(lines.size());
  }
  wake_.notify_one();
}

void alert_sink::write_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !lines_.empty(); });
    std::deque<std::string> batch;
    batch.swap(lines_);
    bool done = stopping_;
    lock.unlock();
    for (const auto& line : batch) {
      std::fwrite(line.data(), 1, line.size(), out_);
      std::fputc('\n', out_);
    }
    std::fflush(out_);
    *queued_ -= static_cast<std::int64_t>(batch.size());
    lock.lock();
    if (done && lines_.empty()) return;
  }
}

}  // namespace launchguard::server
