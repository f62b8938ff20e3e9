// The rules over a request as a whole: pod-exec, pod-port-forward, ephemeral-container,
// security-workload-tampering, service-exposure, system-namespace-launch, static-pod-launch,
// direct-pod-launch and untrusted-deployer, each firing and not firing, over every workload
// kind it covers.

#include "policy/rules/request_rules.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "policy/config/policy_loader.hpp"

namespace launchguard {

// Readable rule ids in assertion failures (static: other test files define their own).
static void PrintTo(rule_id id, std::ostream* os) {
  *os << to_string(id);
}

namespace {

// Requests, built as the API server sends them.

struct kind_info {
  std::string_view kind;
  std::string_view group;
  std::string_view resource;
};

constexpr kind_info pod_kind{"Pod", "", "pods"};
constexpr kind_info deployment_kind{"Deployment", "apps", "deployments"};
constexpr kind_info replica_set_kind{"ReplicaSet", "apps", "replicasets"};
constexpr kind_info stateful_set_kind{"StatefulSet", "apps", "statefulsets"};
constexpr kind_info daemon_set_kind{"DaemonSet", "apps", "daemonsets"};
constexpr kind_info job_kind{"Job", "batch", "jobs"};
constexpr kind_info cron_job_kind{"CronJob", "batch", "cronjobs"};
constexpr kind_info replication_controller_kind{"ReplicationController", "",
                                                "replicationcontrollers"};
constexpr kind_info service_kind{"Service", "", "services"};
constexpr kind_info namespace_kind{"Namespace", "", "namespaces"};

constexpr std::array<kind_info, 8> workload_kinds{
    pod_kind,        deployment_kind, replica_set_kind, stateful_set_kind,
    daemon_set_kind, job_kind,        cron_job_kind,    replication_controller_kind};

// Every kind above except Pod: the ones a controller turns into pods.
constexpr std::array<kind_info, 7> controller_kinds{
    deployment_kind, replica_set_kind, stateful_set_kind,          daemon_set_kind,
    job_kind,        cron_job_kind,    replication_controller_kind};

user_info user(std::string name, std::vector<std::string> groups = {"system:authenticated"}) {
  return user_info{std::move(name), "", std::move(groups)};
}

user_info account(std::string_view ns, std::string_view name) {
  return user("system:serviceaccount:" + std::string(ns) + ":" + std::string(name),
              {"system:serviceaccounts", "system:serviceaccounts:" + std::string(ns),
               "system:authenticated"});
}

const user_info alice = user("alice@example.com");

std::string api_version(const kind_info& k) {
  return k.group.empty() ? "v1" : std::string(k.group) + "/v1";
}

bool has_replicas(std::string_view kind) {
  return kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet" ||
         kind == "ReplicationController";
}

// A workload of `k` whose pod template runs one ordinary container.
kube_object workload(const kind_info& k, std::string ns, std::string name) {
  kube_object o;
  o.api_version = api_version(k);
  o.kind = std::string(k.kind);
  o.workload = workload_kind_from(k.kind);
  o.metadata.name = name;
  o.metadata.namespace_name = ns;
  pod_template& pod = o.pod.emplace();
  if (k.kind == "Pod") pod.metadata = o.metadata;
  pod.metadata.labels = {{"app", name}};
  container c;
  c.name = "app";
  c.image = "registry.example.com/app:1.0";
  pod.spec.containers.push_back(c);
  if (has_replicas(k.kind)) o.replicas = 2;
  return o;
}

admission_request request(operation op, const kind_info& k, std::string ns, std::string name,
                          const user_info& who) {
  admission_request r;
  r.review_api_version = "admission.k8s.io/v1";
  r.uid = "705ab4f5-6393-11e8-b7cc-42010a800002";
  r.kind = {std::string(k.group), "v1", std::string(k.kind)};
  r.resource = {std::string(k.group), "v1", std::string(k.resource)};
  r.namespace_name = std::move(ns);
  r.name = std::move(name);
  r.op = op;
  r.user = who;
  return r;
}

admission_request create(const kind_info& k, const std::string& ns, const std::string& name,
                         const user_info& who) {
  admission_request r = request(operation::create, k, ns, name, who);
  r.object = workload(k, ns, name);
  return r;
}

// An UPDATE whose new object starts equal to the old one; tests then change `object`.
admission_request update(const kind_info& k, const std::string& ns, const std::string& name,
                         const user_info& who) {
  admission_request r = request(operation::update, k, ns, name, who);
  r.old_object = workload(k, ns, name);
  r.object = r.old_object;
  return r;
}

admission_request deletion(const kind_info& k, const std::string& ns, const std::string& name,
                           const user_info& who) {
  admission_request r = request(operation::del, k, ns, name, who);
  r.old_object = workload(k, ns, name);
  return r;
}

// An UPDATE of `resource`/scale carrying autoscaling/v1 Scale objects.
admission_request scale(std::string_view resource, const std::string& ns, const std::string& name,
                        std::int32_t from, std::int32_t to) {
  admission_request r = request(operation::update, {"Scale", "autoscaling", ""}, ns, name, alice);
  r.resource = {"apps", "v1", std::string(resource)};
  r.sub_resource = "scale";
  kube_object before;
  before.api_version = "autoscaling/v1";
  before.kind = "Scale";
  before.metadata.name = name;
  before.metadata.namespace_name = ns;
  before.replicas = from;
  r.old_object = before;
  r.object = before;
  r.object->replicas = to;
  return r;
}

admission_request connect(std::string sub_resource, connect_options options) {
  admission_request r =
      request(operation::connect, {"PodExecOptions", "", "pods"}, "prod", "web-1", alice);
  r.sub_resource = std::move(sub_resource);
  kube_object body;
  body.api_version = "v1";
  body.connect = std::move(options);
  r.object = body;
  return r;
}

kube_object service(std::string type, std::vector<std::string> external_ips = {}) {
  kube_object o;
  o.api_version = "v1";
  o.kind = "Service";
  o.metadata.name = "web";
  o.metadata.namespace_name = "prod";
  o.service = service_spec{std::move(type), std::move(external_ips), {}};
  return o;
}

admission_request create_service(kube_object svc) {
  admission_request r = request(operation::create, service_kind, "prod", "web", alice);
  r.object = std::move(svc);
  return r;
}

admission_request update_service(kube_object before, kube_object after) {
  admission_request r = request(operation::update, service_kind, "prod", "web", alice);
  r.old_object = std::move(before);
  r.object = std::move(after);
  return r;
}

// Policies and results.

std::shared_ptr<const policy> load(std::string_view yaml) {
  auto loaded = load_policy(yaml, "policy.yaml");
  if (!loaded.ok()) {
    ADD_FAILURE() << loaded.errors.front().to_string();
    return std::make_shared<policy>();
  }
  return loaded.value;
}

const policy& test_policy() {
  static const std::shared_ptr<const policy> loaded = load(R"(
evasion:
  securityWorkloads:
    - {namespace: falco, kind: DaemonSet, name: "falco*"}
    - {namespace: monitoring, kind: Deployment, name: "*"}
    - {namespace: monitoring, kind: StatefulSet, name: "prometheus-*"}
    - {namespace: scanning, kind: CronJob, name: kube-bench}
    - {namespace: "agents-*", kind: "*", name: "agent-*"}
provenance:
  protectedNamespaces: ["prod-*"]
  trustedDeployers: ["system:serviceaccount:argocd:*"]
)");
  return *loaded;
}

violations evaluate(const admission_request& r, const policy& p = test_policy()) {
  violations found;
  check_request(r, p, found);
  return found;
}

std::vector<rule_id> rules_of(const violations& found) {
  std::vector<rule_id> ids;
  for (const violation& v : found)
    ids.push_back(v.rule);
  return ids;
}

bool fires(const violations& found, rule_id id) {
  return std::any_of(found.begin(), found.end(), [&](const violation& v) { return v.rule == id; });
}

// The single violation of `id` in `found`, or an empty one after a test failure.
violation only(const violations& found, rule_id id) {
  if (rules_of(found) != std::vector<rule_id>{id}) {
    ADD_FAILURE() << "expected only " << to_string(id) << ", found " << found.size()
                  << " violations" << (found.empty() ? "" : ", first: " + found[0].message);
    return violation{rule_id::state_backend_degraded, "", {}};
  }
  return found[0];
}

std::string evidence(const violation& v, std::string_view key) {
  auto value = find_value(v.evidence, key);
  return value ? std::string(*value) : std::string("<absent>");
}

// pod-exec and pod-port-forward

TEST(pod_exec, fires_on_exec_into_a_pod_with_its_evidence) {
  connect_options options;
  options.container = "app";
  options.command = {"sh", "-c", "id"};
  options.tty = true;
  options.stdin_attached = true;
  violation v = only(evaluate(connect("exec", options)), rule_id::pod_exec);
  EXPECT_EQ(v.message, "exec into pod prod/web-1 container app: sh -c id");
  EXPECT_EQ(evidence(v, "subresource"), "exec");
  EXPECT_EQ(evidence(v, "container"), "app");
  EXPECT_EQ(evidence(v, "command"), "sh -c id");
  EXPECT_EQ(evidence(v, "tty"), "true");
  EXPECT_EQ(evidence(v, "stdin"), "true");
}

TEST(pod_exec, fires_on_attach_to_a_pod) {
  connect_options options;
  options.container = "app";
  options.stdin_attached = true;
  violation v = only(evaluate(connect("attach", options)), rule_id::pod_exec);
  EXPECT_EQ(v.message, "attach to pod prod/web-1 container app");
  EXPECT_EQ(evidence(v, "subresource"), "attach");
  EXPECT_EQ(evidence(v, "command"), "<absent>");
  EXPECT_EQ(evidence(v, "tty"), "false");
  EXPECT_EQ(evidence(v, "stdin"), "true");
}

TEST(pod_exec, fires_on_exec_without_options_in_the_request) {
  admission_request r = connect("exec", {});
  r.object.reset();
  violation v = only(evaluate(r), rule_id::pod_exec);
  EXPECT_EQ(v.message, "exec into pod prod/web-1");
  EXPECT_EQ(evidence(v, "container"), "<absent>");
  EXPECT_EQ(evidence(v, "tty"), "false");
  EXPECT_EQ(evidence(v, "stdin"), "false");
}

TEST(pod_exec, does_not_fire_for_other_pod_subresources) {
  for (const char* sub : {"proxy", "log", ""}) {
    EXPECT_TRUE(evaluate(connect(sub, {})).empty()) << sub;
  }
}

TEST(pod_exec, does_not_fire_for_connect_to_other_resources) {
  for (const char* resource : {"nodes", "services"}) {
    admission_request r = connect("exec", {});
    r.resource.resource = resource;
    EXPECT_TRUE(evaluate(r).empty()) << resource;
  }
}

TEST(pod_port_forward, fires_on_port_forward_with_its_ports) {
  connect_options options;
  options.ports = {5432, 8080};
  violation v = only(evaluate(connect("portforward", options)), rule_id::pod_port_forward);
  EXPECT_EQ(v.message, "port-forward to pod prod/web-1 ports 5432,8080");
  EXPECT_EQ(evidence(v, "subresource"), "portforward");
  EXPECT_EQ(evidence(v, "ports"), "5432,8080");
}

TEST(pod_port_forward, fires_without_ports) {
  violation v = only(evaluate(connect("portforward", {})), rule_id::pod_port_forward);
  EXPECT_EQ(v.message, "port-forward to pod prod/web-1");
  EXPECT_EQ(evidence(v, "ports"), "<absent>");
}

// ephemeral-container

container ephemeral(std::string name, std::string image, std::string target = "") {
  container c;
  c.kind = container_kind::ephemeral;
  c.name = std::move(name);
  c.image = std::move(image);
  c.target_container_name = std::move(target);
  return c;
}

admission_request debug(std::vector<container> before, std::vector<container> after) {
  admission_request r = update(pod_kind, "prod", "web-1", alice);
  r.sub_resource = "ephemeralcontainers";
  for (auto& c : before)
    r.old_object->pod->spec.containers.push_back(c);
  for (auto& c : after)
    r.object->pod->spec.containers.push_back(c);
  return r;
}

TEST(ephemeral_container, fires_for_an_added_ephemeral_container) {
  violation v = only(evaluate(debug({}, {ephemeral("debugger", "busybox:1.36", "app")})),
                     rule_id::ephemeral_container);
  EXPECT_EQ(v.message,
            "ephemeral container debugger (busybox:1.36) added to pod prod/web-1 "
            "targeting app");
  EXPECT_EQ(evidence(v, "containers"), "debugger");
  EXPECT_EQ(evidence(v, "images"), "busybox:1.36");
  EXPECT_EQ(evidence(v, "targets"), "app");
}

TEST(ephemeral_container, names_only_the_newly_added_containers) {
  container old_one = ephemeral("debugger-1", "busybox:1.36");
  violation v = only(
      evaluate(debug({old_one}, {old_one, ephemeral("debugger-2", "nicolaka/netshoot:v0.13")})),
      rule_id::ephemeral_container);
  EXPECT_EQ(evidence(v, "containers"), "debugger-2");
  EXPECT_EQ(evidence(v, "images"), "nicolaka/netshoot:v0.13");
  EXPECT_EQ(evidence(v, "targets"), "");
}

TEST(ephemeral_container, does_not_fire_when_no_ephemeral_container_is_new) {
  container old_one = ephemeral("debugger-1", "busybox:1.36");
  EXPECT_TRUE(evaluate(debug({old_one}, {old_one})).empty());
}

TEST(ephemeral_container, does_not_fire_outside_the_ephemeralcontainers_subresource) {
  admission_request r = debug({}, {ephemeral("debugger", "busybox:1.36")});
  r.sub_resource = "";
  EXPECT_FALSE(fires(evaluate(r), rule_id::ephemeral_container));
  r.sub_resource = "status";
  EXPECT_FALSE(fires(evaluate(r), rule_id::ephemeral_container));
}

TEST(ephemeral_container, does_not_fire_on_create) {
  admission_request r = create(pod_kind, "prod", "web-1", alice);
  r.sub_resource = "ephemeralcontainers";
  r.object->pod->spec.containers.push_back(ephemeral("debugger", "busybox:1.36"));
  EXPECT_TRUE(evaluate(r).empty());
}

TEST(added_ephemeral_containers, counts_every_ephemeral_container_without_an_old_object) {
  kube_object pod = workload(pod_kind, "prod", "web-1");
  pod.pod->spec.containers.push_back(ephemeral("a", "busybox:1.36"));
  pod.pod->spec.containers.push_back(ephemeral("b", "busybox:1.36"));
  auto added = added_ephemeral_containers(pod, nullptr);
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0]->name, "a");
  EXPECT_EQ(added[1]->name, "b");
}

// security-workload-tampering

TEST(security_workload_tampering, fires_on_delete_of_a_listed_daemon_set) {
  violation v = only(evaluate(deletion(daemon_set_kind, "falco", "falco", alice)),
                     rule_id::security_workload_tampering);
  EXPECT_EQ(v.message, "security workload DaemonSet falco/falco deleted");
  EXPECT_EQ(evidence(v, "kind"), "DaemonSet");
  EXPECT_EQ(evidence(v, "change"), "deleted");
}

TEST(security_workload_tampering, matches_the_name_glob) {
  EXPECT_TRUE(fires(evaluate(deletion(daemon_set_kind, "falco", "falco-exporter", alice)),
                    rule_id::security_workload_tampering));
  EXPECT_TRUE(fires(evaluate(deletion(stateful_set_kind, "monitoring", "prometheus-k8s", alice)),
                    rule_id::security_workload_tampering));
}

TEST(security_workload_tampering, fires_on_delete_of_each_kind_a_wildcard_entry_lists) {
  for (const kind_info& k : workload_kinds) {
    violation v = only(evaluate(deletion(k, "agents-eu", "agent-node", alice)),
                       rule_id::security_workload_tampering);
    EXPECT_EQ(evidence(v, "kind"), k.kind);
  }
}

TEST(security_workload_tampering, fires_on_delete_from_a_collection_named_by_the_old_object) {
  // DELETE of a collection reaches admission once per object, with an empty request name.
  admission_request r = deletion(daemon_set_kind, "falco", "", alice);
  r.old_object->metadata.name = "falco";
  violation v = only(evaluate(r), rule_id::security_workload_tampering);
  EXPECT_EQ(v.message, "security workload DaemonSet falco/falco deleted");
}

TEST(security_workload_tampering, does_not_fire_on_delete_of_an_unlisted_workload) {
  EXPECT_TRUE(evaluate(deletion(daemon_set_kind, "falco", "fluent-bit", alice)).empty());
  EXPECT_TRUE(evaluate(deletion(deployment_kind, "falco", "falco-ui", alice)).empty())
      << "kind not listed in that namespace";
  EXPECT_TRUE(evaluate(deletion(daemon_set_kind, "default", "falco", alice)).empty())
      << "name listed, namespace not";
  EXPECT_TRUE(evaluate(deletion(stateful_set_kind, "monitoring", "loki", alice)).empty());
  EXPECT_TRUE(evaluate(deletion(deployment_kind, "agents-eu", "web", alice)).empty());
}

TEST(security_workload_tampering, fires_on_delete_of_the_namespace_holding_one) {
  // The API server sets the request namespace of a Namespace to its own name.
  for (const char* ns : {"falco", "monitoring", "agents-eu"}) {
    admission_request r = request(operation::del, namespace_kind, ns, ns, alice);
    violation v = only(evaluate(r), rule_id::security_workload_tampering);
    EXPECT_EQ(v.message,
              "namespace " + std::string(ns) + ", which holds security workloads, deleted");
    EXPECT_EQ(evidence(v, "namespace"), ns);
    EXPECT_EQ(evidence(v, "change"), "namespace deleted");
  }
}

TEST(security_workload_tampering, does_not_fire_on_delete_of_another_namespace) {
  for (const char* ns : {"default", "falco-test", "agents"}) {
    EXPECT_TRUE(evaluate(request(operation::del, namespace_kind, ns, ns, alice)).empty()) << ns;
  }
}

TEST(security_workload_tampering, fires_on_scale_to_zero_through_the_workload_spec) {
  for (const auto& [k, ns, name] :
       {std::tuple{deployment_kind, "monitoring", "grafana"},
        std::tuple{stateful_set_kind, "monitoring", "prometheus-k8s"},
        std::tuple{replica_set_kind, "agents-eu", "agent-7c9f"},
        std::tuple{replication_controller_kind, "agents-eu", "agent-rc"}}) {
    admission_request r = update(k, ns, name, alice);
    r.object->replicas = 0;
    violation v = only(evaluate(r), rule_id::security_workload_tampering);
    EXPECT_EQ(v.message, "security workload " + std::string(k.kind) + " " + ns + "/" + name +
                             " scaled to zero");
    EXPECT_EQ(evidence(v, "change"), "scaled to zero");
  }
}

TEST(security_workload_tampering, fires_on_scale_to_zero_through_the_scale_subresource) {
  const std::tuple<const char*, const char*, const char*, const char*> cases[] = {
      {"deployments", "monitoring", "grafana", "Deployment"},
      {"statefulsets", "monitoring", "prometheus-k8s", "StatefulSet"},
      {"replicasets", "agents-eu", "agent-7c9f", "ReplicaSet"},
      {"replicationcontrollers", "agents-eu", "agent-rc", "ReplicationController"},
  };
  for (const auto& [resource, ns, name, kind] : cases) {
    SCOPED_TRACE(resource);
    violation v =
        only(evaluate(scale(resource, ns, name, 3, 0)), rule_id::security_workload_tampering);
    EXPECT_EQ(evidence(v, "kind"), kind);
    EXPECT_EQ(evidence(v, "change"), "scaled to zero through /scale");
  }
}

TEST(security_workload_tampering, does_not_fire_on_scale_to_a_non_zero_count) {
  EXPECT_TRUE(evaluate(scale("deployments", "monitoring", "grafana", 3, 1)).empty());
  EXPECT_TRUE(evaluate(scale("statefulsets", "monitoring", "prometheus-k8s", 1, 5)).empty());
  admission_request r = update(deployment_kind, "monitoring", "grafana", alice);
  r.object->replicas = 1;
  EXPECT_TRUE(evaluate(r).empty());
}

TEST(security_workload_tampering, does_not_fire_when_already_at_zero) {
  EXPECT_TRUE(evaluate(scale("deployments", "monitoring", "grafana", 0, 0)).empty());
}

TEST(security_workload_tampering, does_not_fire_on_scale_to_zero_of_an_unlisted_workload) {
  EXPECT_TRUE(evaluate(scale("deployments", "monitoring-test", "grafana", 3, 0)).empty());
  EXPECT_TRUE(evaluate(scale("statefulsets", "monitoring", "loki", 3, 0)).empty());
}

TEST(security_workload_tampering, fires_when_a_cron_job_is_suspended) {
  admission_request r = update(cron_job_kind, "scanning", "kube-bench", alice);
  r.old_object->suspend = false;
  r.object->suspend = true;
  violation v = only(evaluate(r), rule_id::security_workload_tampering);
  EXPECT_EQ(v.message, "security workload CronJob scanning/kube-bench suspended");
  EXPECT_EQ(evidence(v, "change"), "suspended");

  r.old_object->suspend.reset();
  EXPECT_TRUE(fires(evaluate(r), rule_id::security_workload_tampering)) << "suspend was unset";
}

TEST(security_workload_tampering, fires_when_a_job_is_suspended) {
  admission_request r = update(job_kind, "agents-eu", "agent-scan", alice);
  r.object->suspend = true;
  EXPECT_TRUE(fires(evaluate(r), rule_id::security_workload_tampering));
}

TEST(security_workload_tampering, does_not_fire_for_a_cron_job_that_stays_or_becomes_active) {
  admission_request r = update(cron_job_kind, "scanning", "kube-bench", alice);
  r.old_object->suspend = true;
  r.object->suspend = true;
  EXPECT_TRUE(evaluate(r).empty()) << "already suspended";
  r.object->suspend = false;
  EXPECT_TRUE(evaluate(r).empty()) << "resumed";
}

TEST(security_workload_tampering, fires_when_a_daemon_set_gets_a_new_node_selector) {
  admission_request r = update(daemon_set_kind, "falco", "falco", alice);
  r.object->pod->spec.node_selector = {{"example.com/no-such-node", "true"}};
  violation v = only(evaluate(r), rule_id::security_workload_tampering);
  EXPECT_EQ(evidence(v, "change"),
            "given a new node selector or affinity that can leave its nodes empty");

  r.old_object->pod->spec.node_selector = {{"kubernetes.io/os", "linux"}};
  EXPECT_TRUE(fires(evaluate(r), rule_id::security_workload_tampering)) << "selector replaced";
}

TEST(security_workload_tampering, fires_when_a_daemon_set_gets_a_new_required_node_affinity) {
  admission_request r = update(daemon_set_kind, "falco", "falco", alice);
  r.object->pod->spec.required_node_affinity = {
      {node_selector_requirement{"example.com/pool", "In", {"none"}, false}}};
  EXPECT_TRUE(fires(evaluate(r), rule_id::security_workload_tampering));
}

TEST(security_workload_tampering, does_not_fire_on_an_unrelated_update) {
  admission_request r = update(daemon_set_kind, "falco", "falco", alice);
  r.object->pod->spec.containers[0].image = "registry.example.com/app:1.1";
  r.object->metadata.labels = {{"release", "2"}};
  EXPECT_TRUE(evaluate(r).empty());
}

TEST(security_workload_tampering, does_not_fire_on_an_update_that_keeps_the_node_selector) {
  admission_request r = update(daemon_set_kind, "falco", "falco", alice);
  r.old_object->pod->spec.node_selector = {{"kubernetes.io/os", "linux"}};
  r.object->pod->spec.node_selector = {{"kubernetes.io/os", "linux"}};
  r.object->pod->spec.containers[0].image = "registry.example.com/app:1.1";
  EXPECT_TRUE(evaluate(r).empty());
}

TEST(security_workload_tampering, does_not_fire_when_a_node_selector_is_removed) {
  admission_request r = update(daemon_set_kind, "falco", "falco", alice);
  r.old_object->pod->spec.node_selector = {{"kubernetes.io/os", "linux"}};
  r.object->pod->spec.node_selector.clear();
  EXPECT_TRUE(evaluate(r).empty());
}

TEST(security_workload_tampering, does_not_fire_without_security_workloads_in_the_policy) {
  auto empty = load("mode: enforce\n");
  EXPECT_TRUE(evaluate(deletion(daemon_set_kind, "falco", "falco", alice), *empty).empty());
  EXPECT_TRUE(
      evaluate(request(operation::del, namespace_kind, "falco", "falco", alice), *empty).empty());
}

// service-exposure

TEST(service_exposure, fires_on_create_of_a_node_port_or_load_balancer_service) {
  for (const char* type : {"NodePort", "LoadBalancer"}) {
    violation v = only(evaluate(create_service(service(type))), rule_id::service_exposure);
    EXPECT_EQ(v.message,
              "service prod/web exposed outside the cluster by type " + std::string(type));
    EXPECT_EQ(evidence(v, "type"), type);
    EXPECT_EQ(evidence(v, "externalIPs"), "<absent>");
  }
}

TEST(service_exposure, fires_on_create_with_external_ips) {
  for (const char* type : {"ClusterIP", ""}) {
    violation v = only(evaluate(create_service(service(type, {"203.0.113.10", "203.0.113.11"}))),
                       rule_id::service_exposure);
    EXPECT_EQ(
        v.message,
        "service prod/web exposed outside the cluster by externalIPs 203.0.113.10,203.0.113.11");
    EXPECT_EQ(evidence(v, "type"), "ClusterIP");
    EXPECT_EQ(evidence(v, "externalIPs"), "203.0.113.10,203.0.113.11");
  }
}

TEST(service_exposure, never_fires_for_a_cluster_ip_service) {
  for (const char* type : {"ClusterIP", "", "ExternalName"}) {
    EXPECT_TRUE(evaluate(create_service(service(type))).empty()) << type;
    EXPECT_TRUE(evaluate(update_service(service("ClusterIP"), service(type))).empty()) << type;
  }
}

TEST(service_exposure, fires_on_update_that_newly_exposes_the_service) {
  EXPECT_TRUE(fires(evaluate(update_service(service("ClusterIP"), service("NodePort"))),
                    rule_id::service_exposure));
  EXPECT_TRUE(fires(evaluate(update_service(service("ClusterIP"), service("LoadBalancer"))),
                    rule_id::service_exposure));
  EXPECT_TRUE(
      fires(evaluate(update_service(service("ClusterIP"), service("ClusterIP", {"203.0.113.10"}))),
            rule_id::service_exposure));
  EXPECT_TRUE(fires(evaluate(update_service(service("NodePort"), service("LoadBalancer"))),
                    rule_id::service_exposure));
  EXPECT_TRUE(fires(
      evaluate(update_service(service("LoadBalancer"), service("LoadBalancer", {"203.0.113.10"}))),
      rule_id::service_exposure));
}

TEST(service_exposure, does_not_fire_on_update_of_an_already_exposed_service) {
  kube_object relabelled = service("NodePort");
  relabelled.metadata.labels = {{"release", "2"}};
  EXPECT_TRUE(evaluate(update_service(service("NodePort"), relabelled)).empty());
  EXPECT_TRUE(evaluate(update_service(service("LoadBalancer"), service("LoadBalancer"))).empty());
  EXPECT_TRUE(evaluate(update_service(service("", {"203.0.113.10"}), service("", {"203.0.113.10"})))
                  .empty());
}

TEST(service_exposure, does_not_fire_on_delete) {
  admission_request r = request(operation::del, service_kind, "prod", "web", alice);
  r.old_object = service("LoadBalancer");
  EXPECT_TRUE(evaluate(r).empty());
}

// system-namespace-launch

TEST(system_namespace_launch, fires_on_pod_create_in_each_system_namespace_by_a_person) {
  for (const char* ns : {"kube-system", "kube-public", "kube-node-lease"}) {
    violation v =
        only(evaluate(create(pod_kind, ns, "shell", alice)), rule_id::system_namespace_launch);
    EXPECT_EQ(v.message, "Pod " + std::string(ns) + "/shell created in " + ns +
                             " by alice@example.com, not a system component");
    EXPECT_EQ(evidence(v, "kind"), "Pod");
  }
}

TEST(system_namespace_launch, fires_for_each_workload_kind) {
  for (const kind_info& k : workload_kinds) {
    violation v =
        only(evaluate(create(k, "kube-system", "miner", alice)), rule_id::system_namespace_launch);
    EXPECT_EQ(evidence(v, "kind"), k.kind);
  }
}

TEST(system_namespace_launch, fires_for_a_service_account_of_another_namespace) {
  EXPECT_TRUE(
      fires(evaluate(create(deployment_kind, "kube-system", "x", account("ci", "deployer"))),
            rule_id::system_namespace_launch));
  EXPECT_TRUE(fires(evaluate(create(pod_kind, "kube-public", "x", account("default", "default"))),
                    rule_id::system_namespace_launch));
}

TEST(system_namespace_launch, fires_for_an_anonymous_request) {
  EXPECT_TRUE(fires(evaluate(create(pod_kind, "kube-system", "x",
                                    user("system:anonymous", {"system:unauthenticated"}))),
                    rule_id::system_namespace_launch));
}

TEST(system_namespace_launch, does_not_fire_for_kube_system_service_accounts) {
  for (const char* name : {"daemon-set-controller", "replicaset-controller", "job-controller"}) {
    EXPECT_TRUE(
        evaluate(create(pod_kind, "kube-system", "x", account("kube-system", name))).empty())
        << name;
  }
}

TEST(system_namespace_launch, does_not_fire_for_system_components) {
  for (const char* name : {"system:kube-controller-manager", "system:kube-scheduler",
                           "system:node:worker-1", "system:apiserver"}) {
    EXPECT_TRUE(evaluate(create(daemon_set_kind, "kube-system", "x", user(name))).empty()) << name;
  }
}

TEST(system_namespace_launch, does_not_fire_in_other_namespaces) {
  for (const char* ns : {"default", "kube-system-backup", "kube", "monitoring"}) {
    EXPECT_TRUE(evaluate(create(pod_kind, ns, "x", alice)).empty()) << ns;
  }
}

TEST(system_namespace_launch, fires_when_a_person_changes_a_template_in_kube_system) {
  admission_request r = create(daemon_set_kind, "kube-system", "kube-proxy", alice);
  r.op = operation::update;
  r.old_object = r.object;
  r.object->pod->spec.containers.push_back(container{});
  r.object->pod->spec.containers.back().image = "registry.example.com/kube-proxy:evil";
  violation v = only(evaluate(r), rule_id::system_namespace_launch);
  EXPECT_NE(v.message.find("changed in kube-system"), std::string::npos) << v.message;
}

TEST(system_namespace_launch, does_not_fire_for_a_scale_or_a_delete) {
  admission_request scaled = scale("deployments", "kube-system", "coredns", 2, 3);
  EXPECT_TRUE(evaluate(scaled).empty());
  EXPECT_TRUE(evaluate(deletion(pod_kind, "kube-system", "coredns-1", alice)).empty());
}

// static-pod-launch

admission_request mirror_pod(const std::string& ns, const user_info& who) {
  admission_request r = create(pod_kind, ns, "kube-apiserver-cp-1", who);
  r.object->metadata.annotations = {{"kubernetes.io/config.mirror", "3f2b9c"},
                                    {"kubernetes.io/config.source", "file"}};
  r.object->pod->spec.node_name = "cp-1";
  return r;
}

TEST(static_pod_launch, fires_on_create_of_a_mirror_pod) {
  violation v =
      only(evaluate(mirror_pod("kube-system", user("system:node:cp-1", {"system:nodes"}))),
           rule_id::static_pod_launch);
  EXPECT_EQ(
      v.message,
      "mirror pod kube-system/kube-apiserver-cp-1 of a static pod started by the kubelet from a "
      "file on the node");
  EXPECT_EQ(evidence(v, "node"), "cp-1");
}

TEST(static_pod_launch, fires_in_any_namespace) {
  EXPECT_TRUE(fires(evaluate(mirror_pod("default", user("system:node:cp-1", {"system:nodes"}))),
                    rule_id::static_pod_launch));
}

TEST(static_pod_launch, raises_no_launcher_rule_for_a_kubelet_mirror_pod) {
  // A mirror pod in a protected namespace: not direct-pod-launch nor untrusted-deployer.
  EXPECT_EQ(rules_of(evaluate(mirror_pod("prod-eu", user("system:node:cp-1", {"system:nodes"})))),
            std::vector<rule_id>{rule_id::static_pod_launch});
}

TEST(static_pod_launch, does_not_fire_without_the_mirror_annotation) {
  admission_request r =
      create(pod_kind, "default", "web", user("system:node:cp-1", {"system:nodes"}));
  r.object->metadata.annotations = {{"kubernetes.io/config.source", "file"}};
  EXPECT_TRUE(evaluate(r).empty());
}

TEST(static_pod_launch, does_not_fire_on_update_or_delete_of_a_mirror_pod) {
  admission_request r = mirror_pod("kube-system", user("system:node:cp-1", {"system:nodes"}));
  r.op = operation::update;
  r.old_object = r.object;
  EXPECT_TRUE(evaluate(r).empty());
  r.op = operation::del;
  r.object.reset();
  EXPECT_TRUE(evaluate(r).empty());
}

TEST(is_mirror_pod, holds_only_for_pods_with_the_annotation_created_by_a_node) {
  user_info kubelet{"system:node:cp-1", "", {"system:nodes", "system:authenticated"}};
  kube_object pod = workload(pod_kind, "kube-system", "etcd-cp-1");
  EXPECT_FALSE(is_mirror_pod(pod, kubelet));
  pod.metadata.annotations = {{"kubernetes.io/config.mirror", ""}};
  EXPECT_TRUE(is_mirror_pod(pod, kubelet)) << "any value, even empty";
  kube_object deployment = workload(deployment_kind, "kube-system", "etcd");
  deployment.metadata.annotations = pod.metadata.annotations;
  EXPECT_FALSE(is_mirror_pod(deployment, kubelet));
}

TEST(is_mirror_pod, does_not_trust_the_annotation_from_anyone_but_a_node) {
  kube_object pod = workload(pod_kind, "kube-system", "etcd-cp-1");
  pod.metadata.annotations = {{"kubernetes.io/config.mirror", "abc"}};
  EXPECT_FALSE(is_mirror_pod(pod, user_info{"mallory@example.com", "", {"system:authenticated"}}));
  EXPECT_FALSE(is_mirror_pod(
      pod, user_info{"system:serviceaccount:kube-system:replicaset-controller", "", {}}));
}

// direct-pod-launch

TEST(direct_pod_launch, fires_for_a_bare_pod_created_by_a_person_in_a_protected_namespace) {
  violation v =
      only(evaluate(create(pod_kind, "prod-eu", "shell", alice)), rule_id::direct_pod_launch);
  EXPECT_EQ(
      v.message,
      "bare pod prod-eu/shell created directly by alice@example.com in a protected namespace");
  EXPECT_EQ(evidence(v, "launcher"), "alice@example.com");
}

TEST(direct_pod_launch, does_not_fire_for_a_service_account) {
  EXPECT_FALSE(fires(evaluate(create(pod_kind, "prod-eu", "job-1", account("ci", "runner"))),
                     rule_id::direct_pod_launch));
  EXPECT_FALSE(
      fires(evaluate(create(pod_kind, "prod-eu", "app-1", account("argocd", "controller"))),
            rule_id::direct_pod_launch));
}

TEST(direct_pod_launch, does_not_fire_for_a_pod_owned_by_a_controller) {
  admission_request r =
      create(pod_kind, "prod-eu", "web-7c9f-x2k4", account("kube-system", "replicaset-controller"));
  r.object->metadata.owner_references = {{"apps/v1", "ReplicaSet", "web-7c9f", "uid-1", true}};
  EXPECT_TRUE(evaluate(r).empty());
}

TEST(direct_pod_launch, fires_when_a_person_writes_an_owner_reference_themself) {
  admission_request r = create(pod_kind, "prod-eu", "shell", alice);
  r.object->metadata.owner_references = {{"apps/v1", "ReplicaSet", "web-7c9f", "uid-1", true}};
  violation v = only(evaluate(r), rule_id::direct_pod_launch);
  EXPECT_NE(v.message.find("with an ownerReference it set itself"), std::string::npos) << v.message;
}

TEST(direct_pod_launch, does_not_fire_outside_protected_namespaces) {
  EXPECT_TRUE(evaluate(create(pod_kind, "dev", "shell", alice)).empty());
  EXPECT_TRUE(evaluate(create(pod_kind, "prod", "shell", alice)).empty())
      << "prod-* needs the dash";
}

TEST(direct_pod_launch, does_not_fire_without_protected_namespaces_in_the_policy) {
  auto empty = load("mode: enforce\n");
  EXPECT_TRUE(evaluate(create(pod_kind, "prod-eu", "shell", alice), *empty).empty());
}

TEST(direct_pod_launch, does_not_fire_for_a_workload_created_by_a_person) {
  EXPECT_FALSE(fires(evaluate(create(deployment_kind, "prod-eu", "web", alice)),
                     rule_id::direct_pod_launch));
}

// untrusted-deployer

TEST(untrusted_deployer, fires_for_each_workload_kind_created_by_an_untrusted_principal) {
  for (const kind_info& k : controller_kinds) {
    violation v = only(evaluate(create(k, "prod-eu", "web", alice)), rule_id::untrusted_deployer);
    EXPECT_EQ(v.message,
              std::string(k.kind) +
                  " prod-eu/web created by alice@example.com, not a trusted deployer, in "
                  "a protected namespace");
    EXPECT_EQ(evidence(v, "launcher"), "alice@example.com");
    EXPECT_EQ(evidence(v, "kind"), k.kind);
  }
}

TEST(untrusted_deployer, fires_for_an_untrusted_service_account) {
  EXPECT_TRUE(fires(evaluate(create(deployment_kind, "prod-eu", "web", account("ci", "deployer"))),
                    rule_id::untrusted_deployer));
  EXPECT_TRUE(fires(evaluate(create(deployment_kind, "prod-eu", "web", account("argo", "server"))),
                    rule_id::untrusted_deployer))
      << "trust is for argocd, not argo";
}

TEST(untrusted_deployer, fires_for_a_template_changing_update) {
  for (const kind_info& k : controller_kinds) {
    admission_request r = update(k, "prod-eu", "web", alice);
    r.object->pod->spec.containers[0].image = "registry.example.com/app:1.1";
    violation v = only(evaluate(r), rule_id::untrusted_deployer);
    EXPECT_EQ(v.message,
              std::string(k.kind) +
                  " prod-eu/web changed by alice@example.com, not a trusted deployer, in "
                  "a protected namespace");
  }
}

TEST(untrusted_deployer, fires_for_a_bare_pod_created_by_an_untrusted_service_account) {
  violation v = only(evaluate(create(pod_kind, "prod-eu", "job-1", account("ci", "runner"))),
                     rule_id::untrusted_deployer);
  EXPECT_EQ(evidence(v, "kind"), "Pod");
}

TEST(untrusted_deployer, reports_a_persons_bare_pod_as_direct_pod_launch_only) {
  EXPECT_EQ(rules_of(evaluate(create(pod_kind, "prod-eu", "shell", alice))),
            std::vector<rule_id>{rule_id::direct_pod_launch});
}

TEST(untrusted_deployer, does_not_fire_for_a_trusted_deployer) {
  user_info argocd = account("argocd", "argocd-application-controller");
  for (const kind_info& k : controller_kinds) {
    EXPECT_TRUE(evaluate(create(k, "prod-eu", "web", argocd)).empty()) << k.kind;
    admission_request r = update(k, "prod-eu", "web", argocd);
    r.object->pod->spec.containers[0].image = "registry.example.com/app:1.1";
    EXPECT_TRUE(evaluate(r).empty()) << k.kind;
  }
  EXPECT_TRUE(evaluate(create(pod_kind, "prod-eu", "job-1", argocd)).empty());
}

TEST(untrusted_deployer, does_not_fire_for_a_scale_only_update) {
  for (const kind_info& k :
       {deployment_kind, replica_set_kind, stateful_set_kind, replication_controller_kind}) {
    admission_request r = update(k, "prod-eu", "web", alice);
    r.object->replicas = 5;
    r.object->metadata.labels = {{"scaled", "yes"}};
    EXPECT_TRUE(evaluate(r).empty()) << k.kind;
  }
  EXPECT_TRUE(evaluate(scale("deployments", "prod-eu", "web", 2, 5)).empty());
}

TEST(untrusted_deployer, does_not_fire_for_system_components) {
  EXPECT_TRUE(evaluate(create(replica_set_kind, "prod-eu", "web-7c9f",
                              account("kube-system", "deployment-controller")))
                  .empty());
  EXPECT_TRUE(evaluate(create(job_kind, "prod-eu", "backup-1",
                              account("kube-system", "cronjob-controller")))
                  .empty());
  EXPECT_TRUE(
      evaluate(create(deployment_kind, "prod-eu", "web", user("system:kube-controller-manager")))
          .empty());
}

TEST(untrusted_deployer, does_not_fire_for_an_owned_pod_created_by_a_controller_account) {
  admission_request r =
      create(pod_kind, "prod-eu", "wf-1", account("argo", "argo-workflow-controller"));
  r.object->metadata.owner_references = {{"argoproj.io/v1alpha1", "Workflow", "wf", "uid-2", true}};
  EXPECT_TRUE(evaluate(r).empty());
}

TEST(untrusted_deployer, does_not_fire_outside_protected_namespaces) {
  EXPECT_TRUE(evaluate(create(deployment_kind, "staging", "web", alice)).empty());
  admission_request r = update(deployment_kind, "staging", "web", alice);
  r.object->pod->spec.containers[0].image = "registry.example.com/app:1.1";
  EXPECT_TRUE(evaluate(r).empty());
}

// Requests no rule is about.

TEST(check_request, finds_nothing_in_an_ordinary_request) {
  admission_request r =
      request(operation::create, {"ConfigMap", "", "configmaps"}, "prod-eu", "settings", alice);
  kube_object map;
  map.api_version = "v1";
  map.kind = "ConfigMap";
  r.object = map;
  EXPECT_TRUE(evaluate(r).empty());
  EXPECT_TRUE(evaluate(create(deployment_kind, "default", "web", alice)).empty());
}

}  // namespace
}  // namespace launchguard
