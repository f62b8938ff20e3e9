// Each tests/golden/decode/<case>/ holds review.json (an AdmissionReview as the API server
// sends it) and expected.json (the typed values the decoder must produce, as model_json
// renders them) or error.txt (a text the decode error must contain).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policy/decode/json_decoder.hpp"
#include "policy/model/model_json.hpp"
#include "tests/support/files.hpp"

namespace launchguard {
namespace {

class golden_decode : public ::testing::TestWithParam<std::string> {};

TEST_P(golden_decode, decodes_review_into_typed_values) {
  auto dir = testing::source_dir() / "tests/golden/decode" / GetParam();
  std::string body = testing::read_file(dir / "review.json");
  json_decoder decoder;
  auto decoded = decoder.admission_review(padded(body));

  if (std::filesystem::exists(dir / "error.txt")) {
    std::string expected = testing::read_file(dir / "error.txt");
    while (!expected.empty() && expected.back() == '\n')
      expected.pop_back();
    ASSERT_FALSE(decoded) << "expected a decode error containing: " << expected;
    EXPECT_NE(decoded.error().message.find(expected), std::string::npos) << decoded.error().message;
    return;
  }
  ASSERT_TRUE(decoded) << decoded.error().message;
  nlohmann::json actual = to_json(*decoded);
  if (testing::updating_golden()) {
    testing::write_file(dir / "expected.json", actual.dump(2) + "\n");
    GTEST_SKIP() << "updated " << (dir / "expected.json");
  }
  nlohmann::json expected = nlohmann::json::parse(testing::read_file(dir / "expected.json"));
  EXPECT_EQ(actual, expected) << "actual:\n" << actual.dump(2);
}

INSTANTIATE_TEST_SUITE_P(cases, golden_decode, ::testing::ValuesIn(testing::golden_cases("decode")),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace launchguard
