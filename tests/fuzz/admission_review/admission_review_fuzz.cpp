// The bytes are the body of a POST /validate. They are decoded as the server decodes them (a
// std::string given json_padding bytes of slack by padded()) and, when they are an
// AdmissionReview, decided under the example policy with fresh trackers; the answer must be
// a JSON AdmissionReview with the request's uid.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "policy/decode/json_decoder.hpp"
#include "policy/encode/review_response.hpp"
#include "policy/engine/admission.hpp"
#include "policy/track/memory_tracker_store.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace launchguard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const policy& rules = fuzz::example_policy();
  json_decoder decoder;  // fresh per input: a crash reproduces from its input alone
  std::string body(reinterpret_cast<const char*>(data), size);
  auto review = decoder.admission_review(padded(body));
  if (!review) {
    if (review.error().message.empty()) fuzz::fail("a decode error without a message");
    return 0;
  }
  memory_tracker_store trackers(64);
  decision verdict = admit_and_track(rules, *review, "fuzz-decision", trackers, 1'700'000'000'000);
  std::string answer = encode_review_response(*review, verdict);
  auto parsed = nlohmann::json::parse(answer, nullptr, false);
  if (parsed.is_discarded()) fuzz::fail("the AdmissionReview answer is not JSON", answer);
  const auto& response = parsed["response"];
  if (!response.is_object() || response.value("uid", std::string()) != review->uid)
    fuzz::fail("the answer does not carry the request's uid", answer);
  return 0;
}
