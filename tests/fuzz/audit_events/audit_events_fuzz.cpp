// The bytes are the body of a POST /audit, decoded both ways the server accepts it: as an
// EventList or a single Event (application/json) and as JSON lines (application/x-ndjson),
// each from a std::string with json_padding bytes of slack, as the server does. The events
// that decode go through the audit detections under the example policy, and every alert they
// raise must render as JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/decode/json_decoder.hpp"
#include "policy/engine/audit.hpp"
#include "policy/track/memory_tracker_store.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace launchguard;

namespace {

void observe_all(const std::vector<audit_event>& events) {
  const policy& rules = fuzz::example_policy();
  memory_tracker_store trackers(64);
  audit_memory memory(64, &trackers);
  self_identity self;
  for (const auto& event : events) {
    for (const auto& raised : observe(rules, event, memory, self)) {
      std::string line = render_alert(raised);
      if (!nlohmann::json::accept(line)) fuzz::fail("an alert does not render as JSON", line);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  json_decoder decoder;  // fresh per input: a crash reproduces from its input alone

  std::string body = text;
  std::vector<audit_event> events;
  auto decoded = decoder.audit_events(padded(body), events);
  if (decoded && *decoded != events.size()) fuzz::fail("audit_events miscounted its events");
  if (!decoded && !events.empty()) fuzz::fail("a failed audit_events left events behind");

  std::string lines_body = text;
  std::vector<audit_event> line_events;
  auto errors = decoder.audit_event_lines(padded(lines_body), line_events);
  for (const auto& error : errors) {
    if (error.line == 0 || error.error.message.empty()) fuzz::fail("a line error without a line");
  }

  observe_all(events);
  observe_all(line_events);
  return 0;
}
