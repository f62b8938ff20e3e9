#include "server/cli/scan_command.hpp"

#include <array>
#include <cstring>
#include <iostream>
#include <unistd.h>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "policy/audit/audit_request.hpp"
#include "policy/decode/json_decoder.hpp"
#include "policy/engine/audit.hpp"
#include "policy/track/key_hash.hpp"
#include "server/app/policy_store.hpp"
#include "server/store/sqlite_store.hpp"

namespace launchguard::server {
namespace {

constexpr std::size_t chunk_size = 1 << 20;

// The detections and the store one scan feeds, across all its inputs.
class scanner {
 public:
  // `secret` keys the hashes of the events already fed: audit IDs come from clients (the
  // Audit-ID header), so nobody must be able to name an event that collides with another.
  scanner(std::shared_ptr<const policy> rules, sqlite_store& store, self_identity self,
          std::array<std::uint64_t, 2> secret)
      : rules_(std::move(rules)),
        store_(store),
        trackers_(static_cast<std::size_t>(rules_->tracked_keys)),
        memory_(static_cast<std::size_t>(rules_->tracked_keys), &trackers_),
        self_(std::move(self)),
        hash_(secret) {}

  // Runs the detections over decoded events; their alerts wait for commit(). An event seen
  // before (the same auditID and stage: a log read twice, or two backends' logs together)
  // is counted once and not observed again.
  void observe(const std::vector<audit_event>& events) {
    for (const auto& e : events) {
      ++events_;
      if (!e.audit_id.empty() && !seen_.insert(hash_(origin_of(e))).second) {
        ++repeated_;
        continue;
      }
      std::vector<alert> raised = launchguard::observe(*rules_, e, memory_, self_);
      if (!raised.empty()) pending_.push_back({std::string(), std::move(raised)});
    }
  }

  // Stores the alerts observed since the last commit. False on a store error.
  bool commit() {
    if (pending_.empty()) return true;
    auto committed = store_.commit(std::move(pending_), rules_->dedup_window);
    pending_.clear();
    if (!committed) std::cerr << "launchguard: " << committed.error().message << "\n";
    return committed.has_value();
  }

  bool feed(const std::vector<audit_event>& events) {
    observe(events);
    return commit();
  }

  std::size_t events() const { return events_; }
  std::size_t repeated() const { return repeated_; }

 private:
  std::shared_ptr<const policy> rules_;
  sqlite_store& store_;
  memory_tracker_store trackers_;
  audit_memory memory_;
  self_identity self_;
  // Events already fed, by a keyed hash of "auditID/stage": 8 bytes an event instead of a
  // row in the store (an insert cost more than decoding the event).
  key_hasher hash_;
  std::unordered_set<std::uint64_t> seen_;
  std::vector<input_alerts> pending_;  // observed, not yet committed
  std::size_t events_ = 0;
  std::size_t repeated_ = 0;
};

void report(const std::string& input, std::size_t line, const decode_error& error) {
  std::cerr << input << ":" << line << ": skipped: " << error.message << "\n";
}

// memchr finds a newline many bytes at a time; std::count looks at each byte.
std::size_t count_lines(std::string_view text) {
  std::size_t lines = 0;
  const char* at = text.data();
  const char* end = at + text.size();
  while ((at = static_cast<const char*>(
              std::memchr(at, '\n', static_cast<std::size_t>(end - at)))) != nullptr) {
    ++lines;
    ++at;
  }
  return lines;
}

// Decodes the complete lines of `text` (inside `buffer`, whose spare capacity is the padding)
// and feeds them; returns the number of lines consumed.
std::size_t scan_lines(json_decoder& decoder, scanner& scan, const std::string& buffer,
                       std::string_view text, const std::string& input, std::size_t first_line) {
  json_input view{text, buffer.capacity() - static_cast<std::size_t>(text.data() - buffer.data())};
  auto failures = decoder.audit_event_lines(
      view, [&](std::vector<audit_event>& events) { scan.observe(events); });
  for (const auto& failed : failures)
    report(input, first_line + failed.line - 1, failed.error);
  scan.commit();
  return count_lines(text);
}

// One input, streamed in chunks of whole lines; a file that is one JSON document spread over
// several lines (a pretty-printed EventList) is read whole instead.
bool scan_input(const std::string& input, json_decoder& decoder, scanner& scan) {
  gzFile file = input == "-" ? gzdopen(::dup(STDIN_FILENO), "rb") : gzopen(input.c_str(), "rb");
  if (file == nullptr) {
    std::cerr << "launchguard: " << input << ": cannot read the audit log\n";
    return false;
  }
  std::string pending;
  pending.reserve(chunk_size * 2 + json_padding);
  std::vector<char> chunk(chunk_size);
  std::size_t line = 1;
  bool whole_document = false;
  bool decided = false;
  int n;
  while ((n = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()))) > 0) {
    pending.append(chunk.data(), static_cast<std::size_t>(n));
    if (whole_document) continue;
    std::size_t end = pending.rfind('\n');
    if (end == std::string::npos) continue;
    if (!decided) {
      // JSON lines when the first line is a document on its own; otherwise read it whole.
      std::vector<audit_event> probe;
      std::string first = pending.substr(0, pending.find('\n'));
      first.reserve(first.size() + json_padding);
      whole_document = first.find_first_not_of(" \t\r") != std::string::npos &&
                       !decoder.audit_events(json_input{first, first.capacity()}, probe);
      decided = true;
      if (whole_document) continue;
    }
    pending.reserve(pending.size() + json_padding);
    line += scan_lines(decoder, scan, pending, std::string_view(pending).substr(0, end + 1), input,
                       line);
    pending.erase(0, end + 1);
  }
  bool read_error = n < 0;
  if (read_error)
    std::cerr << "launchguard: " << input << ": read error after line " << line << "\n";
  gzclose(file);
  pending.reserve(pending.size() + json_padding);
  if (whole_document) {
    std::vector<audit_event> events;
    if (decoder.audit_events(padded(pending), events)) return scan.feed(events) && !read_error;
  }
  if (pending.find_first_not_of(" \t\r\n") != std::string::npos)
    scan_lines(decoder, scan, pending, pending, input, line);
  return !read_error;
}

void print_alerts(sqlite_store& store, const std::string& format, std::optional<severity> fail_on,
                  bool& failing) {
  alert_query q;
  q.limit = 1000;
  while (true) {
    auto page = store.query(q);
    if (!page || page->empty()) return;
    for (const auto& stored : *page) {
      auto a = nlohmann::json::parse(stored.json);
      auto level = severity_from(a["severity"].get<std::string>());
      if (fail_on && level && *level >= *fail_on) failing = true;
      if (format == "json") {
        std::cout << stored.json << "\n";
        continue;
      }
      std::string where = a["namespace"].get<std::string>();
      std::string name = a["object"]["name"].get<std::string>();
      if (!name.empty()) where += (where.empty() ? "" : "/") + name;
      std::cout << a["time"].get<std::string>() << "  " << a["severity"].get<std::string>() << "  "
                << a["rule"].get<std::string>() << "  " << (where.empty() ? "-" : where) << "  "
                << a["user"]["username"].get<std::string>() << "  "
                << a["message"].get<std::string>()
                << (a["count"].get<int>() > 1 ? "  (x" + std::to_string(a["count"].get<int>()) + ")"
                                              : "")
                << "\n";
    }
    q.since = page->back().id;
  }
}

}  // namespace

int run_scan(const scan_options& options) {
  auto rules = load_policy_file(options.config);
  if (!rules) {
    std::cerr << rules.error().message << "\n";
    return 2;
  }
  std::optional<severity> fail_on;
  if (!options.fail_on.empty()) fail_on = severity_from(options.fail_on);
  auto store = sqlite_store::open_in_memory();
  if (!store) {
    std::cerr << "launchguard: " << store.error().message << "\n";
    return 2;
  }
  self_identity self;
  self.namespace_name = options.self_namespace;
  self.service_account = "system:serviceaccount:" + options.self_namespace + ":launchguard";
  auto secret = (*store)->tracker_secret();  // fresh and random: the store is in memory
  if (!secret) {
    std::cerr << "launchguard: " << secret.error().message << "\n";
    return 2;
  }
  scanner scan(*rules, **store, self, *secret);
  json_decoder decoder;
  bool unreadable = false;
  for (const auto& input : options.inputs)
    unreadable = !scan_input(input, decoder, scan) || unreadable;
  bool failing = false;
  print_alerts(**store, options.format, fail_on, failing);
  std::cerr << "launchguard: scanned " << scan.events() << " events";
  if (scan.repeated() > 0) std::cerr << " (" << scan.repeated() << " repeated, read once)";
  std::cerr << "\n";
  if (unreadable) return 2;
  return failing ? 1 : 0;
}

}  // namespace launchguard::server
