// The trackers inside admission (admit_and_track) and inside audit (observe with a tracker
// store): what is counted, what is not, how tracker findings are judged, and who the alerts
// built from them are about. Time is the now_ms or stageTimestamp each call carries.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policy/alerts/alert.hpp"
#include "policy/config/policy_loader.hpp"
#include "policy/engine/admission.hpp"
#include "policy/engine/audit.hpp"
#include "policy/track/memory_tracker_store.hpp"

namespace launchguard {
namespace {

// Decision ids are unique per request; a repeated one would be a retry of the same request.
std::string next_id() {
  static int counter = 0;
  return "d" + std::to_string(++counter);
}

constexpr std::int64_t t0 = 1'800'000'000'000;
constexpr std::int64_t second = 1'000;

constexpr const char* deployment_controller =
    "system:serviceaccount:kube-system:deployment-controller";
constexpr const char* replicaset_controller =
    "system:serviceaccount:kube-system:replicaset-controller";

// Two launches per principal per window are fine, a third is not; images are new at once.
constexpr const char* base_policy = R"(
rate:
  window: 60s
  perPrincipal: 2
  perNamespace: 100000
  spikeMinimum: 100000
  warmupWindows: 0
)";

std::shared_ptr<const policy> load(const std::string& text) {
  auto loaded = load_policy(text, "test.yaml");
  if (!loaded.ok()) throw std::runtime_error(loaded.errors.front().to_string());
  return loaded.value;
}

kube_object pod_object(const std::string& image = "registry.example.com/shop/app:1.0") {
  kube_object o;
  o.api_version = "v1";
  o.kind = "Pod";
  o.workload = workload_kind::pod;
  o.metadata.name = "p";
  o.pod.emplace();
  container c;
  c.name = "app";
  c.image = image;
  o.pod->spec.containers.push_back(c);
  return o;
}

kube_object workload_object(const std::string& kind, const std::string& name,
                            const std::string& image = "registry.example.com/shop/app:1.0") {
  kube_object o = pod_object(image);
  o.api_version = "apps/v1";
  o.kind = kind;
  o.workload = workload_kind_from(kind);
  o.metadata.name = name;
  return o;
}

kube_object owned_by(kube_object o, const std::string& kind, const std::string& name) {
  o.metadata.owner_references.push_back({"apps/v1", kind, name, name + "-uid", true});
  return o;
}

admission_request create(const kube_object& object, const std::string& user,
                         const std::string& ns = "shop") {
  admission_request r;
  r.review_api_version = "admission.k8s.io/v1";
  r.uid = "uid-" + object.metadata.name;
  bool core = object.kind == "Pod";
  std::string resource = object.kind == "Pod"          ? "pods"
                         : object.kind == "Deployment" ? "deployments"
                                                       : "replicasets";
  r.kind = {core ? "" : "apps", "v1", object.kind};
  r.resource = {core ? "" : "apps", "v1", resource};
  r.op = operation::create;
  r.namespace_name = ns;
  r.name = object.metadata.name;
  r.user.username = user;
  r.object = object;
  return r;
}

admission_request pod_create(const std::string& user, const std::string& ns = "shop",
                             const std::string& image = "registry.example.com/shop/app:1.0") {
  return create(pod_object(image), user, ns);
}

bool is_tracker_rule(rule_id rule) {
  return source_for(rule, alert_source::admission) == alert_source::tracker;
}

std::size_t fired(const decision& d, rule_id rule) {
  std::size_t n = 0;
  for (const auto& f : d.fired)
    n += f.rule == rule ? 1 : 0;
  return n;
}

std::size_t tracker_findings(const decision& d) {
  std::size_t n = 0;
  for (const auto& f : d.fired)
    n += is_tracker_rule(f.rule) ? 1 : 0;
  return n;
}

const finding* first(const decision& d, rule_id rule) {
  for (const auto& f : d.fired)
    if (f.rule == rule) return &f;
  return nullptr;
}

// ---- admission ----

TEST(admit_and_track, dry_runs_are_not_tracked) {
  auto rules = load(base_policy);
  memory_tracker_store store(1'000);
  admission_request dry = pod_create("alice");
  dry.dry_run = true;
  for (int i = 0; i < 3; ++i) {
    decision d = admit_and_track(*rules, dry, next_id(), store, t0);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(tracker_findings(d), 0u);
  }
  EXPECT_EQ(store.size(), 0u);

  // Had the dry runs counted, these would be alice's 4th and 5th launches of a known image.
  decision real = admit_and_track(*rules, pod_create("alice"), next_id(), store, t0 + second);
  EXPECT_EQ(fired(real, rule_id::image_first_seen), 1u);
  EXPECT_EQ(fired(real, rule_id::launch_rate_principal), 0u);
  EXPECT_EQ(fired(admit_and_track(*rules, pod_create("alice"), next_id(), store, t0 + second),
                  rule_id::launch_rate_principal),
            0u);
}

TEST(admit_and_track, denied_requests_are_not_tracked) {
  auto rules = load(std::string(base_policy) + "images: {deny: [\"**/xmrig*\"]}\n");
  memory_tracker_store store(1'000);
  for (int i = 0; i < 3; ++i) {
    decision d = admit_and_track(*rules, pod_create("alice", "shop", "docker.io/xmrig/xmrig:6.21"),
                                 next_id(), store, t0);
    ASSERT_FALSE(d.allowed);
    EXPECT_EQ(tracker_findings(d), 0u);
  }
  EXPECT_EQ(store.size(), 0u);
  for (int i = 0; i < 2; ++i) {
    decision d = admit_and_track(*rules, pod_create("alice"), next_id(), store, t0 + second);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(fired(d, rule_id::launch_rate_principal), 0u) << "launch " << i + 1;
  }
}

TEST(admit_and_track, an_update_with_an_unchanged_template_is_not_tracked) {
  auto rules = load(base_policy);
  memory_tracker_store store(1'000);
  admit_and_track(*rules, create(workload_object("Deployment", "web"), "alice"), next_id(), store,
                  t0);

  // carol scales web: same template, so she did not choose what its pods run.
  admission_request scale = create(workload_object("Deployment", "web"), "carol");
  scale.op = operation::update;
  scale.old_object = scale.object;
  scale.object->replicas = 10;
  decision scaled = admit_and_track(*rules, scale, next_id(), store, t0 + second);
  EXPECT_TRUE(scaled.allowed);
  EXPECT_EQ(tracker_findings(scaled), 0u);

  admit_and_track(*rules,
                  create(owned_by(workload_object("ReplicaSet", "web-1"), "Deployment", "web"),
                         deployment_controller),
                  next_id(), store, t0 + 2 * second);
  admission_request p =
      create(owned_by(pod_object(), "ReplicaSet", "web-1"), replicaset_controller);
  admit_and_track(*rules, p, next_id(), store, t0 + 3 * second);
  admit_and_track(*rules, p, next_id(), store, t0 + 3 * second);
  decision third = admit_and_track(*rules, p, next_id(), store, t0 + 3 * second);
  const finding* rate = first(third, rule_id::launch_rate_principal);
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->principal, "alice");
}

TEST(admit_and_track, an_update_that_changes_the_template_is_tracked) {
  auto rules = load(base_policy);
  memory_tracker_store store(1'000);
  admit_and_track(*rules, create(workload_object("Deployment", "web"), "alice"), next_id(), store,
                  t0);
  admission_request change =
      create(workload_object("Deployment", "web", "registry.example.com/shop/app:2.0"), "carol");
  change.op = operation::update;
  change.old_object = workload_object("Deployment", "web");
  decision d = admit_and_track(*rules, change, next_id(), store, t0 + second);
  const finding* seen = first(d, rule_id::image_first_seen);
  ASSERT_NE(seen, nullptr);
  EXPECT_EQ(seen->principal, "carol");
}

TEST(admit_and_track, a_tracker_rule_set_to_enforce_denies) {
  auto rules =
      load(std::string(base_policy) + "rules:\n  launch-rate-principal: {action: enforce}\n");
  memory_tracker_store store(1'000);
  EXPECT_TRUE(admit_and_track(*rules, pod_create("alice"), next_id(), store, t0).allowed);
  EXPECT_TRUE(admit_and_track(*rules, pod_create("alice"), next_id(), store, t0).allowed);
  decision third = admit_and_track(*rules, pod_create("alice"), next_id(), store, t0);
  EXPECT_FALSE(third.allowed);
  EXPECT_EQ(third.status_code, 403);
  EXPECT_NE(third.message.find("[launch-rate-principal]"), std::string::npos) << third.message;
  const finding* rate = first(third, rule_id::launch_rate_principal);
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->effective, action::enforce);
  EXPECT_EQ(rate->result, outcome::denied);
  bool annotated = false;
  for (const auto& [key, value] : third.audit_annotations)
    annotated = annotated || (key == "launch-rate-principal" && value == "enforce");
  EXPECT_TRUE(annotated);
}

TEST(admit_and_track, tracker_rules_follow_the_mode_in_force) {
  auto rules = load(std::string(base_policy) +
                    "mode: audit\nrules:\n  launch-rate-principal: {action: enforce}\n");
  memory_tracker_store store(1'000);
  decision d;
  for (int i = 0; i < 3; ++i)
    d = admit_and_track(*rules, pod_create("alice"), next_id(), store, t0);
  EXPECT_TRUE(d.allowed);
  const finding* rate = first(d, rule_id::launch_rate_principal);
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->effective, action::audit);
}

TEST(admit_and_track, findings_carry_the_attributed_principal_and_the_alert_names_the_sender) {
  auto rules = load(base_policy);
  memory_tracker_store store(1'000);
  admit_and_track(*rules, create(workload_object("Deployment", "web"), "alice"), next_id(), store,
                  t0);
  admit_and_track(*rules,
                  create(owned_by(workload_object("ReplicaSet", "web-1"), "Deployment", "web"),
                         deployment_controller),
                  next_id(), store, t0);
  admission_request p =
      create(owned_by(pod_object(), "ReplicaSet", "web-1"), replicaset_controller);
  decision d;
  for (int i = 0; i < 3; ++i)
    d = admit_and_track(*rules, p, "d-3", store, t0 + second);

  const finding* rate = first(d, rule_id::launch_rate_principal);
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->principal, "alice");
  alert a = admission_alert(p, *rate, "d-3", t0 + second);
  EXPECT_EQ(a.user.username, "alice");
  EXPECT_EQ(a.requester, replicaset_controller);
  EXPECT_EQ(a.source, alert_source::tracker);
  EXPECT_EQ(a.decision_id, "d-3");
}

TEST(admit_and_track, a_launch_by_its_own_principal_has_no_separate_requester) {
  auto rules = load(base_policy);
  memory_tracker_store store(1'000);
  admission_request p = pod_create("alice");
  decision d = admit_and_track(*rules, p, next_id(), store, t0);
  const finding* seen = first(d, rule_id::image_first_seen);
  ASSERT_NE(seen, nullptr);
  EXPECT_EQ(seen->principal, "alice");
  alert a = admission_alert(p, *seen, "d", t0);
  EXPECT_EQ(a.user.username, "alice");
  EXPECT_EQ(a.requester, "");
}

TEST(admit_and_track, exempt_requests_are_counted_but_their_tracker_rules_do_not_fire) {
  auto rules = load(std::string(base_policy) + "exemptions: {namespaces: [batch]}\n");
  memory_tracker_store store(1'000);
  for (int i = 0; i < 2; ++i) {
    decision d = admit_and_track(*rules, pod_create("alice", "batch"), next_id(), store, t0);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(tracker_findings(d), 0u) << "launch " << i + 1 << " of a new image, exempt";
  }
  // alice's third launch this window, of an image the trackers already saw.
  decision d = admit_and_track(*rules, pod_create("alice", "shop"), next_id(), store, t0 + second);
  EXPECT_EQ(fired(d, rule_id::launch_rate_principal), 1u);
  EXPECT_EQ(fired(d, rule_id::image_first_seen), 0u);
}

TEST(admit_and_track, an_exempt_burst_above_the_limits_raises_nothing) {
  auto rules = load(std::string(base_policy) + "exemptions: {namespaces: [batch]}\n");
  memory_tracker_store store(1'000);
  for (int i = 0; i < 10; ++i) {
    decision d = admit_and_track(*rules, pod_create("bob", "batch"), next_id(), store, t0);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(tracker_findings(d), 0u) << "launch " << i + 1;
  }
}

TEST(admit_and_track, an_exempt_burst_does_not_use_up_the_alert_of_the_window) {
  auto rules = load(std::string(base_policy) + "exemptions: {namespaces: [batch]}\n");
  memory_tracker_store store(1'000);
  for (int i = 0; i < 10; ++i)
    admit_and_track(*rules, pod_create("alice", "batch"), next_id(), store, t0);
  // alice is far above perPrincipal; her first launch where she is not exempt reports it.
  decision d = admit_and_track(*rules, pod_create("alice", "shop"), next_id(), store, t0 + second);
  EXPECT_EQ(fired(d, rule_id::launch_rate_principal), 1u);
  decision again =
      admit_and_track(*rules, pod_create("alice", "shop"), next_id(), store, t0 + 2 * second);
  EXPECT_EQ(fired(again, rule_id::launch_rate_principal), 0u) << "once per window";
}

// ---- audit ----

audit_event pod_create_event(const std::string& audit_id, const std::string& user,
                             const kube_object& pod, std::int64_t time,
                             const std::string& ns = "shop") {
  audit_event e;
  e.api_version = "audit.k8s.io/v1";
  e.level = "RequestResponse";
  e.audit_id = audit_id;
  e.stage = "ResponseComplete";
  e.request_uri = "/api/v1/namespaces/" + ns + "/pods";
  e.verb = "create";
  e.user.username = user;
  e.source_ips = {"10.0.0.7"};
  e.object = {"pods", "", ns, pod.metadata.name, "", "v1", ""};
  e.response_code = 201;
  e.request_object = pod;
  e.response_object = pod;
  e.request_received_ms = time;
  e.stage_ms = time;
  return e;
}

audit_event status_event(const std::string& audit_id, const std::string& image,
                         const std::string& image_id, std::int64_t time) {
  kube_object p = pod_object(image);
  p.metadata.name = "web-1";
  p.metadata.namespace_name = "shop";
  p.container_statuses.push_back({"app", image, image_id});
  audit_event e = pod_create_event(audit_id, "system:node:node-1", p, time);
  e.verb = "patch";
  e.request_uri = "/api/v1/namespaces/shop/pods/web-1/status";
  e.object.subresource = "status";
  e.response_code = 200;
  e.request_object.reset();
  return e;
}

std::vector<alert> only(const std::vector<alert>& alerts, rule_id rule) {
  std::vector<alert> out;
  for (const auto& a : alerts)
    if (a.rule == rule) out.push_back(a);
  return out;
}

constexpr const char* audit_policy = R"(
rate:
  window: 60s
  perPrincipal: 1
  perNamespace: 100000
  spikeMinimum: 100000
  warmupWindows: 0
)";

TEST(observe_with_trackers, a_pod_create_seen_only_in_audit_counts_once) {
  auto rules = load(audit_policy);
  memory_tracker_store store(1'000);
  audit_memory memory(1'000, &store);
  const self_identity self;

  audit_event received = pod_create_event("a-1", "alice", pod_object(), t0);
  received.stage = "RequestReceived";
  EXPECT_TRUE(observe(*rules, received, memory, self).empty());
  auto complete = observe(*rules, pod_create_event("a-1", "alice", pod_object(), t0), memory, self);
  EXPECT_EQ(only(complete, rule_id::launch_rate_principal).size(), 0u) << "one launch, not two";
  EXPECT_EQ(only(complete, rule_id::image_first_seen).size(), 1u);

  kube_object second_pod = pod_object();
  second_pod.metadata.name = "q";
  auto next =
      observe(*rules, pod_create_event("a-2", "alice", second_pod, t0 + second), memory, self);
  auto rate = only(next, rule_id::launch_rate_principal);
  ASSERT_EQ(rate.size(), 1u);
  EXPECT_EQ(rate[0].source, alert_source::tracker);
  EXPECT_EQ(rate[0].user.username, "alice");
  EXPECT_EQ(rate[0].result, outcome::recorded);
  EXPECT_EQ(rate[0].time_ms, t0 + second) << "timed by the stageTimestamp";
}

TEST(observe_with_trackers, a_pod_create_with_our_decision_id_is_not_counted_again) {
  auto rules = load(audit_policy);
  memory_tracker_store store(1'000);
  audit_memory memory(1'000, &store);
  const self_identity self;

  decision admitted = admit_and_track(*rules, pod_create("alice"), "d-1", store, t0);
  ASSERT_TRUE(admitted.allowed);
  audit_event seen = pod_create_event("a-1", "alice", pod_object(), t0 + 100);
  seen.annotations.emplace_back("launchguard.launchguard.svc/decision-id", "d-1");
  auto alerts = observe(*rules, seen, memory, self);
  for (const auto& a : alerts)
    EXPECT_NE(a.source, alert_source::tracker) << to_string(a.rule) << " raised twice";

  // So alice's next pod is her second launch, and admission is the one to report it.
  decision next = admit_and_track(*rules, pod_create("alice"), "d-2", store, t0 + second);
  EXPECT_EQ(fired(next, rule_id::launch_rate_principal), 1u);
}

TEST(observe_with_trackers, a_decision_id_from_another_webhook_does_not_count_as_ours) {
  auto rules = load(audit_policy);
  memory_tracker_store store(1'000);
  audit_memory memory(1'000, &store);
  const self_identity self;
  admit_and_track(*rules, pod_create("alice"), "d-1", store, t0);
  audit_event other = pod_create_event("a-2", "alice", pod_object(), t0 + 100);
  other.annotations.emplace_back("gatekeeper.sh/decision-id", "g-1");
  EXPECT_EQ(only(observe(*rules, other, memory, self), rule_id::launch_rate_principal).size(), 1u);
}

TEST(observe_with_trackers, a_dry_run_in_audit_is_not_counted) {
  auto rules = load(audit_policy);
  memory_tracker_store store(1'000);
  audit_memory memory(1'000, &store);
  const self_identity self;
  audit_event dry = pod_create_event("a-1", "alice", pod_object(), t0);
  dry.request_uri += "?dryRun=All";
  EXPECT_TRUE(observe(*rules, dry, memory, self).empty());
  EXPECT_EQ(store.size(), 0u);
}

TEST(observe_with_trackers, a_failed_pod_create_is_not_counted) {
  auto rules = load(audit_policy);
  memory_tracker_store store(1'000);
  audit_memory memory(1'000, &store);
  const self_identity self;
  audit_event failed = pod_create_event("a-1", "alice", pod_object(), t0);
  failed.response_code = 403;
  for (const auto& a : observe(*rules, failed, memory, self))
    EXPECT_NE(a.source, alert_source::tracker) << to_string(a.rule);
  auto next =
      observe(*rules, pod_create_event("a-2", "alice", pod_object(), t0 + second), memory, self);
  EXPECT_EQ(only(next, rule_id::launch_rate_principal).size(), 0u) << "alice's first launch";
}

TEST(observe_with_trackers, an_impersonated_launch_is_the_impersonated_users_with_the_requester) {
  auto rules = load(audit_policy);
  memory_tracker_store store(1'000);
  audit_memory memory(1'000, &store);
  const self_identity self;
  std::vector<alert> alerts;
  for (const char* id : {"a-1", "a-2"}) {
    audit_event e = pod_create_event(id, "bob", pod_object(), t0);
    e.impersonated_user = user_info{"alice", "", {}};
    alerts = observe(*rules, e, memory, self);
  }
  auto rate = only(alerts, rule_id::launch_rate_principal);
  ASSERT_EQ(rate.size(), 1u);
  EXPECT_EQ(rate[0].user.username, "alice");
  EXPECT_EQ(rate[0].requester, "bob");
}

TEST(observe_with_trackers, an_audit_only_launch_is_attributed_along_the_owner_chain) {
  auto rules = load(audit_policy);
  memory_tracker_store store(1'000);
  audit_memory memory(1'000, &store);
  const self_identity self;
  admit_and_track(*rules, create(workload_object("Deployment", "web"), "alice"), next_id(), store,
                  t0);
  admit_and_track(*rules,
                  create(owned_by(workload_object("ReplicaSet", "web-1"), "Deployment", "web"),
                         deployment_controller),
                  next_id(), store, t0);
  kube_object p = owned_by(pod_object(), "ReplicaSet", "web-1");
  std::vector<alert> alerts;
  for (const char* id : {"a-1", "a-2"})
    alerts =
        observe(*rules, pod_create_event(id, replicaset_controller, p, t0 + second), memory, self);
  auto rate = only(alerts, rule_id::launch_rate_principal);
  ASSERT_EQ(rate.size(), 1u);
  EXPECT_EQ(rate[0].user.username, "alice");
  EXPECT_EQ(rate[0].requester, replicaset_controller);
}

TEST(observe_with_trackers, pod_status_events_feed_image_tag_drift) {
  auto rules = load(audit_policy);
  memory_tracker_store store(1'000);
  audit_memory memory(1'000, &store);
  const self_identity self;
  const std::string tag = "registry.example.com/shop/app:1.0";
  const std::string repo = "registry.example.com/shop/app@sha256:";
  const std::string digest_a = std::string(64, 'a');
  const std::string digest_b = std::string(64, 'b');

  EXPECT_TRUE(only(observe(*rules, status_event("s-1", tag, repo + digest_a, t0), memory, self),
                   rule_id::image_tag_drift)
                  .empty());
  EXPECT_TRUE(
      only(observe(*rules, status_event("s-2", tag, "sha256:abc", t0 + second), memory, self),
           rule_id::image_tag_drift)
          .empty())
      << "a config digest says nothing about the registry";
  auto drift = only(
      observe(*rules, status_event("s-3", tag, repo + digest_b, t0 + 2 * second), memory, self),
      rule_id::image_tag_drift);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_EQ(drift[0].source, alert_source::tracker);
  EXPECT_EQ(drift[0].namespace_name, "shop");
  EXPECT_EQ(drift[0].user.username, "system:node:node-1");
  EXPECT_TRUE(only(observe(*rules, status_event("s-4", tag, repo + digest_b, t0 + 3 * second),
                           memory, self),
                   rule_id::image_tag_drift)
                  .empty())
      << "once per new digest";
}

TEST(observe_with_trackers, status_events_never_count_as_launches) {
  auto rules = load(audit_policy);
  memory_tracker_store store(1'000);
  audit_memory memory(1'000, &store);
  const self_identity self;
  const std::string tag = "registry.example.com/shop/app:1.0";
  for (const char* id : {"s-1", "s-2", "s-3"}) {
    for (const auto& a :
         observe(*rules,
                 status_event(id, tag,
                              "registry.example.com/shop/app@sha256:" + std::string(64, 'a'), t0),
                 memory, self))
      EXPECT_NE(a.rule, rule_id::launch_rate_principal);
  }
}

}  // namespace
}  // namespace launchguard
