// The trackers' rules over sequences of launches and workload changes, timed by an explicit
// clock (the time each change carries): launch-rate-principal, launch-rate-namespace,
// launch-rate-spike and resource-request-spike through warm-up, steady state, spike and decay;
// attribution along owner chains; image-first-seen and image-tag-drift; persistence across a
// restart and eviction at the cap.

#include "policy/track/launch_tracker.hpp"

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policy/config/policy_loader.hpp"
#include "policy/decode/json_decoder.hpp"
#include "policy/track/memory_tracker_store.hpp"

namespace launchguard {
namespace {

constexpr std::int64_t t0 = 1'800'000'000'000;  // on a window boundary
constexpr std::int64_t second = 1'000;
constexpr std::int64_t sub_window = 10 * second;  // of a 60s window

const std::string digest_a = "sha256:" + std::string(64, 'a');
const std::string digest_b = "sha256:" + std::string(64, 'b');
const std::string digest_c = "sha256:" + std::string(64, 'c');

std::shared_ptr<const policy> load(const std::string& text) {
  auto loaded = load_policy(text, "test.yaml");
  if (!loaded.ok()) throw std::runtime_error(loaded.errors.front().to_string());
  return loaded.value;
}

container make_container(std::string name, std::string image,
                         container_kind kind = container_kind::regular) {
  container c;
  c.kind = kind;
  c.name = std::move(name);
  c.image = std::move(image);
  return c;
}

kube_object pod(const std::string& image = "registry.example.com/shop/app:1.0") {
  kube_object o;
  o.api_version = "v1";
  o.kind = "Pod";
  o.workload = workload_kind::pod;
  o.pod.emplace();
  o.pod->spec.containers.push_back(make_container("app", image));
  return o;
}

kube_object cpu_pod(const std::string& cpu) {
  kube_object o = pod();
  o.pod->spec.containers[0].requests.cpu = cpu;
  return o;
}

// A Deployment, ReplicaSet, Job, CronJob... with a one-container template.
kube_object workload(const std::string& kind, const std::string& name,
                     const std::string& image = "registry.example.com/shop/app:1.0") {
  kube_object o = pod(image);
  o.api_version = kind == "Job" || kind == "CronJob" ? "batch/v1" : "apps/v1";
  o.kind = kind;
  o.workload = workload_kind_from(kind);
  o.metadata.name = name;
  return o;
}

kube_object owned_by(kube_object o, const std::string& kind, const std::string& name,
                     bool controller = true) {
  o.metadata.owner_references.push_back({"apps/v1", kind, name, name + "-uid", controller});
  return o;
}

// A pod decoded from its JSON the way admission decodes it, for resource names such as
// nvidia.com/gpu.
kube_object decoded_pod(const std::string& pod_json) {
  std::string review = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
    "uid":"u","kind":{"group":"","version":"v1","kind":"Pod"},
    "resource":{"group":"","version":"v1","resource":"pods"},"name":"p","namespace":"shop",
    "operation":"CREATE","userInfo":{"username":"alice"},"object":)" +
                       pod_json + "}}";
  json_decoder decoder;
  auto decoded = decoder.admission_review(padded(review));
  if (!decoded) throw std::runtime_error(decoded.error().message);
  return *decoded->object;
}

std::size_t count(const violations& found, rule_id rule) {
  std::size_t n = 0;
  for (const auto& v : found)
    n += v.rule == rule ? 1 : 0;
  return n;
}

const violation* first(const violations& found, rule_id rule) {
  for (const auto& v : found)
    if (v.rule == rule) return &v;
  return nullptr;
}

std::string evidence(const violation& v, const std::string& key) {
  auto value = find_value(v.evidence, key);
  return value ? std::string(*value) : std::string("<absent>");
}

// One policy and one store, driven by explicit times.
class tracker {
 public:
  explicit tracker(const std::string& policy_yaml) : tracker(load(policy_yaml)) {}
  explicit tracker(std::shared_ptr<const policy> rules)
      : rules_(std::move(rules)), store_(static_cast<std::size_t>(rules_->tracked_keys)) {}

  // A Pod CREATE by `user` at `time`, its findings reported as the engine reports them.
  tracked launch(const kube_object& pod, const std::string& user, std::int64_t time,
                 const std::string& ns = "shop") {
    return reported(track_change(*rules_, store_, {time, ns, &pod, user_info{user, "", {}}, true}),
                    time);
  }
  // A workload CREATE or a template change.
  tracked change(const kube_object& object, const std::string& user, std::int64_t time,
                 const std::string& ns = "shop") {
    return reported(
        track_change(*rules_, store_, {time, ns, &object, user_info{user, "", {}}, false}), time);
  }
  // What claim_reports does after judging: a once-per-window finding is reported only while its
  // key is free, and reporting takes the key.
  tracked reported(tracked t, std::int64_t time) {
    std::erase_if(t.found, [&](const violation& v) {
      return !v.claim.empty() &&
             !store_.add_if_absent(v.claim, "", time, time + rules_->rate.window.count());
    });
    return t;
  }
  // `n` launches at `time`, all the findings together.
  violations burst(int n, const std::string& user, std::int64_t time,
                   const std::string& ns = "shop", const kube_object& p = pod()) {
    violations all;
    for (int i = 0; i < n; ++i) {
      auto found = launch(p, user, time, ns).found;
      all.insert(all.end(), found.begin(), found.end());
    }
    return all;
  }
  // One launch per sub-window from `from` for `sub_windows` sub-windows.
  violations steady(std::int64_t from, int sub_windows, const std::string& ns = "shop",
                    const kube_object& p = pod()) {
    violations all;
    for (int i = 0; i < sub_windows; ++i) {
      auto found = launch(p, "alice", from + i * sub_window, ns).found;
      all.insert(all.end(), found.begin(), found.end());
    }
    return all;
  }

  const policy& rules() const { return *rules_; }
  memory_tracker_store& store() { return store_; }

 private:
  std::shared_ptr<const policy> rules_;
  memory_tracker_store store_;
};

// ---- launch-rate-principal ----

constexpr const char* principal_policy = R"(
rate:
  window: 60s
  perPrincipal: 3
  perNamespace: 100000
  spikeMinimum: 100000
  warmupWindows: 1
)";

TEST(launch_rate_principal, fires_above_per_principal_once_per_window) {
  tracker t(principal_policy);
  EXPECT_EQ(count(t.burst(3, "alice", t0), rule_id::launch_rate_principal), 0u);

  tracked fourth = t.launch(pod(), "alice", t0 + 3 * second);
  ASSERT_EQ(count(fourth.found, rule_id::launch_rate_principal), 1u);
  const violation& v = *first(fourth.found, rule_id::launch_rate_principal);
  EXPECT_EQ(evidence(v, "principal"), "alice");
  EXPECT_EQ(evidence(v, "launches"), "4");
  EXPECT_NE(v.message.find("rate.perPrincipal 3"), std::string::npos) << v.message;
  EXPECT_EQ(fourth.principal, "alice");

  EXPECT_EQ(count(t.burst(5, "alice", t0 + 4 * second), rule_id::launch_rate_principal), 0u)
      << "once per window";
}

TEST(launch_rate_principal, fires_again_in_a_later_window) {
  tracker t(principal_policy);
  EXPECT_EQ(count(t.burst(5, "alice", t0), rule_id::launch_rate_principal), 1u);
  EXPECT_EQ(count(t.burst(5, "alice", t0 + 120 * second), rule_id::launch_rate_principal), 1u);
}

TEST(launch_rate_principal, counts_each_principal_apart) {
  tracker t(principal_policy);
  t.burst(3, "alice", t0);
  EXPECT_EQ(count(t.burst(3, "bob", t0 + second), rule_id::launch_rate_principal), 0u);
  EXPECT_EQ(count(t.burst(1, "alice", t0 + 2 * second), rule_id::launch_rate_principal), 1u);
}

TEST(launch_rate_principal, counts_launches_within_one_sliding_window) {
  tracker t(principal_policy);
  t.burst(3, "alice", t0);
  // 50s later is the same window: four launches.
  EXPECT_EQ(count(t.burst(1, "alice", t0 + 50 * second), rule_id::launch_rate_principal), 1u);

  tracker apart(principal_policy);
  apart.burst(3, "alice", t0);
  // 60s later the first three have left the window.
  EXPECT_EQ(count(apart.burst(3, "alice", t0 + 60 * second), rule_id::launch_rate_principal), 0u);
}

TEST(launch_rate_principal, a_steady_rate_at_the_limit_never_fires) {
  tracker t(principal_policy);
  violations found;
  for (int i = 0; i < 30; ++i) {  // one every 20s: three per window
    auto f = t.launch(pod(), "alice", t0 + i * 20 * second).found;
    found.insert(found.end(), f.begin(), f.end());
  }
  EXPECT_EQ(count(found, rule_id::launch_rate_principal), 0u);
}

TEST(launch_rate_principal, workload_changes_are_not_launches) {
  tracker t(principal_policy);
  for (int i = 0; i < 10; ++i) {
    auto found = t.change(workload("Deployment", "web-" + std::to_string(i)), "alice", t0).found;
    EXPECT_EQ(count(found, rule_id::launch_rate_principal), 0u);
  }
  EXPECT_EQ(count(t.burst(3, "alice", t0), rule_id::launch_rate_principal), 0u);
}

// ---- launch-rate-namespace ----

constexpr const char* namespace_policy = R"(
rate:
  window: 60s
  perPrincipal: 100000
  perNamespace: 5
  spikeMinimum: 100000
  warmupWindows: 1
)";

TEST(launch_rate_namespace, fires_above_per_namespace_once_per_window_whoever_launches) {
  tracker t(namespace_policy);
  violations found;
  for (int i = 0; i < 5; ++i) {
    auto f = t.launch(pod(), "user-" + std::to_string(i), t0 + i * second).found;
    found.insert(found.end(), f.begin(), f.end());
  }
  EXPECT_EQ(count(found, rule_id::launch_rate_namespace), 0u);

  tracked sixth = t.launch(pod(), "user-5", t0 + 5 * second);
  ASSERT_EQ(count(sixth.found, rule_id::launch_rate_namespace), 1u);
  EXPECT_EQ(evidence(*first(sixth.found, rule_id::launch_rate_namespace), "launches"), "6");
  EXPECT_EQ(count(t.burst(3, "user-6", t0 + 6 * second), rule_id::launch_rate_namespace), 0u);

  EXPECT_EQ(count(t.burst(6, "user-7", t0 + 7 * second, "other"), rule_id::launch_rate_namespace),
            1u)
      << "another namespace counts on its own";
  EXPECT_EQ(count(t.burst(6, "user-8", t0 + 120 * second), rule_id::launch_rate_namespace), 1u)
      << "a later window";
}

// ---- launch-rate-spike ----

// The baseline learns per sub-window with alpha = 2 / (2 * 6 + 1): one launch per sub-window
// settles near 6 per window.
constexpr const char* spike_policy = R"(
rate:
  window: 60s
  perPrincipal: 100000
  perNamespace: 100000
  spikeFactor: 3
  spikeMinimum: 5
  warmupWindows: 2
)";

TEST(launch_rate_spike, is_silent_during_warm_up_even_for_a_big_burst) {
  tracker t(spike_policy);
  EXPECT_EQ(count(t.burst(100, "alice", t0), rule_id::launch_rate_spike), 0u)
      << "nothing learned yet";
  // One window learned out of two: the baseline is still mostly the first burst's tail.
  EXPECT_EQ(count(t.burst(100, "alice", t0 + 70 * second), rule_id::launch_rate_spike), 0u);

  tracker quiet(spike_policy);
  quiet.launch(pod(), "alice", t0);
  EXPECT_EQ(count(quiet.burst(100, "alice", t0 + 70 * second), rule_id::launch_rate_spike), 0u)
      << "a quiet first window is not a baseline to judge by";
}

TEST(launch_rate_spike, steady_state_is_quiet_and_a_burst_fires_once) {
  tracker t(spike_policy);
  EXPECT_EQ(count(t.steady(t0, 60), rule_id::launch_rate_spike), 0u) << "ten steady windows";

  // Window total 5 + 20 against a baseline near 6: above 3 x 6 and above 5.
  violations spike = t.burst(20, "alice", t0 + 60 * sub_window);
  ASSERT_EQ(count(spike, rule_id::launch_rate_spike), 1u);
  const violation& v = *first(spike, rule_id::launch_rate_spike);
  EXPECT_NEAR(std::stod(evidence(v, "baseline")), 6, 0.05);
  double launches = std::stod(evidence(v, "launches"));
  EXPECT_GT(launches, 3 * 6 - 0.05);
  EXPECT_LE(launches, 3 * 6 + 1) << "the first launch above 3 x the baseline fires";
}

TEST(launch_rate_spike, a_burst_below_spike_minimum_does_not_fire) {
  tracker t(R"(
rate:
  window: 60s
  perPrincipal: 100000
  perNamespace: 100000
  spikeFactor: 3
  spikeMinimum: 10
  warmupWindows: 2
)");
  // One launch per window: a baseline below 2, so 8 is over three times it...
  for (int k = 0; k < 10; ++k)
    t.launch(pod(), "alice", t0 + k * 60 * second);
  EXPECT_EQ(count(t.burst(8, "alice", t0 + 600 * second), rule_id::launch_rate_spike), 0u)
      << "...but not above spikeMinimum 10";
  EXPECT_EQ(count(t.burst(3, "alice", t0 + 601 * second), rule_id::launch_rate_spike), 1u)
      << "11 is";
}

TEST(launch_rate_spike, after_a_spike_the_baseline_decays_back_and_the_next_spike_fires) {
  tracker t(spike_policy);
  t.steady(t0, 60);
  ASSERT_EQ(count(t.burst(20, "alice", t0 + 60 * sub_window), rule_id::launch_rate_spike), 1u);

  // Right after, the spike has lifted the baseline: the same burst is not three times it.
  t.steady(t0 + 61 * sub_window, 5);
  EXPECT_EQ(count(t.burst(20, "alice", t0 + 66 * sub_window), rule_id::launch_rate_spike), 0u);

  // Ten steady windows later the baseline has settled near 6 again.
  EXPECT_EQ(count(t.steady(t0 + 67 * sub_window, 60), rule_id::launch_rate_spike), 0u);
  violations again = t.burst(20, "alice", t0 + 127 * sub_window);
  ASSERT_EQ(count(again, rule_id::launch_rate_spike), 1u);
  EXPECT_NEAR(std::stod(evidence(*first(again, rule_id::launch_rate_spike), "baseline")), 6, 0.05);
}

TEST(launch_rate_spike, a_namespace_gone_quiet_decays_to_a_low_baseline) {
  tracker t(spike_policy);
  // A busy namespace, 5 launches per sub-window: a burst of 20 is nothing special.
  for (int i = 0; i < 60; ++i)
    t.burst(5, "alice", t0 + i * sub_window);
  EXPECT_EQ(count(t.burst(20, "alice", t0 + 60 * sub_window), rule_id::launch_rate_spike), 0u);
  // Then quiet for ten windows: the same burst now stands out.
  t.launch(pod(), "alice", t0 + 120 * sub_window);
  EXPECT_EQ(count(t.burst(20, "alice", t0 + 121 * sub_window), rule_id::launch_rate_spike), 1u);
}

// ---- resource-request-spike ----

constexpr const char* ceiling_policy = R"(
rate:
  podCeiling: {cpu: "16", memory: 64Gi, gpu: 1}
  warmupWindows: 1
)";

// The pod-scope finding, or null.
const violation* pod_scope(const violations& found) {
  for (const auto& v : found)
    if (v.rule == rule_id::resource_request_spike && evidence(v, "scope") == "pod") return &v;
  return nullptr;
}

TEST(resource_request_spike, a_pod_above_the_cpu_ceiling_fires) {
  tracker t(ceiling_policy);
  tracked over = t.launch(cpu_pod("17"), "alice", t0);
  const violation* v = pod_scope(over.found);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(evidence(*v, "over"), "cpu 17 > 16");
  EXPECT_EQ(pod_scope(t.launch(cpu_pod("16"), "alice", t0).found), nullptr) << "at the ceiling";
  EXPECT_NE(pod_scope(t.launch(cpu_pod("16500m"), "bob", t0).found), nullptr);
}

TEST(resource_request_spike, a_pod_above_the_memory_ceiling_fires) {
  tracker t(ceiling_policy);
  kube_object big = pod();
  big.pod->spec.containers[0].requests.memory = "65Gi";
  tracked over = t.launch(big, "alice", t0);
  const violation* v = pod_scope(over.found);
  ASSERT_NE(v, nullptr);
  EXPECT_NE(evidence(*v, "over").find("memory"), std::string::npos) << evidence(*v, "over");
  big.pod->spec.containers[0].requests.memory = "64Gi";
  EXPECT_EQ(pod_scope(t.launch(big, "alice", t0).found), nullptr);
}

TEST(resource_request_spike, a_pod_above_the_gpu_ceiling_fires) {
  tracker t(ceiling_policy);
  kube_object miner = decoded_pod(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "spec":{"containers":[{"name":"app","image":"registry.example.com/ml/train:1",
      "resources":{"limits":{"nvidia.com/gpu":"2"},"requests":{"nvidia.com/gpu":"2"}}}]}})");
  tracked over = t.launch(miner, "alice", t0);
  const violation* v = pod_scope(over.found);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(evidence(*v, "over"), "gpu 2 > 1");

  kube_object one = decoded_pod(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "spec":{"containers":[{"name":"app","image":"registry.example.com/ml/train:1",
      "resources":{"limits":{"nvidia.com/gpu":"1"}}}]}})");
  EXPECT_EQ(pod_scope(t.launch(one, "alice", t0).found), nullptr);
}

TEST(resource_request_spike, a_request_defaults_to_its_limit) {
  tracker t(ceiling_policy);
  kube_object limited = pod();
  limited.pod->spec.containers[0].limits.cpu = "20";
  EXPECT_NE(pod_scope(t.launch(limited, "alice", t0).found), nullptr);

  limited.pod->spec.containers[0].requests.cpu = "1";
  EXPECT_EQ(pod_scope(t.launch(limited, "alice", t0).found), nullptr) << "the request wins";
}

TEST(resource_request_spike, regular_containers_add_up_and_init_containers_count_as_the_largest) {
  tracker t(ceiling_policy);
  kube_object two = cpu_pod("9");
  two.pod->spec.containers.push_back(make_container("sidecar", "registry.example.com/shop/log:1"));
  two.pod->spec.containers[1].requests.cpu = "9";
  EXPECT_NE(pod_scope(t.launch(two, "alice", t0).found), nullptr) << "9 + 9 > 16";

  kube_object inits = cpu_pod("1");
  for (const char* name : {"migrate", "seed"}) {
    inits.pod->spec.containers.push_back(
        make_container(name, "registry.example.com/shop/tools:1", container_kind::init));
    inits.pod->spec.containers.back().requests.cpu = "10";
  }
  EXPECT_EQ(pod_scope(t.launch(inits, "alice", t0).found), nullptr)
      << "init containers run one at a time: 10, not 20";

  inits.pod->spec.containers.back().requests.cpu = "17";
  EXPECT_NE(pod_scope(t.launch(inits, "alice", t0).found), nullptr) << "the largest init is 17";
}

// A ceiling of 4 cores: the floor a namespace's window must pass to be a spike.
constexpr const char* namespace_cpu_policy = R"(
rate:
  window: 60s
  perPrincipal: 100000
  perNamespace: 100000
  spikeFactor: 3
  spikeMinimum: 100000
  warmupWindows: 1
  podCeiling: {cpu: "4", memory: 64Gi, gpu: 1}
)";

// The namespace-scope finding for `resource`, or null.
std::size_t namespace_scope(const violations& found, const std::string& resource) {
  std::size_t n = 0;
  for (const auto& v : found)
    n += v.rule == rule_id::resource_request_spike && evidence(v, "scope") == "namespace" &&
                 evidence(v, "resource") == resource
             ? 1
             : 0;
  return n;
}

TEST(resource_request_spike, a_namespace_cpu_spike_against_its_baseline_fires_after_warm_up) {
  tracker t(namespace_cpu_policy);
  // Half a core per sub-window: 3 cores per window.
  EXPECT_EQ(namespace_scope(t.steady(t0, 30, "shop", cpu_pod("500m")), "cpu"), 0u);

  // Eight single-core pods, each well under the ceiling: 2.5 + 8 against 3 x 3.
  violations spike = t.burst(8, "alice", t0 + 30 * sub_window, "shop", cpu_pod("1"));
  ASSERT_EQ(namespace_scope(spike, "cpu"), 1u);
  EXPECT_EQ(pod_scope(spike), nullptr);
  EXPECT_EQ(namespace_scope(spike, "memory"), 0u) << "no memory was requested";
  for (const auto& v : spike) {
    if (evidence(v, "scope") != "namespace") continue;
    EXPECT_EQ(evidence(v, "requested"), "9.5");
    EXPECT_NEAR(std::stod(evidence(v, "baseline")), 3, 0.01);
  }
}

TEST(resource_request_spike, a_namespace_burst_during_warm_up_does_not_fire) {
  tracker t(namespace_cpu_policy);
  EXPECT_EQ(namespace_scope(t.burst(8, "alice", t0, "shop", cpu_pod("1")), "cpu"), 0u);
}

TEST(resource_request_spike, a_namespace_window_must_exceed_one_pods_ceiling) {
  tracker t(namespace_cpu_policy);
  t.steady(t0, 30, "shop", cpu_pod("100m"));  // 0.6 cores per window
  // 0.5 + 3 is far above 3 x 0.6 but not above the 4-core ceiling...
  EXPECT_EQ(namespace_scope(t.burst(3, "alice", t0 + 30 * sub_window, "shop", cpu_pod("1")), "cpu"),
            0u);
  // ...and 4.5 is.
  EXPECT_EQ(namespace_scope(t.burst(1, "alice", t0 + 30 * sub_window, "shop", cpu_pod("1")), "cpu"),
            1u);
}

// ---- rate.ignorePrincipals ----

TEST(ignore_principals, their_launches_are_not_counted) {
  tracker t(R"(
rate:
  window: 60s
  perPrincipal: 3
  perNamespace: 5
  spikeMinimum: 100000
  warmupWindows: 1
  ignorePrincipals: ["system:serviceaccount:ci:*"]
)");
  violations ci = t.burst(10, "system:serviceaccount:ci:runner", t0);
  EXPECT_EQ(count(ci, rule_id::launch_rate_principal), 0u);
  EXPECT_EQ(count(ci, rule_id::launch_rate_namespace), 0u);

  // Nor do they count toward the namespace: alice's five are the first five.
  EXPECT_EQ(count(t.burst(3, "alice", t0 + second), rule_id::launch_rate_namespace), 0u);
  EXPECT_EQ(count(t.burst(2, "bob", t0 + second), rule_id::launch_rate_namespace), 0u);
  EXPECT_EQ(count(t.burst(1, "carol", t0 + second), rule_id::launch_rate_namespace), 1u);
}

TEST(ignore_principals, apply_to_the_principal_a_pod_is_attributed_to) {
  tracker t(R"(
rate:
  perPrincipal: 1
  warmupWindows: 1
  ignorePrincipals: ["system:serviceaccount:argocd:*"]
)");
  t.change(workload("Deployment", "web"),
           "system:serviceaccount:argocd:argocd-application-controller", t0);
  t.change(owned_by(workload("ReplicaSet", "web-1"), "Deployment", "web"),
           "system:serviceaccount:kube-system:deployment-controller", t0);
  kube_object p = owned_by(pod(), "ReplicaSet", "web-1");
  violations found =
      t.burst(5, "system:serviceaccount:kube-system:replicaset-controller", t0 + second, "shop", p);
  EXPECT_EQ(count(found, rule_id::launch_rate_principal), 0u);
}

// ---- attribution ----

constexpr const char* attribution_policy = R"(
rate:
  window: 60s
  perPrincipal: 2
  perNamespace: 100000
  spikeMinimum: 100000
  warmupWindows: 1
)";

constexpr const char* replicaset_controller =
    "system:serviceaccount:kube-system:replicaset-controller";

TEST(attribution, a_deployments_pods_belong_to_whoever_created_the_deployment) {
  tracker t(attribution_policy);
  EXPECT_EQ(t.change(workload("Deployment", "web"), "alice", t0).principal, "alice");
  tracked rs = t.change(owned_by(workload("ReplicaSet", "web-7d9f8b6c5"), "Deployment", "web"),
                        "system:serviceaccount:kube-system:deployment-controller", t0);
  EXPECT_EQ(rs.principal, "alice");

  kube_object p = owned_by(pod(), "ReplicaSet", "web-7d9f8b6c5");
  violations found;
  for (int i = 0; i < 3; ++i) {
    tracked launched = t.launch(p, replicaset_controller, t0 + second);
    EXPECT_EQ(launched.principal, "alice");
    found.insert(found.end(), launched.found.begin(), launched.found.end());
  }
  ASSERT_EQ(count(found, rule_id::launch_rate_principal), 1u);
  EXPECT_EQ(evidence(*first(found, rule_id::launch_rate_principal), "principal"), "alice");
}

TEST(attribution, a_cronjobs_pods_belong_to_whoever_created_the_cronjob) {
  tracker t(attribution_policy);
  t.change(workload("CronJob", "nightly"), "bob", t0);
  EXPECT_EQ(t.change(owned_by(workload("Job", "nightly-29000000"), "CronJob", "nightly"),
                     "system:serviceaccount:kube-system:cronjob-controller", t0)
                .principal,
            "bob");
  tracked launched = t.launch(owned_by(pod(), "Job", "nightly-29000000"),
                              "system:serviceaccount:kube-system:job-controller", t0 + second);
  EXPECT_EQ(launched.principal, "bob");
}

TEST(attribution, the_last_to_change_the_template_owns_the_new_pods) {
  tracker t(attribution_policy);
  const std::string deployment_controller =
      "system:serviceaccount:kube-system:deployment-controller";
  t.change(workload("Deployment", "web"), "alice", t0);
  t.change(owned_by(workload("ReplicaSet", "web-1"), "Deployment", "web"), deployment_controller,
           t0);
  t.change(workload("Deployment", "web", "registry.example.com/shop/app:2.0"), "carol",
           t0 + second);
  t.change(owned_by(workload("ReplicaSet", "web-2", "registry.example.com/shop/app:2.0"),
                    "Deployment", "web"),
           deployment_controller, t0 + second);

  EXPECT_EQ(t.launch(owned_by(pod(), "ReplicaSet", "web-2"), replicaset_controller, t0 + 2 * second)
                .principal,
            "carol");
  EXPECT_EQ(t.launch(owned_by(pod(), "ReplicaSet", "web-1"), replicaset_controller, t0 + 2 * second)
                .principal,
            "alice")
      << "the old ReplicaSet's pods stay alice's";
}

TEST(attribution, an_unknown_owner_falls_back_to_the_requester) {
  tracker t(attribution_policy);
  EXPECT_EQ(t.launch(owned_by(pod(), "ReplicaSet", "ghost"), replicaset_controller, t0).principal,
            replicaset_controller);
  EXPECT_EQ(t.launch(pod(), "alice", t0).principal, "alice") << "no owner at all";
}

TEST(attribution, only_the_controller_owner_in_the_same_namespace_counts) {
  tracker t(attribution_policy);
  t.change(workload("ReplicaSet", "web-1"), "alice", t0, "shop");
  EXPECT_EQ(
      t.launch(owned_by(pod(), "ReplicaSet", "web-1", false), replicaset_controller, t0).principal,
      replicaset_controller)
      << "an owner that is not the controller";
  EXPECT_EQ(t.launch(owned_by(pod(), "ReplicaSet", "web-1"), replicaset_controller, t0, "other")
                .principal,
            replicaset_controller)
      << "a namesake in another namespace";
}

// ---- image-first-seen ----

constexpr const char* inventory_policy = R"(
provenance:
  trustedDeployers: ["system:serviceaccount:argocd:*"]
rate:
  window: 60s
  warmupWindows: 0
)";

TEST(image_first_seen, fires_once_per_image) {
  tracker t(inventory_policy);
  tracked first_launch = t.launch(pod("registry.example.com/shop/app:1.0"), "alice", t0);
  ASSERT_EQ(count(first_launch.found, rule_id::image_first_seen), 1u);
  const violation& v = *first(first_launch.found, rule_id::image_first_seen);
  EXPECT_EQ(evidence(v, "image"), "registry.example.com/shop/app:1.0");
  EXPECT_EQ(evidence(v, "launcher"), "alice");

  EXPECT_EQ(count(t.launch(pod("registry.example.com/shop/app:1.0"), "bob", t0 + second).found,
                  rule_id::image_first_seen),
            0u);
  EXPECT_EQ(count(t.launch(pod("registry.example.com/shop/app:1.1"), "bob", t0 + second).found,
                  rule_id::image_first_seen),
            1u);
}

TEST(image_first_seen, knows_an_image_by_its_normalized_reference) {
  tracker t(inventory_policy);
  tracked first_launch = t.launch(pod("nginx"), "alice", t0);
  ASSERT_EQ(count(first_launch.found, rule_id::image_first_seen), 1u);
  EXPECT_EQ(evidence(*first(first_launch.found, rule_id::image_first_seen), "image"),
            "docker.io/library/nginx:latest");
  for (const char* same : {"nginx:latest", "docker.io/library/nginx:latest", "library/nginx"})
    EXPECT_EQ(count(t.launch(pod(same), "alice", t0).found, rule_id::image_first_seen), 0u) << same;
}

TEST(image_first_seen, knows_an_image_by_its_digest_when_the_reference_has_one) {
  tracker t(inventory_policy);
  tracked first_launch =
      t.launch(pod("registry.example.com/shop/app:1.0@" + digest_a), "alice", t0);
  ASSERT_EQ(count(first_launch.found, rule_id::image_first_seen), 1u);
  EXPECT_EQ(evidence(*first(first_launch.found, rule_id::image_first_seen), "image"),
            "registry.example.com/shop/app@" + digest_a);
  // Another tag, or none, with the same digest is the same image.
  for (const std::string& same : {"registry.example.com/shop/app:2.0@" + digest_a,
                                  "registry.example.com/shop/app@" + digest_a})
    EXPECT_EQ(count(t.launch(pod(same), "alice", t0).found, rule_id::image_first_seen), 0u) << same;
  EXPECT_EQ(count(t.launch(pod("registry.example.com/shop/app:1.0@" + digest_b), "alice", t0).found,
                  rule_id::image_first_seen),
            1u);
}

TEST(image_first_seen, is_silent_while_the_inventory_is_learning) {
  tracker t(R"(
rate:
  window: 60s
  warmupWindows: 2
)");
  // The inventory is born with the first change ever and learns for two windows.
  EXPECT_EQ(
      count(t.change(workload("Deployment", "web", "registry.example.com/a:1"), "alice", t0).found,
            rule_id::image_first_seen),
      0u);
  EXPECT_EQ(count(t.launch(pod("registry.example.com/b:1"), "alice", t0 + 119'999).found,
                  rule_id::image_first_seen),
            0u);
  EXPECT_EQ(count(t.launch(pod("registry.example.com/c:1"), "alice", t0 + 120'000).found,
                  rule_id::image_first_seen),
            1u);
  // What it learned meanwhile is known, not new.
  for (const char* known : {"registry.example.com/a:1", "registry.example.com/b:1"})
    EXPECT_EQ(count(t.launch(pod(known), "bob", t0 + 200'000).found, rule_id::image_first_seen), 0u)
        << known;
}

TEST(image_first_seen, is_high_when_the_launcher_is_not_a_trusted_deployer) {
  tracker t(inventory_policy);
  tracked by_alice = t.launch(pod("registry.example.com/x:1"), "alice", t0);
  const violation* untrusted = first(by_alice.found, rule_id::image_first_seen);
  ASSERT_NE(untrusted, nullptr);
  EXPECT_EQ(untrusted->level, severity::high);
  EXPECT_EQ(evidence(*untrusted, "trustedDeployer"), "false");
  EXPECT_NE(untrusted->message.find("not a trusted deployer"), std::string::npos);

  tracked by_argocd =
      t.launch(pod("registry.example.com/y:1"), "system:serviceaccount:argocd:argocd", t0);
  const violation* trusted = first(by_argocd.found, rule_id::image_first_seen);
  ASSERT_NE(trusted, nullptr);
  EXPECT_FALSE(trusted->level.has_value()) << "the catalog's medium";
  EXPECT_EQ(evidence(*trusted, "trustedDeployer"), "true");
}

TEST(image_first_seen, judges_trust_by_the_attributed_principal) {
  tracker t(inventory_policy);
  const std::string argocd = "system:serviceaccount:argocd:argocd-application-controller";
  t.change(workload("Deployment", "web", "registry.example.com/known:1"), argocd, t0);
  t.change(owned_by(workload("ReplicaSet", "web-1", "registry.example.com/known:1"), "Deployment",
                    "web"),
           "system:serviceaccount:kube-system:deployment-controller", t0);
  kube_object p = owned_by(pod("registry.example.com/new:1"), "ReplicaSet", "web-1");
  tracked launched = t.launch(p, replicaset_controller, t0);
  const violation* v = first(launched.found, rule_id::image_first_seen);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(evidence(*v, "launcher"), argocd);
  EXPECT_FALSE(v->level.has_value());
}

// ---- image-tag-drift ----

TEST(image_tag_drift, fires_once_per_new_digest_of_a_tag_in_pod_specs) {
  tracker t(inventory_policy);
  const std::string tag = "registry.example.com/shop/app:1.0";
  EXPECT_EQ(count(t.launch(pod(tag + "@" + digest_a), "alice", t0).found, rule_id::image_tag_drift),
            0u);
  EXPECT_EQ(count(t.launch(pod(tag + "@" + digest_a), "alice", t0).found, rule_id::image_tag_drift),
            0u);

  tracked drift = t.launch(pod(tag + "@" + digest_b), "alice", t0 + second);
  ASSERT_EQ(count(drift.found, rule_id::image_tag_drift), 1u);
  const violation& v = *first(drift.found, rule_id::image_tag_drift);
  EXPECT_EQ(evidence(v, "image"), tag);
  EXPECT_EQ(evidence(v, "digest"), digest_b);
  EXPECT_EQ(evidence(v, "firstDigest"), digest_a);

  for (const std::string& seen : {digest_b, digest_a})
    EXPECT_EQ(count(t.launch(pod(tag + "@" + seen), "alice", t0 + 2 * second).found,
                    rule_id::image_tag_drift),
              0u)
        << seen;
  EXPECT_EQ(count(t.launch(pod(tag + "@" + digest_c), "alice", t0 + 3 * second).found,
                  rule_id::image_tag_drift),
            1u);
}

TEST(image_tag_drift, needs_both_tag_and_digest_in_a_reference) {
  tracker t(inventory_policy);
  t.launch(pod("registry.example.com/shop/app:1.0@" + digest_a), "alice", t0);
  EXPECT_EQ(count(t.launch(pod("registry.example.com/shop/app@" + digest_b), "alice", t0).found,
                  rule_id::image_tag_drift),
            0u)
      << "a digest alone names no tag";
  EXPECT_EQ(count(t.launch(pod("registry.example.com/shop/app:1.1@" + digest_b), "alice", t0).found,
                  rule_id::image_tag_drift),
            0u)
      << "another tag";
}

kube_object running(const std::string& image, const std::string& image_id) {
  kube_object p = pod(image);
  p.metadata.name = "web-1";
  p.metadata.namespace_name = "shop";
  p.container_statuses.push_back({"app", image, image_id});
  return p;
}

TEST(image_tag_drift, fires_from_container_statuses_with_repository_digests) {
  tracker t(inventory_policy);
  const std::string tag = "registry.example.com/shop/app:1.0";
  EXPECT_TRUE(track_statuses(t.rules(), t.store(),
                             running(tag, "registry.example.com/shop/app@" + digest_a), t0)
                  .empty());
  violations drift = track_statuses(
      t.rules(), t.store(), running(tag, "registry.example.com/shop/app@" + digest_b), t0 + second);
  ASSERT_EQ(count(drift, rule_id::image_tag_drift), 1u);
  EXPECT_EQ(evidence(drift[0], "firstDigest"), digest_a);
  EXPECT_EQ(evidence(drift[0], "digest"), digest_b);
  EXPECT_NE(drift[0].message.find("shop/web-1"), std::string::npos) << drift[0].message;

  EXPECT_TRUE(track_statuses(t.rules(), t.store(),
                             running(tag, "registry.example.com/shop/app@" + digest_b), t0)
                  .empty())
      << "once per new digest";
  EXPECT_EQ(
      count(track_statuses(
                t.rules(), t.store(),
                running(tag, "docker-pullable://registry.example.com/shop/app@" + digest_c), t0),
            rule_id::image_tag_drift),
      1u);
}

TEST(image_tag_drift, ignores_config_digests_in_image_ids) {
  tracker t(inventory_policy);
  const std::string tag = "registry.example.com/shop/app:1.0";
  track_statuses(t.rules(), t.store(), running(tag, "registry.example.com/shop/app@" + digest_a),
                 t0);
  EXPECT_TRUE(track_statuses(t.rules(), t.store(), running(tag, "sha256:abc"), t0).empty());
  EXPECT_TRUE(track_statuses(t.rules(), t.store(), running(tag, digest_b), t0).empty());
  EXPECT_TRUE(
      track_statuses(
          t.rules(), t.store(),
          running("registry.example.com/shop/app", "registry.example.com/shop/app@" + digest_c), t0)
          .empty())
      << "no tag was named";
}

TEST(image_tag_drift, a_status_digest_drifts_from_a_pod_spec_digest) {
  tracker t(inventory_policy);
  const std::string tag = "registry.example.com/shop/app:1.0";
  t.launch(pod(tag + "@" + digest_a), "alice", t0);
  EXPECT_EQ(count(track_statuses(t.rules(), t.store(),
                                 running(tag, "registry.example.com/shop/app@" + digest_b), t0),
                  rule_id::image_tag_drift),
            1u);
}

// ---- persistence across a restart ----

// What the server's write-behind keeps: the changes drained from a store, applied in order.
using saved_state = std::map<std::string, memory_tracker_store::entry_text>;

void save(memory_tracker_store& store, saved_state& db) {
  for (auto& change : store.drain_changes()) {
    if (change.removed)
      db.erase(change.key);
    else
      db[change.key] = change;
  }
}

void restore(const saved_state& db, memory_tracker_store& into) {
  for (const auto& [key, entry] : db)
    ASSERT_TRUE(into.load(entry)) << key;
}

TEST(persistence, a_restart_repeats_no_first_seen_and_continues_the_baseline) {
  auto rules = load(R"(
rate:
  window: 60s
  perPrincipal: 100000
  perNamespace: 100000
  spikeFactor: 3
  spikeMinimum: 5
  warmupWindows: 2
)");
  saved_state db;
  {
    tracker before(rules);
    before.change(workload("Deployment", "web"), "alice", t0, "build");
    for (int i = 0; i < 60; ++i) {
      before.launch(pod("registry.example.com/shop/app:1.0"), "alice", t0 + i * sub_window);
      if (i % 6 == 5) save(before.store(), db);  // the write-behind, once a window here
    }
    ASSERT_EQ(count(before
                        .launch(pod("registry.example.com/shop/new:1"), "alice",
                                t0 + 59 * sub_window, "other")
                        .found,
                    rule_id::image_first_seen),
              1u);
    save(before.store(), db);
  }

  tracker after(rules);
  restore(db, after.store());
  // The baseline continues: a spike is a spike, not the first window of a new warm-up.
  EXPECT_EQ(count(after.burst(20, "alice", t0 + 60 * sub_window), rule_id::launch_rate_spike), 1u);

  for (const char* image : {"registry.example.com/shop/app:1.0", "registry.example.com/shop/new:1"})
    EXPECT_EQ(count(after.launch(pod(image), "alice", t0 + 61 * sub_window, "other").found,
                    rule_id::image_first_seen),
              0u)
        << image;
  EXPECT_EQ(count(after
                      .launch(pod("registry.example.com/shop/more:1"), "alice",
                              t0 + 61 * sub_window, "other")
                      .found,
                  rule_id::image_first_seen),
            1u)
      << "the inventory is not learning again";
  EXPECT_EQ(
      after.launch(owned_by(pod(), "Deployment", "web"), "someone", t0 + 61 * sub_window, "build")
          .principal,
      "alice")
      << "who is responsible for a workload is remembered";

  tracker cold(rules);
  cold.steady(t0 + 54 * sub_window, 6);
  EXPECT_EQ(count(cold.burst(20, "alice", t0 + 60 * sub_window), rule_id::launch_rate_spike), 0u)
      << "the same burst on a store without the saved state is still warming up";
}

TEST(persistence, an_alert_raised_before_a_restart_is_not_raised_again_in_its_window) {
  auto rules = load(principal_policy);
  saved_state db;
  {
    tracker before(rules);
    ASSERT_EQ(count(before.burst(4, "alice", t0), rule_id::launch_rate_principal), 1u);
    save(before.store(), db);
  }
  tracker after(rules);
  restore(db, after.store());
  EXPECT_EQ(count(after.burst(3, "alice", t0 + 10 * second), rule_id::launch_rate_principal), 0u);
}

// ---- eviction at the cap ----

TEST(eviction, least_recently_used_keys_are_forgotten_and_counting_restarts) {
  auto with_cap = [](int tracked_keys) {
    return load(std::string(principal_policy) +
                "limits: {trackedKeys: " + std::to_string(tracked_keys) + "}\n");
  };
  auto run = [](tracker& t) {
    violations found = t.burst(3, "alice", t0);
    // Two thousand other principals in other namespaces: thousands of newer keys.
    for (int i = 0; i < 2000; ++i)
      t.launch(pod(), "user-" + std::to_string(i), t0 + second, "ns-" + std::to_string(i));
    violations last = t.burst(1, "alice", t0 + 2 * second);
    found.insert(found.end(), last.begin(), last.end());
    return found;
  };

  tracker roomy(with_cap(1'000'000));
  EXPECT_EQ(count(run(roomy), rule_id::launch_rate_principal), 1u) << "alice's 4th launch";

  tracker small(with_cap(1000));
  EXPECT_EQ(count(run(small), rule_id::launch_rate_principal), 0u)
      << "alice's count was evicted: her 4th launch counts as her 1st";
  EXPECT_LE(small.store().size(), 1000u);
  EXPECT_EQ(count(small.burst(3, "alice", t0 + 3 * second), rule_id::launch_rate_principal), 1u)
      << "counting restarted from there";
}

}  // namespace
}  // namespace launchguard
