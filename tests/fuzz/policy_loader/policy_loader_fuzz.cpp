// The bytes are a policy file. load_policy either returns a policy or errors, never both,
// never neither, and every error names the file; a policy that loads is then used to decide
// a pod, so settings that load but break the rules are found too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "policy/config/policy_loader.hpp"
#include "policy/decode/json_decoder.hpp"
#include "policy/engine/admission.hpp"
#include "policy/track/memory_tracker_store.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace launchguard;

namespace {

// A privileged pod with a host path, an image with a tag and a host port: most rules look.
constexpr std::string_view pod_review = R"({"apiVersion":"admission.k8s.io/v1",
"kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},
"resource":{"group":"","version":"v1","resource":"pods"},"namespace":"prod-payments",
"operation":"CREATE","userInfo":{"username":"alice","groups":["system:authenticated"]},
"object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"prod-payments",
"labels":{"app":"p"},"annotations":{"launchguard.io/ignore":"true"}},"spec":{"hostPID":true,
"containers":[{"name":"c","image":"docker.io/library/xmrig:latest","securityContext":
{"privileged":true},"ports":[{"containerPort":80,"hostPort":80}],"resources":{"limits":
{"cpu":"64","memory":"1Ti"}}}],"volumes":[{"name":"s","hostPath":{"path":"/var/run/docker.sock"}}]}}}})";

const admission_request& sample_request() {
  static const admission_request request = [] {
    json_decoder decoder;
    std::string body(pod_review);
    auto review = decoder.admission_review(padded(body));
    if (!review) fuzz::fail("the sample AdmissionReview does not decode", review.error().message);
    return *review;
  }();
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const admission_request& request = sample_request();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = load_policy(text, "policy.yaml");
  if (loaded.ok() != (loaded.value != nullptr)) fuzz::fail("a policy and errors, or neither");
  for (const auto& error : loaded.errors) {
    std::string shown = error.to_string();
    if (shown.rfind("policy.yaml", 0) != 0)
      fuzz::fail("an error that does not name the file", shown);
  }
  if (!loaded.ok()) return 0;
  memory_tracker_store trackers(64);
  decision verdict = admit_and_track(*loaded.value, request, "fuzz", trackers, 1'700'000'000'000);
  if (!verdict.allowed && verdict.message.empty()) fuzz::fail("a denial without a reason");
  return 0;
}
