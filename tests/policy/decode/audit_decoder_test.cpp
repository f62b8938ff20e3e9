// Decoding audit.k8s.io events as the API server's webhook backend and log files carry them:
// an EventList, a single Event, JSON lines; v1 and v1beta1; and the inputs that must fail alone.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policy/decode/json_decoder.hpp"
#include "policy/model/time_text.hpp"

namespace launchguard {
namespace {

// gtest without gmock: a readable substring check.
::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

std::int64_t ms(const char* text) {
  return parse_rfc3339_ms(text).value();
}

decode_result<std::size_t> decode(std::string body, std::vector<audit_event>& out) {
  json_decoder decoder;
  return decoder.audit_events(padded(body), out);
}

std::vector<json_decoder::line_error> decode_lines(std::string body,
                                                   std::vector<audit_event>& out) {
  json_decoder decoder;
  return decoder.audit_event_lines(padded(body), out);
}

// An exec through kubectl 1.31, as the webhook backend batches it.
constexpr const char* exec_event = R"({
  "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
  "auditID": "5c0f255f-7141-4c1e-9b3a-0d2e4f6a8b1c", "stage": "ResponseStarted",
  "requestURI": "/api/v1/namespaces/payments/pods/web-0/exec?command=sh&container=api&stdin=true&tty=true",
  "verb": "get",
  "user": {"username": "alice@example.com", "uid": "c4a1", "groups": ["devs", "system:authenticated"],
           "extra": {"authentication.kubernetes.io/credential-id": ["X509SHA256=ab12"]}},
  "sourceIPs": ["203.0.113.10", "10.0.0.1"],
  "userAgent": "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46",
  "objectRef": {"resource": "pods", "namespace": "payments", "name": "web-0", "uid": "9d1e",
                "apiGroup": "", "apiVersion": "v1", "resourceVersion": "4711", "subresource": "exec"},
  "responseStatus": {"metadata": {}, "code": 101},
  "requestReceivedTimestamp": "2025-06-02T09:30:00.100000Z",
  "stageTimestamp": "2025-06-02T09:30:00.180412Z",
  "annotations": {"authorization.k8s.io/decision": "allow",
                  "validate.launchguard.io/decision-id": "d-1"}
})";

// A pod create refused by RBAC, without type meta, as EventList items may come.
constexpr const char* refused_create = R"({
  "level": "Request", "auditID": "0e9d8c7b-0000-4000-8000-000000000002", "stage": "ResponseComplete",
  "requestURI": "/api/v1/namespaces/payments/pods", "verb": "create",
  "user": {"username": "bob@example.com", "groups": ["system:authenticated"]},
  "objectRef": {"resource": "pods", "namespace": "payments", "name": "x", "apiVersion": "v1"},
  "responseStatus": {"metadata": {}, "status": "Failure", "message": "pods is forbidden",
                     "reason": "Forbidden", "details": {"kind": "pods"}, "code": 403},
  "requestObject": {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "x"},
                    "spec": {"containers": [{"name": "c", "image": "busybox"}]}},
  "requestReceivedTimestamp": "2025-06-02T10:00:00.000000Z",
  "stageTimestamp": "2025-06-02T10:00:00.004000Z"
})";

std::string event_list(const std::string& items, const std::string& api_version = "audit.k8s.io/v1",
                       const std::string& kind = "EventList") {
  return R"({"kind":")" + kind + R"(","apiVersion":")" + api_version +
         R"(","metadata":{},"items":[)" + items + "]}";
}

std::string one_line(std::string json) {
  for (char& c : json) {
    if (c == '\n') c = ' ';
  }
  return json;
}

TEST(audit_decoder, decodes_every_field_the_rules_read) {
  std::vector<audit_event> events;
  auto n = decode(exec_event, events);
  ASSERT_TRUE(n) << n.error().message;
  ASSERT_EQ(*n, 1u);
  const audit_event& e = events.at(0);
  EXPECT_EQ(e.api_version, "audit.k8s.io/v1");
  EXPECT_EQ(e.level, "Metadata");
  EXPECT_EQ(e.audit_id, "5c0f255f-7141-4c1e-9b3a-0d2e4f6a8b1c");
  EXPECT_EQ(e.stage, "ResponseStarted");
  EXPECT_EQ(e.verb, "get");
  EXPECT_EQ(e.user.username, "alice@example.com");
  EXPECT_EQ(e.user.uid, "c4a1");
  EXPECT_EQ(e.user.groups, (std::vector<std::string>{"devs", "system:authenticated"}));
  EXPECT_FALSE(e.impersonated_user);
  EXPECT_EQ(e.source_ips, (std::vector<std::string>{"203.0.113.10", "10.0.0.1"}));
  EXPECT_EQ(e.user_agent, "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46");
  EXPECT_EQ(e.object.resource, "pods");
  EXPECT_EQ(e.object.subresource, "exec");
  EXPECT_EQ(e.object.namespace_name, "payments");
  EXPECT_EQ(e.object.name, "web-0");
  EXPECT_EQ(e.object.uid, "9d1e");
  EXPECT_EQ(e.object.api_group, "");
  EXPECT_EQ(e.object.api_version, "v1");
  EXPECT_EQ(e.response_code, 101);
  EXPECT_TRUE(e.succeeded());
  EXPECT_EQ(e.request_received_ms, ms("2025-06-02T09:30:00.100Z"));
  EXPECT_EQ(e.stage_ms, ms("2025-06-02T09:30:00.180Z"));  // microseconds cut to milliseconds
  EXPECT_EQ(find_value(e.annotations, "validate.launchguard.io/decision-id"), "d-1");
  EXPECT_FALSE(e.request_object);
}

TEST(audit_decoder, decodes_an_event_list_in_order_with_or_without_type_meta_on_items) {
  std::vector<audit_event> events;
  auto n = decode(event_list(std::string(exec_event) + "," + refused_create), events);
  ASSERT_TRUE(n) << n.error().message;
  ASSERT_EQ(*n, 2u);
  EXPECT_EQ(events[0].verb, "get");
  const audit_event& refused = events[1];
  EXPECT_EQ(refused.verb, "create");
  EXPECT_EQ(refused.response_code, 403);
  EXPECT_EQ(refused.response_reason, "Forbidden");
  EXPECT_EQ(refused.response_message, "pods is forbidden");
  EXPECT_FALSE(refused.succeeded());
  ASSERT_TRUE(refused.request_object && refused.request_object->pod);
  EXPECT_EQ(refused.request_object->pod->spec.containers.at(0).image, "busybox");
}

TEST(audit_decoder, appends_to_what_the_caller_already_holds) {
  std::vector<audit_event> events(1);
  auto n = decode(event_list(exec_event), events);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].verb, "get");
}

TEST(audit_decoder, decodes_an_empty_event_list) {
  std::vector<audit_event> events;
  auto n = decode(event_list(""), events);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 0u);
}

TEST(audit_decoder, decodes_v1beta1_events_with_their_object_meta_and_timestamp) {
  std::string old = R"({"kind":"Event","apiVersion":"audit.k8s.io/v1beta1",
    "metadata":{"creationTimestamp":"2019-03-11T12:00:00Z"},"level":"Metadata",
    "timestamp":"2019-03-11T12:00:00Z","auditID":"a1","stage":"ResponseComplete",
    "requestURI":"/api/v1/namespaces/default/pods/nginx","verb":"delete",
    "user":{"username":"kube-admin","groups":["system:masters"]},
    "objectRef":{"resource":"pods","namespace":"default","name":"nginx","apiVersion":"v1"},
    "responseStatus":{"metadata":{},"code":200},
    "requestReceivedTimestamp":"2019-03-11T12:00:00.440019Z",
    "stageTimestamp":"2019-03-11T12:00:00.452187Z"})";
  std::vector<audit_event> events;
  auto single = decode(old, events);
  ASSERT_TRUE(single) << single.error().message;
  auto listed = decode(event_list(old, "audit.k8s.io/v1beta1"), events);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) {
    EXPECT_EQ(e.api_version, "audit.k8s.io/v1beta1");
    EXPECT_EQ(e.verb, "delete");
    EXPECT_EQ(e.stage_ms, ms("2019-03-11T12:00:00.452Z"));
  }
}

TEST(audit_decoder, rejects_an_event_list_of_another_api_version) {
  std::vector<audit_event> events;
  auto n = decode(event_list(exec_event, "audit.k8s.io/v2"), events);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, decode_errc::unsupported);
  EXPECT_TRUE(contains(n.error().message, "audit.k8s.io/v2"));
  EXPECT_TRUE(events.empty());
}

TEST(audit_decoder, rejects_a_list_whose_kind_is_wrong_and_keeps_none_of_its_items) {
  std::vector<audit_event> events;
  auto n = decode(event_list(exec_event, "v1", "PodList"), events);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, decode_errc::unsupported);
  EXPECT_TRUE(contains(n.error().message, "\"PodList\""));
  EXPECT_TRUE(events.empty()) << "items of a list that is not an EventList were kept";
}

TEST(audit_decoder, rejects_an_object_that_is_not_an_event) {
  std::vector<audit_event> events;
  auto n = decode(R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"}})", events);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, decode_errc::unsupported);
  EXPECT_TRUE(contains(n.error().message, "\"Pod\""));
  EXPECT_TRUE(events.empty());
}

TEST(audit_decoder, rejects_an_event_of_another_api_group) {
  std::vector<audit_event> events;
  auto n = decode(R"({"kind":"Event","apiVersion":"events.k8s.io/v1","auditID":"x"})", events);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, decode_errc::unsupported);
  EXPECT_TRUE(contains(n.error().message, "events.k8s.io/v1"));
}

TEST(audit_decoder, names_the_item_and_field_of_a_bad_timestamp_and_keeps_nothing) {
  for (const char* bad : {"yesterday", "2025-13-01T00:00:00Z", "2025-06-02 10:00:00Z",
                          "2025-06-02T10:00:00", "2025-06-02T10:00:00Zjunk"}) {
    std::string second = std::string(R"({"auditID":"b","stage":"ResponseComplete","verb":"get",)") +
                         R"("stageTimestamp":")" + bad + R"("})";
    std::vector<audit_event> events;
    auto n = decode(event_list(std::string(exec_event) + "," + second), events);
    ASSERT_FALSE(n) << bad;
    EXPECT_EQ(n.error().code, decode_errc::wrong_type) << bad;
    EXPECT_TRUE(contains(n.error().message, "items[1].stageTimestamp")) << bad;
    EXPECT_TRUE(contains(n.error().message, bad));
    EXPECT_TRUE(events.empty()) << bad;
  }
}

TEST(audit_decoder, reads_a_timestamp_with_an_offset_as_utc) {
  std::vector<audit_event> events;
  auto n = decode(R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a",
    "stageTimestamp":"2025-06-02T12:00:00.5+02:00"})",
                  events);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(events.at(0).stage_ms, ms("2025-06-02T10:00:00.500Z"));
}

TEST(audit_decoder, takes_the_request_time_when_the_stage_time_is_missing) {
  std::string body = R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a",
    "requestReceivedTimestamp":"2025-06-02T08:00:00.250000Z"})";
  std::vector<audit_event> single;
  ASSERT_TRUE(decode(body, single));
  EXPECT_EQ(single.at(0).stage_ms, ms("2025-06-02T08:00:00.250Z"));
  std::vector<audit_event> listed;
  ASSERT_TRUE(decode(event_list(body), listed));
  EXPECT_EQ(listed.at(0).stage_ms, ms("2025-06-02T08:00:00.250Z"));
}

TEST(audit_decoder, makes_the_impersonated_user_the_principal) {
  std::vector<audit_event> events;
  auto n = decode(R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a",
    "user":{"username":"alice@example.com","groups":["system:authenticated"]},
    "impersonatedUser":{"username":"system:serviceaccount:ci:deployer",
                        "groups":["system:serviceaccounts","system:serviceaccounts:ci"]}})",
                  events);
  ASSERT_TRUE(n) << n.error().message;
  const audit_event& e = events.at(0);
  ASSERT_TRUE(e.impersonated_user);
  EXPECT_EQ(e.user.username, "alice@example.com");
  EXPECT_EQ(e.principal().username, "system:serviceaccount:ci:deployer");
  EXPECT_EQ(e.principal().groups.at(1), "system:serviceaccounts:ci");
}

TEST(audit_decoder, treats_a_null_impersonated_user_as_none) {
  std::vector<audit_event> events;
  auto n = decode(R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a",
    "user":{"username":"alice@example.com"},"impersonatedUser":null})",
                  events);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_FALSE(events.at(0).impersonated_user);
  EXPECT_EQ(events.at(0).principal().username, "alice@example.com");
}

TEST(audit_decoder, skips_a_json_patch_request_object_and_keeps_the_rest_of_the_batch) {
  std::string patched = R"({"auditID":"p","stage":"ResponseComplete","verb":"patch",
    "objectRef":{"resource":"clusterrolebindings","name":"cluster-admin",
                 "apiGroup":"rbac.authorization.k8s.io","apiVersion":"v1"},
    "responseStatus":{"metadata":{},"code":200},
    "requestObject":[{"op":"add","path":"/subjects/-","value":{"kind":"User","name":"bob"}}],
    "responseObject":{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1",
      "metadata":{"name":"cluster-admin"},"roleRef":{"kind":"ClusterRole","name":"cluster-admin"},
      "subjects":[{"kind":"User","name":"bob"}]},
    "stageTimestamp":"2025-06-02T04:40:00.000000Z"})";
  std::vector<audit_event> events;
  auto n = decode(event_list(patched + "," + exec_event), events);
  ASSERT_TRUE(n) << n.error().message;
  ASSERT_EQ(*n, 2u);
  EXPECT_FALSE(events[0].request_object);
  ASSERT_TRUE(events[0].response_object && events[0].response_object->binding_role);
  EXPECT_EQ(events[0].response_object->binding_role->name, "cluster-admin");
  EXPECT_EQ(events[1].verb, "get");
}

TEST(audit_decoder, skips_a_request_object_a_backend_replaced_by_a_placeholder) {
  std::vector<audit_event> events;
  auto n = decode(R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a",
    "requestObject":"skipped-too-big-size-object","verb":"create"})",
                  events);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_FALSE(events.at(0).request_object);
  EXPECT_EQ(events.at(0).verb, "create");
}

TEST(audit_decoder, reads_a_label_a_merge_patch_deletes_as_absent) {
  std::vector<audit_event> events;
  auto n = decode(R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a","verb":"patch",
    "requestObject":{"metadata":{"labels":{"launchguard.io/ignore":null,"team":"billing"}}}})",
                  events);
  ASSERT_TRUE(n) << n.error().message;
  const auto& labels = events.at(0).request_object->metadata.labels;
  EXPECT_FALSE(find_value(labels, "launchguard.io/ignore"));
  EXPECT_EQ(find_value(labels, "team"), "billing");
}

TEST(audit_decoder, rejects_a_label_both_set_and_deleted) {
  std::vector<audit_event> events;
  auto n = decode(R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a","verb":"patch",
    "requestObject":{"metadata":{"labels":{"launchguard.io/ignore":"true",
                                           "launchguard.io/ignore":null}}}})",
                  events);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, decode_errc::duplicate_key);
}

TEST(audit_decoder, reports_a_malformed_line_by_number_and_keeps_the_others) {
  std::string lines = one_line(exec_event) + "\n" +                                     // 1
                      "\n" +                                                            // 2
                      R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":)" +  // 3
                      "\n" + one_line(refused_create) + "\r\n" +                        // 4
                      R"({"kind":"Event","auditID":"t","stageTimestamp":"noon"})" +     // 5
                      "\n   \n" +                                                       // 6
                      one_line(event_list(exec_event)) + "\n";                          // 7
  std::vector<audit_event> events;
  auto errors = decode_lines(lines, events);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 3u);
  EXPECT_EQ(errors[0].error.code, decode_errc::invalid_json);
  EXPECT_EQ(errors[1].line, 5u);
  EXPECT_EQ(errors[1].error.code, decode_errc::wrong_type);
  EXPECT_TRUE(contains(errors[1].error.message, "stageTimestamp"));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].verb, "get");
  EXPECT_EQ(events[1].verb, "create");
  EXPECT_EQ(events[2].verb, "get");
}

TEST(audit_decoder, reads_a_last_line_without_a_newline) {
  std::vector<audit_event> events;
  auto errors = decode_lines(one_line(exec_event) + "\n" + one_line(refused_create), events);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(events.size(), 2u);
}

TEST(audit_decoder, reports_a_line_that_is_not_an_event) {
  std::vector<audit_event> events;
  auto errors =
      decode_lines(one_line(exec_event) + "\n" + R"({"kind":"Pod","apiVersion":"v1"})", events);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 2u);
  EXPECT_EQ(errors[0].error.code, decode_errc::unsupported);
  EXPECT_EQ(events.size(), 1u);
}

// An item over a cap, between two good ones: with `skipped`, the list survives it.
std::string list_with_bad_item(const std::string& bad) {
  return R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[)"
         R"({"auditID":"a1","stage":"ResponseComplete","verb":"get"},)" +
         bad + R"(,{"auditID":"a3","stage":"ResponseComplete","verb":"get"}]})";
}

std::string oversized_labels_event() {
  std::string labels;
  for (int i = 0; i <= 10000; ++i)
    labels += (i == 0 ? "" : ",") + std::string("\"l") + std::to_string(i) + "\":\"v\"";
  return R"({"auditID":"a2","stage":"ResponseComplete","verb":"create",)"
         R"("user":{"username":"mallory"},"objectRef":{"resource":"pods","namespace":"shop"},)"
         R"("requestObject":{"kind":"Pod","metadata":{"labels":{)" +
         labels + R"(}}},"stageTimestamp":"2025-06-02T09:30:00Z"})";
}

TEST(audit_decoder, an_undecodable_item_is_skipped_with_what_was_read_of_it) {
  std::string body = list_with_bad_item(oversized_labels_event());
  json_decoder decoder;
  std::vector<audit_event> out;
  std::vector<json_decoder::skipped_event> skipped;
  auto count = decoder.audit_events(padded(body), out, &skipped);
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(*count, 2u);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].audit_id, "a1");
  EXPECT_EQ(out[1].audit_id, "a3");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].index, 1u);
  EXPECT_TRUE(contains(skipped[0].error.message, "items[1].requestObject.metadata.labels"));
  EXPECT_TRUE(contains(skipped[0].error.message, "more than 10000"));
  EXPECT_EQ(skipped[0].partial.audit_id, "a2");
  EXPECT_EQ(skipped[0].partial.user.username, "mallory");
  EXPECT_EQ(skipped[0].partial.object.namespace_name, "shop");

  // Without `skipped`, the same list fails as a whole, as before.
  out.clear();
  EXPECT_FALSE(decoder.audit_events(padded(body), out));
  EXPECT_TRUE(out.empty());
}

TEST(audit_decoder, wrong_types_and_duplicate_keys_skip_one_item) {
  json_decoder decoder;
  for (std::string bad : {std::string(R"({"auditID":"a2","verb":7})"),
                          std::string(R"({"auditID":"a2","verb":"get","verb":"delete"})"),
                          std::string(R"("not an event")")}) {
    std::vector<audit_event> out;
    std::vector<json_decoder::skipped_event> skipped;
    std::string body = list_with_bad_item(bad);
    auto count = decoder.audit_events(padded(body), out, &skipped);
    ASSERT_TRUE(count) << bad << ": " << count.error().message;
    EXPECT_EQ(out.size(), 2u) << bad;
    EXPECT_EQ(skipped.size(), 1u) << bad;
  }
}

TEST(audit_decoder, invalid_json_is_never_skipped_piecemeal) {
  json_decoder decoder;
  std::vector<audit_event> out;
  std::vector<json_decoder::skipped_event> skipped;
  std::string body = list_with_bad_item(R"({"auditID":"a2","verb":tru})");
  EXPECT_FALSE(decoder.audit_events(padded(body), out, &skipped));
  std::string truncated = R"({"kind":"EventList","items":[{"auditID":"a1"},{"auditID":)";
  EXPECT_FALSE(decoder.audit_events(padded(truncated), out, &skipped));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace launchguard
