#include "policy/rules/evasion_rules.hpp"

#include <array>

#include "policy/rules/host_paths.hpp"
#include "policy/rules/principal.hpp"

namespace launchguard {
namespace {

struct opt_out {
  std::string_view key;
  std::string_view value;  // compared case-insensitively
  // Istio injects only for y, yes, true and on: any other value opts out. For such keys
  // `value` lists the values that keep the sidecar, separated by '|'.
  bool value_keeps_it = false;
};

bool listed(std::string_view list, std::string_view value);

// Annotations and labels that switch off a service-mesh sidecar, a log shipper or a
// monitoring agent for one pod. Each is legitimate somewhere; together they are how a
// workload keeps its traffic and output away from the tools that watch the cluster.
constexpr std::array<opt_out, 16> built_in_opt_outs{{
    {"sidecar.istio.io/inject", "y|yes|true|on", true},
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
}};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

bool listed(std::string_view list, std::string_view value) {
  while (!list.empty()) {
    std::size_t bar = list.find('|');
    if (iequals(list.substr(0, bar), value)) return true;
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return false;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : ",") + item;
  return text;
}

void check_host_paths(const pod_spec& spec, const evasion_settings& settings, violations& out) {
  std::vector<std::string> socket_volumes, sockets, sensitive_volumes, sensitive;
  for (const auto& v : spec.volumes) {
    if (v.source != "hostPath") continue;
    if (auto socket = exposed_runtime_socket(v.host_path); !socket.empty()) {
      socket_volumes.push_back(v.name + "=" + v.host_path);
      sockets.push_back(socket);
    }
    if (auto entry = exposed_sensitive_path(v.host_path, settings.sensitive_host_paths);
        !entry.empty()) {
      sensitive_volumes.push_back(v.name + "=" + v.host_path);
      sensitive.push_back(entry);
    }
  }
  if (!socket_volumes.empty()) {
    out.push_back({rule_id::runtime_socket_mount,
                   "hostPath volume " + join(socket_volumes) +
                       " exposes the container runtime socket " + sockets.front(),
                   {{"volumes", join(socket_volumes)}, {"sockets", join(sockets)}}});
  }
  if (!sensitive_volumes.empty()) {
    out.push_back({rule_id::sensitive_host_mount,
                   "hostPath volume " + join(sensitive_volumes) + " exposes " + sensitive.front() +
                       " of the node",
                   {{"volumes", join(sensitive_volumes)}, {"paths", join(sensitive)}}});
  }
}

bool tolerates_control_plane(const toleration& t) {
  if (t.key.empty() && t.op == "Exists") return true;  // tolerates every taint
  return t.key == "node-role.kubernetes.io/control-plane" ||
         t.key == "node-role.kubernetes.io/master";
}

}  // namespace

std::string find_opt_out(const pod_template& pod, const string_pairs& extra) {
  for (const string_pairs* source : {&pod.metadata.annotations, &pod.metadata.labels}) {
    for (const auto& [key, value] : *source) {
      for (const auto& known : built_in_opt_outs) {
        if (key != known.key) continue;
        // An empty value leaves the namespace's default in force.
        bool opts_out = known.value_keeps_it ? !value.empty() && !listed(known.value, value)
                                             : iequals(value, known.value);
        if (opts_out) return key + "=" + value;
      }
      for (const auto& [extra_key, extra_value] : extra) {
        if (key == extra_key && iequals(value, extra_value)) return key + "=" + value;
      }
    }
  }
  return {};
}

void check_evasion(const pod_template& pod, const user_info& launcher,
                   const evasion_settings& settings, violations& out) {
  const pod_spec& spec = pod.spec;
  check_host_paths(spec, settings, out);

  if (!spec.node_name.empty() && !is_node(launcher) && !is_scheduler(launcher)) {
    out.push_back(
        {rule_id::scheduler_bypass,
         "spec.nodeName \"" + spec.node_name + "\" places the pod on a node without the scheduler",
         {{"nodeName", spec.node_name}}});
  }

  std::vector<std::string> tolerated;
  for (const auto& t : spec.tolerations) {
    if (tolerates_control_plane(t))
      tolerated.push_back(t.key.empty() ? "every taint (operator Exists, no key)" : t.key);
  }
  if (!tolerated.empty()) {
    out.push_back({rule_id::control_plane_toleration,
                   "tolerates " + join(tolerated) + ", so it can run on control-plane nodes",
                   {{"tolerations", join(tolerated)}}});
  }

  if (auto found = find_opt_out(pod, settings.opt_out_annotations); !found.empty()) {
    out.push_back(
        {rule_id::monitoring_opt_out, "opts out of monitoring with " + found, {{"optOut", found}}});
  }
}

}  // namespace launchguard
