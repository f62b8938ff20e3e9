#include "policy/decode/json_decoder.hpp"

#include <gtest/gtest.h>

namespace launchguard {
namespace {

decode_result<admission_request> decode(std::string body) {
  json_decoder decoder;
  return decoder.admission_review(padded(body));
}

TEST(json_decoder, decodes_minimal_v1_review) {
  auto r = decode(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "request":{"uid":"u1","operation":"CREATE","kind":{"group":"","version":"v1","kind":"Pod"}}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->uid, "u1");
  EXPECT_EQ(r->op, operation::create);
  EXPECT_EQ(r->review_api_version, "admission.k8s.io/v1");
}

std::string review_with_object(const std::string& object) {
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",
    "kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","object":)" +
         object + "}}";
}

TEST(json_decoder, the_shell_of_a_review_whose_object_does_not_decode_names_the_request) {
  // A duplicate key deep in the object, and the uid after it: the shell reads around both.
  std::string body = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
    "object":{"kind":"Pod","spec":{"hostPID":false,"hostPID":true}},"operation":"CREATE",
    "namespace":"shop","userInfo":{"username":"mallory"},"uid":"u9"}})";
  ASSERT_FALSE(decode(body));
  json_decoder decoder;
  auto shell = decoder.admission_review_shell(padded(body));
  ASSERT_TRUE(shell) << shell.error().message;
  EXPECT_EQ(shell->uid, "u9");
  EXPECT_EQ(shell->namespace_name, "shop");
  EXPECT_EQ(shell->user.username, "mallory");
  EXPECT_EQ(shell->op, operation::create);
  EXPECT_FALSE(shell->object);
  // No shell for what is no AdmissionReview at all, or has no uid to answer.
  for (
      std::string other :
      {std::string(R"({"kind":"Pod"})"),
       std::string(
           R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}})"),
       std::string("{\"kind\":")}) {
    EXPECT_FALSE(decoder.admission_review_shell(padded(other))) << other;
  }
}

TEST(json_decoder, accepts_fields_in_any_order) {
  auto r = decode(R"({"request":{"object":{"spec":{"containers":[{"image":"a"}]},"kind":"Pod"},
    "operation":"CREATE","uid":"u1"},"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->object && r->object->pod);
  EXPECT_EQ(r->object->pod->spec.containers.at(0).image, "a");
}

TEST(json_decoder, takes_the_kind_from_the_request_when_the_object_omits_it) {
  auto r = decode(review_with_object(R"({"metadata":{"name":"p"},"spec":{"hostPID":true}})"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->object->kind, "Pod");
  EXPECT_EQ(r->object->workload, workload_kind::pod);
  EXPECT_EQ(r->object->pod->spec.host_pid, true);
}

TEST(json_decoder, groups_containers_regular_first_whatever_the_json_order) {
  auto r = decode(review_with_object(
      R"({"kind":"Pod","spec":{"ephemeralContainers":[{"name":"e"}],"initContainers":[{"name":"i"}],"containers":[{"name":"c"}]}})"));
  ASSERT_TRUE(r) << r.error().message;
  const auto& containers = r->object->pod->spec.containers;
  ASSERT_EQ(containers.size(), 3u);
  EXPECT_EQ(containers[0].name, "c");
  EXPECT_EQ(containers[1].name, "i");
  EXPECT_EQ(containers[2].name, "e");
  EXPECT_EQ(containers[2].kind, container_kind::ephemeral);
}

TEST(json_decoder, treats_null_sections_as_absent) {
  auto r = decode(review_with_object(
      R"({"kind":"Pod","metadata":{"labels":null},"spec":{"securityContext":null,"containers":[{"name":"c","securityContext":null,"ports":null}]}})"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->object->pod->spec.security_context.has_value());
  EXPECT_FALSE(r->object->pod->spec.containers[0].security_context.has_value());
}

TEST(json_decoder, rejects_a_duplicate_label_key) {
  auto r = decode(
      review_with_object(R"({"kind":"Pod","metadata":{"labels":{"a":"1","b":"2","a":"3"}}})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, decode_errc::duplicate_key);
  EXPECT_NE(r.error().message.find("request.object.metadata.labels.a"), std::string::npos)
      << r.error().message;
}

// Small maps are checked pair by pair, larger ones sorted: both find the repeat.
TEST(json_decoder, rejects_a_duplicate_key_in_a_map_of_any_size) {
  for (int size : {2, 16, 17, 40}) {
    int repeat = (size - 1) / 2;  // one of the keys before the last
    std::string labels;
    for (int i = 0; i < size - 1; ++i)
      labels += "\"k" + std::to_string(i) + "\":\"v\",";
    labels += "\"k" + std::to_string(repeat) + "\":\"again\"";
    auto r =
        decode(review_with_object(R"({"kind":"Pod","metadata":{"annotations":{)" + labels + "}}}"));
    ASSERT_FALSE(r) << size;
    EXPECT_EQ(r.error().code, decode_errc::duplicate_key);
    EXPECT_NE(r.error().message.find("annotations.k" + std::to_string(repeat)), std::string::npos)
        << r.error().message;
    std::string unique = labels.substr(0, labels.rfind(','));
    EXPECT_TRUE(
        decode(review_with_object(R"({"kind":"Pod","metadata":{"annotations":{)" + unique + "}}}")))
        << size;
  }
}

TEST(json_decoder, rejects_a_field_read_twice_in_one_object) {
  auto r = decode(review_with_object(R"({"kind":"Pod","spec":{"hostPID":false,"hostPID":true}})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, decode_errc::duplicate_key);
  EXPECT_NE(r.error().message.find("request.object.spec.hostPID"), std::string::npos)
      << r.error().message;
}

TEST(json_decoder, names_the_element_index_of_a_wrong_type) {
  auto r = decode(review_with_object(
      R"({"kind":"Pod","spec":{"containers":[{"name":"a"},{"name":"b","image":7}]}})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, decode_errc::wrong_type);
  EXPECT_NE(r.error().message.find("request.object.spec.containers[1].image: expected a string"),
            std::string::npos)
      << r.error().message;
}

TEST(json_decoder, rejects_a_port_outside_32_bits) {
  auto r = decode(review_with_object(
      R"({"kind":"Pod","spec":{"containers":[{"ports":[{"hostPort":4294967296}]}]}})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, decode_errc::out_of_range);
}

TEST(json_decoder, rejects_invalid_utf8) {
  auto r = decode(review_with_object("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"\xff\xfe\"}}"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, decode_errc::invalid_utf8);
}

TEST(json_decoder, skips_deep_nesting_in_fields_it_does_not_read_without_recursing) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto r = decode(
      review_with_object(R"({"kind":"Pod","unknown":)" + deep + R"(,"spec":{"hostPID":true}})"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->object->pod->spec.host_pid, true);
}

TEST(json_decoder, rejects_deep_nesting_where_it_reads) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto r = decode(review_with_object(R"({"kind":"Pod","spec":{"containers":)" + deep + "}}"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, decode_errc::wrong_type);
}

TEST(json_decoder, calls_a_truncated_document_malformed) {
  auto r = decode(R"({"apiVersion": "admission.k8s.io/v1", "kind": )");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, decode_errc::invalid_json);
  EXPECT_NE(r.error().message.find("malformed JSON"), std::string::npos) << r.error().message;
}

TEST(json_decoder, caps_the_number_of_elements_in_a_list) {
  std::string containers = "[";
  for (int i = 0; i < 10001; ++i)
    containers += i == 0 ? "{}" : ",{}";
  containers += "]";
  auto r = decode(review_with_object(R"({"kind":"Pod","spec":{"containers":)" + containers + "}}"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, decode_errc::out_of_range);
  EXPECT_NE(r.error().message.find("more than 10000 elements"), std::string::npos)
      << r.error().message;
}

TEST(json_decoder, reports_junk_after_the_document) {
  auto r = decode(
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE"}} xyz)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, decode_errc::invalid_json);
}

TEST(json_decoder, tells_an_integer_beyond_64_bits_from_a_wrong_type) {
  auto big = decode(review_with_object(
      R"({"kind":"Pod","spec":{"securityContext":{"runAsUser":123456789012345678901234567890}}})"));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, decode_errc::out_of_range) << big.error().message;
  EXPECT_NE(big.error().message.find("request.object.spec.securityContext.runAsUser"),
            std::string::npos);
  auto fraction =
      decode(review_with_object(R"({"kind":"Pod","spec":{"securityContext":{"runAsUser":1.5}}})"));
  ASSERT_FALSE(fraction);
  EXPECT_EQ(fraction.error().code, decode_errc::wrong_type) << fraction.error().message;
}

TEST(json_decoder, reads_match_fields_of_node_affinity) {
  auto r = decode(review_with_object(
      R"({"kind":"Pod","spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":
    {"nodeSelectorTerms":[{"matchFields":[{"key":"metadata.name","operator":"In","values":["node-1"]}]}]}}}}})"));
  ASSERT_TRUE(r) << r.error().message;
  const auto& terms = r->object->pod->spec.required_node_affinity;
  ASSERT_EQ(terms.size(), 1u);
  ASSERT_EQ(terms[0].size(), 1u);
  EXPECT_TRUE(terms[0][0].field);
  EXPECT_EQ(terms[0][0].values, std::vector<std::string>{"node-1"});
}

TEST(json_decoder, a_decoder_is_reusable_after_an_error) {
  json_decoder decoder;
  std::string bad = "{";
  EXPECT_FALSE(decoder.admission_review(padded(bad)));
  std::string good = review_with_object(R"({"kind":"Pod"})");
  EXPECT_TRUE(decoder.admission_review(padded(good)));
}

}  // namespace
}  // namespace launchguard
