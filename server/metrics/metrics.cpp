#include "server/metrics/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace launchguard::server {
namespace {

void append_number(std::string& out, double value) {
  char text[32];
  // Whole numbers exactly (counters past a billion, Unix timestamps), others to 9 digits.
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    std::snprintf(text, sizeof text, "%.0f", value);
  else
    std::snprintf(text, sizeof text, "%.9g", value);
  out += text;
}

// Prometheus label values escape backslash, double quote and newline.
void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

const char* to_string(endpoint e) {
  switch (e) {
    case endpoint::validate:
      return "validate";
    case endpoint::audit:
      return "audit";
    case endpoint::alerts:
      return "alerts";
    case endpoint::healthz:
      return "healthz";
    case endpoint::readyz:
      return "readyz";
    case endpoint::metrics:
      return "metrics";
    case endpoint::other:
      break;
  }
  return "other";
}

std::size_t http_metrics::code_index(int status) {
  for (std::size_t i = 0; i + 1 < codes.size(); ++i) {
    if (codes[i] == status) return i;
  }
  return codes.size() - 1;
}

void http_metrics::record(endpoint e, int status, std::uint64_t nanoseconds) {
  auto& slot = endpoints_[static_cast<std::size_t>(e)];
  slot.requests[code_index(status)].fetch_add(1, std::memory_order_relaxed);
  double seconds = static_cast<double>(nanoseconds) / 1e9;
  std::size_t bucket = 0;
  while (bucket < bounds.size() && seconds > bounds[bucket])
    ++bucket;
  slot.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  slot.sum_ns.fetch_add(nanoseconds, std::memory_order_relaxed);
}

void http_metrics::render(std::string& out) const {
  append_header(out, "launchguard_http_requests_total",
                "HTTP requests answered, by endpoint and status code.", "counter");
  for (std::size_t e = 0; e < endpoint_count; ++e) {
    for (std::size_t c = 0; c < codes.size(); ++c) {
      std::uint64_t n = endpoints_[e].requests[c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out.append("launchguard_http_requests_total{endpoint=\"")
          .append(to_string(static_cast<endpoint>(e)))
          .append("\",code=\"")
          .append(codes[c] == 0 ? "other" : std::to_string(codes[c]))
          .append("\"} ")
          .append(std::to_string(n))
          .append("\n");
    }
  }
  append_header(out, "launchguard_http_request_duration_seconds",
                "Time from a complete request to its answer, by endpoint.", "histogram");
  for (std::size_t e = 0; e < endpoint_count; ++e) {
    const auto& slot = endpoints_[e];
    std::string label = to_string(static_cast<endpoint>(e));
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= bounds.size(); ++b) {
      cumulative += slot.buckets[b].load(std::memory_order_relaxed);
    }
    if (cumulative == 0) continue;
    cumulative = 0;
    for (std::size_t b = 0; b <= bounds.size(); ++b) {
      cumulative += slot.buckets[b].load(std::memory_order_relaxed);
      out.append("launchguard_http_request_duration_seconds_bucket{endpoint=\"")
          .append(label)
          .append("\",le=\"");
      if (b == bounds.size()) {
        out.append("+Inf");
      } else {
        append_number(out, bounds[b]);
      }
      out.append("\"} ").append(std::to_string(cumulative)).append("\n");
    }
    out.append("launchguard_http_request_duration_seconds_sum{endpoint=\"")
        .append(label)
        .append("\"} ");
    append_number(out, static_cast<double>(slot.sum_ns.load(std::memory_order_relaxed)) / 1e9);
    out.append("\nlaunchguard_http_request_duration_seconds_count{endpoint=\"")
        .append(label)
        .append("\"} ")
        .append(std::to_string(cumulative))
        .append("\n");
  }
}

counter_vec::counter_vec(std::string name, std::string help, std::vector<std::string> labels)
    : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)) {}

std::string counter_vec::key_of(std::initializer_list<std::string_view> label_values) const {
  std::string key;
  std::size_t i = 0;
  for (std::string_view value : label_values) {
    if (i >= labels_.size()) break;
    if (i > 0) key.push_back(',');
    key.append(labels_[i]).append("=\"");
    append_label_value(key, value);
    key.push_back('"');
    ++i;
  }
  return key;
}

void counter_vec::add(std::initializer_list<std::string_view> label_values, std::uint64_t amount) {
  std::string key = key_of(label_values);
  std::lock_guard lock(mutex_);
  values_[key] += amount;
}

std::uint64_t counter_vec::value(std::initializer_list<std::string_view> label_values) const {
  std::string key = key_of(label_values);
  std::lock_guard lock(mutex_);
  auto found = values_.find(key);
  return found == values_.end() ? 0 : found->second;
}

void counter_vec::render(std::string& out) const {
  append_header(out, name_, help_, "counter");
  std::lock_guard lock(mutex_);
  if (values_.empty() && labels_.empty()) {
    out.append(name_).append(" 0\n");
    return;
  }
  for (const auto& [key, value] : values_) {
    out.append(name_);
    if (!key.empty()) out.append("{").append(key).append("}");
    out.append(" ").append(std::to_string(value)).append("\n");
  }
}

counter_vec& metrics_registry::counter(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  auto& slot = counters_[name];
  if (!slot) slot = std::make_unique<counter_vec>(name, help, std::move(labels));
  return *slot;
}

void histogram::observe(double seconds) {
  std::size_t bucket = 0;
  while (bucket < bounds.size() && seconds > bounds[bucket])
    ++bucket;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void histogram::render(std::string& out) const {
  append_header(out, name_, help_, "histogram");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b <= bounds.size(); ++b) {
    cumulative += buckets_[b].load(std::memory_order_relaxed);
    out.append(name_).append("_bucket{le=\"");
    if (b == bounds.size()) {
      out.append("+Inf");
    } else {
      append_number(out, bounds[b]);
    }
    out.append("\"} ").append(std::to_string(cumulative)).append("\n");
  }
  out.append(name_).append("_sum ");
  append_number(out, static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9);
  out.append("\n").append(name_).append("_count ").append(std::to_string(cumulative)).append("\n");
}

histogram& metrics_registry::histogram(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  auto& slot = histograms_[name];
  if (!slot) slot = std::make_unique<class histogram>(name, help);
  return *slot;
}

void metrics_registry::gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void metrics_registry::counter_fn(std::string name, std::string help,
                                  std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read), "counter"});
}

std::string metrics_registry::render() const {
  std::string out;
  out.reserve(8192);
  http_.render(out);
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : counters_)
    family->render(out);
  for (const auto& [name, family] : histograms_)
    family->render(out);
  for (const auto& entry : gauges_) {
    append_header(out, entry.name, entry.help, entry.type);
    out.append(entry.name).append(" ");
    append_number(out, entry.read());
    out.append("\n");
  }
  return out;
}

}  // namespace launchguard::server
