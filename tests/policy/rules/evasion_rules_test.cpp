// The pod-spec evasion rules: runtime-socket-mount, sensitive-host-mount, scheduler-bypass,
// control-plane-toleration and monitoring-opt-out, each firing and not firing.

#include "policy/rules/evasion_rules.hpp"

#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "policy/config/policy_loader.hpp"

namespace launchguard {

// Readable rule ids in assertion failures (static: other test files define their own).
static void PrintTo(rule_id id, std::ostream* os) {
  *os << to_string(id);
}

namespace {

user_info user(std::string name, std::vector<std::string> groups = {}) {
  return user_info{std::move(name), "", std::move(groups)};
}

const user_info alice = user("alice@example.com", {"system:authenticated"});

container make_container(std::string name, container_kind kind = container_kind::regular) {
  container c;
  c.kind = kind;
  c.name = std::move(name);
  c.image = "registry.example.com/app:1.0";
  return c;
}

pod_template plain_pod() {
  pod_template pod;
  pod.metadata.name = "web";
  pod.metadata.namespace_name = "prod";
  pod.spec.containers.push_back(make_container("app"));
  return pod;
}

volume host_path(std::string name, std::string path) {
  return volume{std::move(name), "hostPath", std::move(path), ""};
}

pod_template pod_with_volumes(std::vector<volume> volumes) {
  pod_template pod = plain_pod();
  pod.spec.volumes = std::move(volumes);
  return pod;
}

pod_template pod_with_toleration(toleration t) {
  pod_template pod = plain_pod();
  pod.spec.tolerations.push_back(std::move(t));
  return pod;
}

evasion_settings settings_from(std::string_view yaml) {
  auto loaded = load_policy(yaml, "policy.yaml");
  if (!loaded.ok()) {
    ADD_FAILURE() << loaded.errors.front().to_string();
    return {};
  }
  return loaded.value->evasion;
}

violations evaluate(const pod_template& pod, const user_info& launcher = alice,
                    const evasion_settings& settings = {}) {
  violations found;
  check_evasion(pod, launcher, settings, found);
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

TEST(evasion_rules, find_nothing_in_a_plain_pod) {
  EXPECT_TRUE(evaluate(plain_pod()).empty());
}

// runtime-socket-mount

TEST(runtime_socket_mount, fires_on_docker_socket_host_path) {
  violation v = only(evaluate(pod_with_volumes({host_path("docker", "/var/run/docker.sock")})),
                     rule_id::runtime_socket_mount);
  EXPECT_EQ(v.message,
            "hostPath volume docker=/var/run/docker.sock exposes the container runtime socket "
            "/run/docker.sock");
  EXPECT_EQ(evidence(v, "volumes"), "docker=/var/run/docker.sock");
  EXPECT_EQ(evidence(v, "sockets"), "/run/docker.sock");
}

TEST(runtime_socket_mount, fires_on_docker_socket_in_init_container_volume) {
  pod_template pod = pod_with_volumes({host_path("sock", "/run/docker.sock")});
  pod.spec.containers = {make_container("setup", container_kind::init)};
  EXPECT_TRUE(fires(evaluate(pod), rule_id::runtime_socket_mount));
}

TEST(runtime_socket_mount, fires_on_each_runtime_socket) {
  for (const char* path :
       {"/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/var/run/cri-dockerd.sock",
        "/run/podman/podman.sock", "/run/k3s/containerd/containerd.sock",
        "/run/user/1000/podman/podman.sock", "/run/user/1000/docker.sock"}) {
    violations found = evaluate(pod_with_volumes({host_path("sock", path)}));
    EXPECT_TRUE(fires(found, rule_id::runtime_socket_mount)) << path;
  }
}

TEST(runtime_socket_mount, fires_on_a_directory_holding_the_socket) {
  for (const char* path : {"/run", "/var/run", "/var/run/", "/run/containerd", "/run/user/1000"}) {
    violations found = evaluate(pod_with_volumes({host_path("run", path)}));
    EXPECT_TRUE(fires(found, rule_id::runtime_socket_mount)) << path;
  }
}

TEST(runtime_socket_mount, fires_together_with_sensitive_host_mount_on_root) {
  violations found = evaluate(pod_with_volumes({host_path("host", "/")}));
  EXPECT_EQ(rules_of(found),
            (std::vector<rule_id>{rule_id::runtime_socket_mount, rule_id::sensitive_host_mount}));
}

TEST(runtime_socket_mount, names_every_socket_volume_in_one_violation) {
  violation v = only(evaluate(pod_with_volumes({host_path("docker", "/var/run/docker.sock"),
                                                host_path("data", "/data"),
                                                host_path("crio", "/run/crio/crio.sock")})),
                     rule_id::runtime_socket_mount);
  EXPECT_EQ(evidence(v, "volumes"), "docker=/var/run/docker.sock,crio=/run/crio/crio.sock");
  EXPECT_EQ(evidence(v, "sockets"), "/run/docker.sock,/run/crio/crio.sock");
}

TEST(runtime_socket_mount, ignores_volumes_that_are_not_host_paths) {
  pod_template pod = pod_with_volumes({volume{"docker", "emptyDir", "", ""},
                                       volume{"sock", "configMap", "/var/run/docker.sock", ""}});
  EXPECT_TRUE(evaluate(pod).empty());
}

TEST(runtime_socket_mount, does_not_fire_on_unrelated_run_paths) {
  for (const char* path : {"/run/secrets", "/var/run-foo", "/run/docker.sock.d"}) {
    EXPECT_TRUE(evaluate(pod_with_volumes({host_path("v", path)})).empty()) << path;
  }
}

// sensitive-host-mount

TEST(sensitive_host_mount, fires_on_host_etc) {
  violation v =
      only(evaluate(pod_with_volumes({host_path("etc", "/etc/")})), rule_id::sensitive_host_mount);
  EXPECT_EQ(v.message, "hostPath volume etc=/etc/ exposes /etc of the node");
  EXPECT_EQ(evidence(v, "volumes"), "etc=/etc/");
  EXPECT_EQ(evidence(v, "paths"), "/etc");
}

TEST(sensitive_host_mount, fires_on_a_path_under_a_sensitive_entry) {
  violation v = only(evaluate(pod_with_volumes({host_path("pods", "/var/lib/kubelet/pods")})),
                     rule_id::sensitive_host_mount);
  EXPECT_EQ(evidence(v, "paths"), "/var/lib/kubelet");
}

TEST(sensitive_host_mount, fires_on_a_directory_holding_a_sensitive_entry) {
  violations found = evaluate(pod_with_volumes({host_path("var", "/var")}));
  ASSERT_TRUE(fires(found, rule_id::sensitive_host_mount));
  auto it = std::find_if(found.begin(), found.end(), [](const violation& v) {
    return v.rule == rule_id::sensitive_host_mount;
  });
  EXPECT_EQ(evidence(*it, "paths"), "/var/lib/kubelet");
}

TEST(sensitive_host_mount, names_every_sensitive_volume_in_one_violation) {
  violation v = only(evaluate(pod_with_volumes(
                         {host_path("logs", "/var/log"), host_path("modules", "/lib/modules")})),
                     rule_id::sensitive_host_mount);
  EXPECT_EQ(evidence(v, "volumes"), "logs=/var/log,modules=/lib/modules");
  EXPECT_EQ(evidence(v, "paths"), "/var/log,/lib/modules");
}

TEST(sensitive_host_mount, fires_on_an_extra_path_from_the_policy) {
  evasion_settings settings = settings_from(R"(
evasion:
  sensitiveHostPaths: ["/srv/vault"]
)");
  pod_template pod = pod_with_volumes({host_path("keys", "/srv/vault/keys")});
  violation v = only(evaluate(pod, alice, settings), rule_id::sensitive_host_mount);
  EXPECT_EQ(evidence(v, "paths"), "/srv/vault");
  EXPECT_TRUE(evaluate(pod).empty()) << "not sensitive without the policy entry";
}

TEST(sensitive_host_mount, does_not_fire_on_a_data_directory) {
  for (const char* path : {"/data", "/mnt/disks/ssd0", "/var/lib/app-data", "/tmp/cache"}) {
    EXPECT_TRUE(evaluate(pod_with_volumes({host_path("data", path)})).empty()) << path;
  }
}

// scheduler-bypass

TEST(scheduler_bypass, fires_for_a_person_setting_node_name) {
  pod_template pod = plain_pod();
  pod.spec.node_name = "worker-1";
  violation v = only(evaluate(pod, alice), rule_id::scheduler_bypass);
  EXPECT_EQ(v.message, "spec.nodeName \"worker-1\" places the pod on a node without the scheduler");
  EXPECT_EQ(evidence(v, "nodeName"), "worker-1");
}

TEST(scheduler_bypass, fires_for_a_controller_service_account_setting_node_name) {
  pod_template pod = plain_pod();
  pod.spec.node_name = "worker-1";
  for (const char* name : {"system:serviceaccount:ci:runner",
                           "system:serviceaccount:kube-system:daemon-set-controller"}) {
    user_info account = user(name, {"system:serviceaccounts", "system:authenticated"});
    EXPECT_TRUE(fires(evaluate(pod, account), rule_id::scheduler_bypass)) << name;
  }
}

TEST(scheduler_bypass, does_not_fire_for_a_kubelet) {
  pod_template pod = plain_pod();
  pod.spec.node_name = "worker-1";
  EXPECT_TRUE(evaluate(pod, user("system:node:worker-1")).empty());
}

TEST(scheduler_bypass, does_not_fire_for_a_member_of_system_nodes) {
  pod_template pod = plain_pod();
  pod.spec.node_name = "worker-1";
  EXPECT_TRUE(
      evaluate(pod, user("kubelet-worker-1", {"system:nodes", "system:authenticated"})).empty());
}

TEST(scheduler_bypass, does_not_fire_for_the_scheduler) {
  pod_template pod = plain_pod();
  pod.spec.node_name = "worker-1";
  EXPECT_TRUE(evaluate(pod, user("system:kube-scheduler")).empty());
}

TEST(scheduler_bypass, does_not_fire_without_node_name) {
  pod_template pod = plain_pod();
  pod.spec.node_selector = {{"kubernetes.io/hostname", "worker-1"}};
  EXPECT_TRUE(evaluate(pod, alice).empty());
}

// control-plane-toleration

TEST(control_plane_toleration,
     fires_for_control_plane_and_master_keys_with_any_operator_and_effect) {
  for (const char* key :
       {"node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"}) {
    for (const char* op : {"Exists", "Equal", ""}) {
      for (const char* effect : {"NoSchedule", "NoExecute", "PreferNoSchedule", ""}) {
        SCOPED_TRACE(std::string(key) + " " + op + " " + effect);
        violation v = only(evaluate(pod_with_toleration({key, op, "", effect})),
                           rule_id::control_plane_toleration);
        EXPECT_EQ(evidence(v, "tolerations"), key);
        EXPECT_EQ(v.message,
                  "tolerates " + std::string(key) + ", so it can run on control-plane nodes");
      }
    }
  }
}

TEST(control_plane_toleration, fires_for_the_empty_key_exists_wildcard) {
  for (const char* effect : {"", "NoSchedule", "NoExecute"}) {
    violation v = only(evaluate(pod_with_toleration({"", "Exists", "", effect})),
                       rule_id::control_plane_toleration);
    EXPECT_EQ(evidence(v, "tolerations"), "every taint (operator Exists, no key)") << effect;
  }
}

TEST(control_plane_toleration, names_each_control_plane_toleration_in_one_violation) {
  pod_template pod = plain_pod();
  pod.spec.tolerations = {{"node.kubernetes.io/not-ready", "Exists", "", "NoExecute"},
                          {"node-role.kubernetes.io/control-plane", "Exists", "", "NoSchedule"},
                          {"node-role.kubernetes.io/master", "Exists", "", "NoSchedule"}};
  violation v = only(evaluate(pod), rule_id::control_plane_toleration);
  EXPECT_EQ(evidence(v, "tolerations"),
            "node-role.kubernetes.io/control-plane,node-role.kubernetes.io/master");
}

TEST(control_plane_toleration, does_not_fire_for_ordinary_tolerations) {
  pod_template pod = plain_pod();
  pod.spec.tolerations = {{"node.kubernetes.io/not-ready", "Exists", "", "NoExecute"},
                          {"node.kubernetes.io/unreachable", "Exists", "", "NoExecute"},
                          {"dedicated", "Equal", "gpu", "NoSchedule"},
                          {"node-role.kubernetes.io/worker", "Exists", "", "NoSchedule"},
                          {"example.com/control-plane", "Exists", "", "NoSchedule"}};
  EXPECT_TRUE(evaluate(pod).empty());
}

// monitoring-opt-out

struct opt_out_pair {
  const char* key;
  const char* value;
};

constexpr opt_out_pair built_in_opt_outs[] = {
    {"sidecar.istio.io/inject", "false"},
    {"linkerd.io/inject", "disabled"},
    {"kuma.io/sidecar-injection", "disabled"},
    {"consul.hashicorp.com/connect-inject", "false"},
    {"sidecar.opentelemetry.io/inject", "false"},
    {"admission.datadoghq.com/enabled", "false"},
    {"ad.datadoghq.com/exclude", "true"},
    {"ad.datadoghq.com/logs_exclude", "true"},
    {"co.elastic.logs/enabled", "false"},
    {"fluentbit.io/exclude", "true"},
    {"vector.dev/exclude", "true"},
    {"splunk.com/exclude", "true"},
    {"sumologic.com/exclude", "true"},
    {"logging.coralogix.com/exclude", "true"},
    {"promtail.io/exclude", "true"},
    {"instrumentation.opentelemetry.io/inject-sdk", "false"},
};

pod_template annotated(std::string key, std::string value) {
  pod_template pod = plain_pod();
  pod.metadata.annotations = {{"team", "payments"}, {std::move(key), std::move(value)}};
  return pod;
}

pod_template labelled(std::string key, std::string value) {
  pod_template pod = plain_pod();
  pod.metadata.labels = {{"app", "web"}, {std::move(key), std::move(value)}};
  return pod;
}

TEST(monitoring_opt_out, fires_for_each_built_in_annotation) {
  for (const auto& [key, value] : built_in_opt_outs) {
    SCOPED_TRACE(key);
    violation v = only(evaluate(annotated(key, value)), rule_id::monitoring_opt_out);
    std::string pair = std::string(key) + "=" + value;
    EXPECT_EQ(evidence(v, "optOut"), pair);
    EXPECT_EQ(v.message, "opts out of monitoring with " + pair);
  }
}

TEST(monitoring_opt_out, fires_for_each_built_in_label) {
  for (const auto& [key, value] : built_in_opt_outs) {
    EXPECT_TRUE(fires(evaluate(labelled(key, value)), rule_id::monitoring_opt_out)) << key;
  }
}

TEST(monitoring_opt_out, matches_built_in_values_in_any_case) {
  for (const char* value : {"False", "FALSE", "fAlSe"}) {
    EXPECT_EQ(find_opt_out(annotated("sidecar.istio.io/inject", value), {}),
              std::string("sidecar.istio.io/inject=") + value);
  }
  EXPECT_EQ(find_opt_out(labelled("linkerd.io/inject", "Disabled"), {}),
            "linkerd.io/inject=Disabled");
  EXPECT_EQ(find_opt_out(annotated("fluentbit.io/exclude", "TRUE"), {}),
            "fluentbit.io/exclude=TRUE");
}

TEST(monitoring_opt_out, does_not_fire_for_values_that_keep_monitoring_on) {
  const opt_out_pair kept[] = {
      {"sidecar.istio.io/inject", "true"},         {"linkerd.io/inject", "enabled"},
      {"kuma.io/sidecar-injection", "enabled"},    {"co.elastic.logs/enabled", "true"},
      {"fluentbit.io/exclude", "false"},           {"ad.datadoghq.com/exclude", "false"},
      {"admission.datadoghq.com/enabled", "true"}, {"sidecar.istio.io/inject", ""},
  };
  for (const auto& [key, value] : kept) {
    EXPECT_TRUE(evaluate(annotated(key, value)).empty()) << key << "=" << value;
    EXPECT_TRUE(evaluate(labelled(key, value)).empty()) << key << "=" << value;
  }
}

TEST(monitoring_opt_out, any_istio_value_but_the_ones_that_inject_opts_out) {
  // Istio injects for y, yes, true and on only; "no", "off" or "0" skip the sidecar too.
  for (const char* value : {"no", "off", "0", "never", "False"}) {
    EXPECT_TRUE(
        fires(evaluate(annotated("sidecar.istio.io/inject", value)), rule_id::monitoring_opt_out))
        << value;
  }
  for (const char* value : {"y", "YES", "true", "On"}) {
    EXPECT_TRUE(evaluate(annotated("sidecar.istio.io/inject", value)).empty()) << value;
  }
}

TEST(monitoring_opt_out, does_not_fire_for_a_different_key_with_an_opt_out_value) {
  for (const char* key :
       {"sidecar.istio.io/injected", "Sidecar.istio.io/inject", "inject", "exclude"}) {
    EXPECT_TRUE(evaluate(annotated(key, "false")).empty()) << key;
  }
}

TEST(monitoring_opt_out, fires_for_an_extra_pair_from_the_policy) {
  evasion_settings settings = settings_from(R"(
evasion:
  optOutAnnotations: {"example.com/monitoring": "off", "example.com/audit-logs": "skip"}
)");
  violation v = only(evaluate(annotated("example.com/monitoring", "off"), alice, settings),
                     rule_id::monitoring_opt_out);
  EXPECT_EQ(evidence(v, "optOut"), "example.com/monitoring=off");
  EXPECT_TRUE(fires(evaluate(labelled("example.com/audit-logs", "skip"), alice, settings),
                    rule_id::monitoring_opt_out));
  EXPECT_TRUE(evaluate(annotated("example.com/monitoring", "off")).empty())
      << "not an opt-out without the policy entry";
}

TEST(monitoring_opt_out, matches_extra_values_in_any_case_like_built_in_ones) {
  evasion_settings settings = settings_from(R"(
evasion:
  optOutAnnotations: {"example.com/monitoring": "off"}
)");
  EXPECT_EQ(find_opt_out(annotated("example.com/monitoring", "OFF"), settings.opt_out_annotations),
            "example.com/monitoring=OFF");
}

TEST(monitoring_opt_out, does_not_fire_for_an_extra_key_with_another_value) {
  evasion_settings settings = settings_from(R"(
evasion:
  optOutAnnotations: {"example.com/monitoring": "off"}
)");
  EXPECT_TRUE(evaluate(annotated("example.com/monitoring", "on"), alice, settings).empty());
  EXPECT_TRUE(evaluate(annotated("example.com/other", "off"), alice, settings).empty());
}

TEST(monitoring_opt_out, extra_pairs_keep_the_built_in_list) {
  evasion_settings settings = settings_from(R"(
evasion:
  optOutAnnotations: {"example.com/monitoring": "off"}
)");
  EXPECT_TRUE(fires(evaluate(annotated("linkerd.io/inject", "disabled"), alice, settings),
                    rule_id::monitoring_opt_out));
}

TEST(find_opt_out, returns_empty_for_a_pod_without_opt_outs) {
  EXPECT_EQ(find_opt_out(plain_pod(), {}), "");
}

}  // namespace
}  // namespace launchguard
