#include "policy/engine/admission.hpp"

#include <algorithm>
#include <stdexcept>

#include <gtest/gtest.h>

#include "policy/config/policy_loader.hpp"

namespace launchguard {
namespace {

std::shared_ptr<const policy> load(const std::string& text) {
  auto loaded = load_policy(text, "test.yaml");
  if (!loaded.ok()) throw std::runtime_error(loaded.errors.front().to_string());
  return loaded.value;
}

violations throwing_evaluator(const policy&, const admission_request&, const namespace_settings&) {
  throw std::runtime_error("boom");
}

admission_request pod_create(std::string ns = "shop") {
  admission_request r;
  r.review_api_version = "admission.k8s.io/v1";
  r.uid = "u";
  r.kind = {"", "v1", "Pod"};
  r.resource = {"", "v1", "pods"};
  r.op = operation::create;
  r.namespace_name = std::move(ns);
  r.name = "p";
  r.user.username = "alice";
  kube_object object;
  object.kind = "Pod";
  object.workload = workload_kind::pod;
  object.pod.emplace();
  object.pod->spec.containers.push_back(container{});
  object.pod->spec.containers[0].name = "app";
  object.pod->spec.containers[0].image = "nginx:1.27";
  r.object = object;
  return r;
}

TEST(admission, every_decision_carries_its_decision_id) {
  auto p = load("{}");
  decision d = admit(*p, pod_create(), "id-7");
  ASSERT_FALSE(d.audit_annotations.empty());
  EXPECT_EQ(d.audit_annotations[0], (std::pair<std::string, std::string>{"decision-id", "id-7"}));
  EXPECT_TRUE(d.allowed);
}

TEST(admission, internal_error_with_failure_mode_closed_denies) {
  auto p = load("failureMode: closed\n");
  decision d = admit_with(*p, pod_create(), "id", throwing_evaluator);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.status_code, 403);
  EXPECT_NE(d.message.find("could not evaluate"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("boom"), std::string::npos);
  ASSERT_EQ(d.fired.size(), 1u);
  EXPECT_EQ(d.fired[0].rule, rule_id::webhook_internal_error);
  EXPECT_EQ(d.fired[0].result, outcome::denied);
}

TEST(admission, internal_error_with_failure_mode_open_allows_and_records) {
  auto p = load("failureMode: open\n");
  decision d = admit_with(*p, pod_create(), "id", throwing_evaluator);
  EXPECT_TRUE(d.allowed);
  ASSERT_EQ(d.fired.size(), 1u);
  EXPECT_EQ(d.fired[0].rule, rule_id::webhook_internal_error);
  EXPECT_EQ(d.fired[0].result, outcome::recorded);
  EXPECT_EQ(d.fired[0].level, severity::high);
}

TEST(admission, audit_mode_denies_nothing_even_when_failure_mode_is_closed) {
  auto p = load("mode: audit\nfailureMode: closed\n");
  decision d = admit_with(*p, pod_create(), "id", throwing_evaluator);
  EXPECT_TRUE(d.allowed);
  ASSERT_EQ(d.fired.size(), 1u);
  EXPECT_EQ(d.fired[0].effective, action::audit);
}

TEST(admission, a_namespace_in_audit_mode_is_not_denied_on_internal_error) {
  auto p = load("failureMode: closed\nnamespaces: [{match: \"lab-*\", mode: audit}]\n");
  EXPECT_TRUE(admit_with(*p, pod_create("lab-1"), "id", throwing_evaluator).allowed);
  EXPECT_FALSE(admit_with(*p, pod_create("prod"), "id", throwing_evaluator).allowed);
}

TEST(admission, an_undecodable_object_follows_failure_mode) {
  admission_request shell = pod_create();
  shell.object.reset();  // what admission_review_shell reads: the identity, no object
  decision closed = admit_undecodable(*load("failureMode: closed\n"), shell, "id", "too many");
  EXPECT_FALSE(closed.allowed);
  EXPECT_NE(closed.message.find("does not decode: too many"), std::string::npos) << closed.message;
  ASSERT_EQ(closed.fired.size(), 1u);
  EXPECT_EQ(closed.fired[0].rule, rule_id::webhook_internal_error);
  EXPECT_EQ(closed.audit_annotations.front().first, "decision-id");

  decision open = admit_undecodable(*load("failureMode: open\n"), shell, "id", "too many");
  EXPECT_TRUE(open.allowed);
  ASSERT_EQ(open.fired.size(), 1u);
  EXPECT_EQ(open.fired[0].result, outcome::recorded);
}

TEST(admission, audit_annotation_keys_never_contain_a_slash) {
  auto p = load("{}");
  admission_request r = pod_create();
  auto& c = r.object->pod->spec.containers[0];
  c.security_context.emplace().privileged = true;
  decision d = admit(*p, r, "id");
  ASSERT_GT(d.audit_annotations.size(), 1u);
  for (const auto& [key, value] : d.audit_annotations)
    EXPECT_EQ(key.find('/'), std::string::npos) << key;
}

TEST(admission, shorten_keeps_short_text_and_never_splits_a_utf8_character) {
  EXPECT_EQ(shorten("short", 120), "short");
  std::string text(118, 'a');
  text += "\xc3\xa9\xc3\xa9";  // two two-byte characters: 122 bytes
  std::string cut = shorten(text, 120);
  EXPECT_LE(cut.size(), 120u);
  EXPECT_EQ(cut.substr(cut.size() - 3), "...");
  EXPECT_NE(static_cast<unsigned char>(cut[cut.size() - 4]), 0xc3)
      << "a lead byte without its continuation";
}

TEST(admission, pod_under_review_skips_subresources_and_unchanged_templates) {
  admission_request create = pod_create();
  EXPECT_NE(pod_under_review(create), nullptr);
  admission_request status = create;
  status.op = operation::update;
  status.sub_resource = "status";
  EXPECT_EQ(pod_under_review(status), nullptr);
  admission_request same = create;
  same.op = operation::update;
  same.old_object = same.object;
  EXPECT_EQ(pod_under_review(same), nullptr);
  same.object->pod->spec.containers[0].image = "nginx:1.28";
  EXPECT_NE(pod_under_review(same), nullptr);
  admission_request removal = create;
  removal.op = operation::del;
  EXPECT_EQ(pod_under_review(removal), nullptr);
}

TEST(admission, scheduler_bypass_counts_only_a_node_name_the_request_sets) {
  auto p = load("{}");
  admission_request create = pod_create();
  create.object->pod->spec.node_name = "node-1";
  auto fired = [](const decision& d, rule_id rule) {
    return std::any_of(d.fired.begin(), d.fired.end(),
                       [&](const finding& f) { return f.rule == rule; });
  };
  EXPECT_TRUE(fired(admit(*p, create, "id"), rule_id::scheduler_bypass));

  admission_request image_change = create;  // a running pod: the scheduler set nodeName
  image_change.op = operation::update;
  image_change.old_object = create.object;
  image_change.object->pod->spec.containers[0].image = "nginx:1.28";
  EXPECT_FALSE(fired(admit(*p, image_change, "id"), rule_id::scheduler_bypass));

  admission_request moved = image_change;
  moved.object->pod->spec.node_name = "node-2";
  EXPECT_TRUE(fired(admit(*p, moved, "id"), rule_id::scheduler_bypass));
}

}  // namespace
}  // namespace launchguard
