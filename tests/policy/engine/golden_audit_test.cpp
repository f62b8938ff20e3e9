// Each tests/golden/audit/<case>/ holds policy.yaml, events.json (an audit.k8s.io EventList, a
// single Event, or JSON lines of them, as the audit webhook and log files carry them) and
// expected.json: every alert observe() returns for the events in order, with one audit_memory
// and the default self_identity across the case, rendered by to_json() plus "onceKey". The
// response steps are checked for shape only: their text belongs to the catalog and its tests.
#include <cctype>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policy/alerts/alert.hpp"
#include "policy/config/policy_loader.hpp"
#include "policy/decode/json_decoder.hpp"
#include "policy/engine/audit.hpp"
#include "tests/support/files.hpp"

namespace launchguard {
namespace {

// JSON lines when the first non-blank line is a whole JSON document on its own; a pretty-printed
// EventList or Event opens with a line that is not.
bool is_json_lines(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) return nlohmann::json::accept(line);
    start = end + 1;
  }
  return false;
}

std::vector<audit_event> decode_events(std::string text) {
  json_decoder decoder;
  std::vector<audit_event> events;
  if (is_json_lines(text)) {
    auto errors = decoder.audit_event_lines(padded(text), events);
    for (const auto& e : errors)
      ADD_FAILURE() << "events.json line " << e.line << ": " << e.error.message;
  } else {
    auto decoded = decoder.audit_events(padded(text), events);
    EXPECT_TRUE(decoded) << "events.json: " << decoded.error().message;
  }
  return events;
}

nlohmann::ordered_json rendered(const alert& a) {
  nlohmann::ordered_json out = to_json(a);
  EXPECT_EQ(out["response"].size(), 5u) << "response steps of " << out["rule"];
  out.erase("response");
  out["onceKey"] = a.once_key;
  return out;
}

class golden_audit : public ::testing::TestWithParam<std::string> {};

TEST_P(golden_audit, raises_the_expected_alerts) {
  auto dir = testing::source_dir() / "tests/golden/audit" / GetParam();
  auto loaded = load_policy(testing::read_file(dir / "policy.yaml"), "policy.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front().to_string();
  const policy& rules = *loaded.value;
  std::vector<audit_event> events = decode_events(testing::read_file(dir / "events.json"));
  ASSERT_FALSE(events.empty()) << "events.json holds no event";

  audit_memory memory(static_cast<std::size_t>(rules.tracked_keys));
  const self_identity self;
  nlohmann::ordered_json actual = nlohmann::ordered_json::array();
  for (const auto& event : events) {
    for (const auto& a : observe(rules, event, memory, self))
      actual.push_back(rendered(a));
  }
  if (testing::updating_golden()) {
    testing::write_file(dir / "expected.json", actual.dump(2) + "\n");
    GTEST_SKIP() << "updated " << (dir / "expected.json");
  }
  // Compared as plain JSON: the order of an alert's keys is presentation, not content.
  auto expected = nlohmann::json::parse(testing::read_file(dir / "expected.json"));
  ASSERT_EQ(actual.size(), expected.size()) << "actual:\n" << actual.dump(2);
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(nlohmann::json::parse(actual[i].dump()), expected[i])
        << "alert " << i << ", actual:\n"
        << actual[i].dump(2);
  }
}

// An exec is long-running: the API server logs it at ResponseStarted and again at
// ResponseComplete. observe() raises at both stages with one once-key, which the alert store
// keeps once.
TEST(golden_audit_exec, raises_both_stages_of_one_exec_under_one_once_key) {
  auto dir =
      testing::source_dir() / "tests/golden/audit/exec-over-websocket-is-one-alert-per-audit-id";
  auto loaded = load_policy(testing::read_file(dir / "policy.yaml"), "policy.yaml");
  ASSERT_TRUE(loaded.ok());
  std::vector<audit_event> events = decode_events(testing::read_file(dir / "events.json"));
  ASSERT_EQ(events.size(), 3u);
  ASSERT_EQ(events[1].stage, "ResponseStarted");
  ASSERT_EQ(events[2].stage, "ResponseComplete");
  audit_memory memory(1000);
  const self_identity self;
  EXPECT_TRUE(observe(*loaded.value, events[0], memory, self).empty()) << "RequestReceived";
  auto started = observe(*loaded.value, events[1], memory, self);
  auto completed = observe(*loaded.value, events[2], memory, self);
  ASSERT_EQ(started.size(), 1u);
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(started[0].rule, rule_id::pod_exec);
  EXPECT_FALSE(started[0].once_key.empty());
  EXPECT_EQ(started[0].once_key, completed[0].once_key);
  EXPECT_EQ(started[0].once_key, "pod-exec/" + events[1].audit_id);
}

INSTANTIATE_TEST_SUITE_P(cases, golden_audit, ::testing::ValuesIn(testing::golden_cases("audit")),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace launchguard
