// Each tests/golden/admission/<case>/ holds policy.yaml, request.json (an AdmissionReview) and
// expected.json: the AdmissionReview answer and the findings (what the alerts are made of).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policy/config/policy_loader.hpp"
#include "policy/decode/json_decoder.hpp"
#include "policy/encode/review_response.hpp"
#include "policy/engine/admission.hpp"
#include "tests/support/files.hpp"

namespace launchguard {
namespace {

nlohmann::json findings_json(const decision& d) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : d.fired) {
    nlohmann::json evidence = nlohmann::json::object();
    for (const auto& [k, v] : f.evidence)
      evidence[k] = v;
    out.push_back({{"rule", to_string(f.rule)},
                   {"severity", to_string(f.level)},
                   {"action", to_string(f.effective)},
                   {"outcome", to_string(f.result)},
                   {"message", f.message},
                   {"evidence", evidence}});
  }
  return out;
}

class golden_admission : public ::testing::TestWithParam<std::string> {};

TEST_P(golden_admission, answers_as_expected) {
  auto dir = testing::source_dir() / "tests/golden/admission" / GetParam();
  auto loaded = load_policy(testing::read_file(dir / "policy.yaml"), "policy.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front().to_string();
  std::string body = testing::read_file(dir / "request.json");
  json_decoder decoder;
  auto request = decoder.admission_review(padded(body));
  ASSERT_TRUE(request) << request.error().message;

  decision verdict = admit(*loaded.value, *request, "golden-decision");
  nlohmann::json actual = {
      {"response", nlohmann::json::parse(encode_review_response(*request, verdict))},
      {"findings", findings_json(verdict)}};
  if (testing::updating_golden()) {
    testing::write_file(dir / "expected.json", actual.dump(2) + "\n");
    GTEST_SKIP() << "updated " << (dir / "expected.json");
  }
  nlohmann::json expected = nlohmann::json::parse(testing::read_file(dir / "expected.json"));
  EXPECT_EQ(actual, expected) << "actual:\n" << actual.dump(2);
}

INSTANTIATE_TEST_SUITE_P(cases, golden_admission,
                         ::testing::ValuesIn(testing::golden_cases("admission")),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace launchguard
