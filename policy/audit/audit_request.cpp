#include "policy/audit/audit_request.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "policy/model/joined.hpp"

namespace launchguard {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 19> resource_kinds{{
    {"pods", "Pod"},
    {"deployments", "Deployment"},
    {"replicasets", "ReplicaSet"},
    {"statefulsets", "StatefulSet"},
    {"daemonsets", "DaemonSet"},
    {"jobs", "Job"},
    {"cronjobs", "CronJob"},
    {"replicationcontrollers", "ReplicationController"},
    {"podtemplates", "PodTemplate"},
    {"services", "Service"},
    {"namespaces", "Namespace"},
    {"configmaps", "ConfigMap"},
    {"secrets", "Secret"},
    {"events", "Event"},
    {"networkpolicies", "NetworkPolicy"},
    {"roles", "Role"},
    {"clusterroles", "ClusterRole"},
    {"rolebindings", "RoleBinding"},
    {"clusterrolebindings", "ClusterRoleBinding"},
}};

operation operation_of(const audit_event& e) {
  const std::string& sub = e.object.subresource;
  if (e.object.resource == "pods" && (sub == "exec" || sub == "attach" || sub == "portforward")) {
    return operation::connect;
  }
  if (e.verb == "create") return operation::create;
  if (e.verb == "update" || e.verb == "patch") return operation::update;
  if (e.verb == "delete" || e.verb == "deletecollection") return operation::del;
  return operation::unknown;
}

// The object a request carried, when it is the object itself and not options or a status.
bool is_the_object(const kube_object& object) {
  return !object.kind.ends_with("Options") && object.kind != "Status";
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

// The API server logs no body for exec, attach and port-forward: their options are in the
// request URI (?command=sh&command=-c&container=app&stdin=true&tty=true, ?ports=8080).
connect_options connect_options_from(std::string_view uri) {
  connect_options out;
  std::size_t query = uri.find('?');
  std::string_view rest =
      query == std::string_view::npos ? std::string_view{} : uri.substr(query + 1);
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    std::size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string value =
        eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    if (name == "command") out.command.push_back(value);
    if (name == "container") out.container = value;
    if (name == "stdin") out.stdin_attached = value == "true" || value == "1";
    if (name == "tty") out.tty = value == "true" || value == "1";
    if (name == "ports") {
      int port = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (ec == std::errc() && end == value.data() + value.size()) out.ports.push_back(port);
    }
  }
  return out;
}

}  // namespace

std::string kind_of_resource(std::string_view resource) {
  for (const auto& [name, kind] : resource_kinds) {
    if (name == resource) return std::string(kind);
  }
  return {};
}

admission_request as_request(const audit_event& e) {
  admission_request r;
  r.review_api_version = "audit.k8s.io/v1";
  r.uid = e.audit_id;
  r.resource = {e.object.api_group, e.object.api_version, e.object.resource};
  r.sub_resource = e.object.subresource;
  r.name = e.object.name;
  r.namespace_name = e.object.namespace_name;
  r.op = operation_of(e);
  r.user = e.principal();
  r.dry_run = is_dry_run(e);
  std::string kind = r.sub_resource == "scale" ? "Scale" : kind_of_resource(e.object.resource);
  if (r.op == operation::connect) {
    kind = r.sub_resource == "exec"     ? "PodExecOptions"
           : r.sub_resource == "attach" ? "PodAttachOptions"
                                        : "PodPortForwardOptions";
  }
  r.kind = {e.object.api_group, e.object.api_version, kind};

  bool patch = e.verb == "patch";
  if (e.request_object && is_the_object(*e.request_object) && r.op != operation::del) {
    r.object = *e.request_object;
    r.partial_object = patch;
    if (patch) r.patch = *e.request_object;
  }
  // The state after a patch, when logged, is the whole object: judge that instead.
  if (patch && e.response_object && is_the_object(*e.response_object) && e.response_object->pod) {
    r.object = *e.response_object;
    r.partial_object = false;
  }
  if (r.op == operation::connect && (!r.object || !r.object->connect)) {
    kube_object options;
    options.kind = kind;
    options.connect = connect_options_from(e.request_uri);
    r.object = std::move(options);
  }
  if (r.object) {
    if (r.object->kind.empty()) r.object->kind = kind;
    r.object->workload = workload_kind_from(r.object->kind);
    if (r.kind.kind.empty()) r.kind.kind = r.object->kind;
  }
  return r;
}

std::string decision_id_of(const audit_event& e, const std::vector<glob>& webhook_names) {
  constexpr std::string_view suffix = "/decision-id";
  for (const auto& [key, value] : e.annotations) {
    if (!key.ends_with(suffix) || key.size() == suffix.size()) continue;
    std::string_view webhook = std::string_view(key).substr(0, key.size() - suffix.size());
    if (any_matches(webhook_names, webhook)) return value;
  }
  return {};
}

std::string origin_of(const audit_event& e) {
  return joined(e.audit_id, "/", e.stage);
}

bool is_dry_run(const audit_event& e) {
  std::string_view uri = e.request_uri;
  std::size_t query = uri.find('?');
  if (query == std::string_view::npos) return false;
  std::string_view rest = uri.substr(query + 1);
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view param = rest.substr(0, amp);
    if (param == "dryRun=All") return true;
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace launchguard
