#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace launchguard::server {

// The endpoints whose requests are counted; everything else counts as "other".
enum class endpoint : std::uint8_t { validate, audit, alerts, healthz, readyz, metrics, other };
inline constexpr std::size_t endpoint_count = 7;

const char* to_string(endpoint e);

// Request counts and latency by endpoint and status code, on the request path: fixed arrays
// of atomics, no lock and no allocation per request.
class http_metrics {
 public:
  void record(endpoint e, int status, std::uint64_t nanoseconds);
  void render(std::string& out) const;

 private:
  static constexpr std::array<int, 14> codes{200, 400, 401, 403, 404, 405, 408,
                                             413, 415, 429, 431, 500, 503, 0};  // 0: any other
  static constexpr std::array<double, 12> bounds{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                 0.005,   0.01,   0.025,   0.05,   0.1,   1.0};
  static std::size_t code_index(int status);

  struct per_endpoint {
    std::array<std::atomic<std::uint64_t>, codes.size()> requests{};
    std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets{};  // last: +Inf
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::array<per_endpoint, endpoint_count> endpoints_{};
};

// A counter with labels, for events that are rare next to requests (alerts, reload errors).
//
//   counter_vec alerts("launchguard_alerts_total", "Alerts raised.", {"rule", "severity"});
//   alerts.add({"pod-exec", "low"});
class counter_vec {
 public:
  counter_vec(std::string name, std::string help, std::vector<std::string> labels);

  void add(std::initializer_list<std::string_view> label_values, std::uint64_t amount = 1);
  std::uint64_t value(std::initializer_list<std::string_view> label_values) const;
  void render(std::string& out) const;

 private:
  std::string key_of(std::initializer_list<std::string_view> label_values) const;

  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> values_;  // key: rendered label set
};

// A latency histogram in seconds, lock-free to observe.
class histogram {
 public:
  histogram(std::string name, std::string help) : name_(std::move(name)), help_(std::move(help)) {}
  void observe(double seconds);
  void render(std::string& out) const;

 private:
  static constexpr std::array<double, 12> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                 0.01,   0.025,   0.05,   0.1,   0.25,   1.0};
  std::string name_;
  std::string help_;
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

// Everything /metrics shows: the HTTP metrics, labelled counters, and gauges read on demand.
class metrics_registry {
 public:
  http_metrics& http() { return http_; }

  // Creates (or returns) a counter family; the reference stays valid for the registry's life.
  counter_vec& counter(const std::string& name, const std::string& help,
                       std::vector<std::string> labels = {});

  // Creates (or returns) a histogram; the reference stays valid for the registry's life.
  class histogram& histogram(const std::string& name, const std::string& help);

  // A value read when /metrics is scraped.
  void gauge(std::string name, std::string help, std::function<double()> read);
  // A monotonic count kept elsewhere (by a listener, say), read when /metrics is scraped.
  void counter_fn(std::string name, std::string help, std::function<double()> read);

  std::string render() const;

 private:
  struct gauge_entry {
    std::string name;
    std::string help;
    std::function<double()> read;
    const char* type = "gauge";
  };
  http_metrics http_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<counter_vec>> counters_;
  std::map<std::string, std::unique_ptr<class histogram>> histograms_;
  std::vector<gauge_entry> gauges_;
};

}  // namespace launchguard::server
