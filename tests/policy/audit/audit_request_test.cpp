// How an audit event becomes the admission request the admission rules judge, whose webhook
// decision id an event carries, and which requests were dry runs.
#include "policy/audit/audit_request.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

audit_event event(std::string verb, std::string resource, std::string subresource = "",
                  std::string group = "") {
  audit_event e;
  e.api_version = "audit.k8s.io/v1";
  e.audit_id = "a1";
  e.stage = "ResponseComplete";
  e.verb = std::move(verb);
  e.request_uri = "/api/v1/namespaces/payments/" + resource;
  e.user = {"alice@example.com", "", {"system:authenticated"}};
  e.object.resource = std::move(resource);
  e.object.subresource = std::move(subresource);
  e.object.api_group = std::move(group);
  e.object.api_version = "v1";
  e.object.namespace_name = "payments";
  e.object.name = "web";
  e.response_code = 200;
  return e;
}

kube_object pod_object(std::string image, std::string kind = "Pod") {
  kube_object o;
  o.kind = std::move(kind);
  o.workload = workload_kind_from(o.kind);
  o.metadata.name = "web";
  pod_template t;
  container c;
  c.name = "app";
  c.image = std::move(image);
  t.spec.containers.push_back(c);
  o.pod = t;
  return o;
}

TEST(as_request, maps_write_verbs_to_admission_operations) {
  EXPECT_EQ(as_request(event("create", "pods")).op, operation::create);
  EXPECT_EQ(as_request(event("update", "pods")).op, operation::update);
  EXPECT_EQ(as_request(event("patch", "pods")).op, operation::update);
  EXPECT_EQ(as_request(event("delete", "pods")).op, operation::del);
  EXPECT_EQ(as_request(event("deletecollection", "pods")).op, operation::del);
}

TEST(as_request, maps_reads_to_no_operation) {
  for (const char* verb : {"get", "list", "watch"}) {
    EXPECT_EQ(as_request(event(verb, "pods")).op, operation::unknown) << verb;
  }
}

TEST(as_request, maps_exec_attach_and_port_forward_to_connect_whatever_the_verb) {
  // kubectl 1.30+ opens them over WebSocket (get), older clients over SPDY (create).
  for (const char* verb : {"get", "create"}) {
    for (const char* sub : {"exec", "attach", "portforward"}) {
      admission_request r = as_request(event(verb, "pods", sub));
      EXPECT_EQ(r.op, operation::connect) << verb << " " << sub;
      EXPECT_EQ(r.sub_resource, sub);
    }
  }
  EXPECT_EQ(as_request(event("get", "pods", "exec")).kind.kind, "PodExecOptions");
  EXPECT_EQ(as_request(event("get", "pods", "attach")).kind.kind, "PodAttachOptions");
  EXPECT_EQ(as_request(event("get", "pods", "portforward")).kind.kind, "PodPortForwardOptions");
}

TEST(as_request, does_not_take_other_subresources_for_connections) {
  EXPECT_EQ(as_request(event("get", "pods", "log")).op, operation::unknown);
  EXPECT_EQ(as_request(event("create", "pods", "binding")).op, operation::create);
  EXPECT_EQ(as_request(event("create", "nodes", "proxy")).op, operation::create);
}

TEST(as_request, reads_exec_options_from_the_request_uri) {
  audit_event e = event("get", "pods", "exec");
  e.request_uri =
      "/api/v1/namespaces/payments/pods/web/"
      "exec?command=sh&command=-c&command=cat%20%2Fetc%2Fshadow"
      "&container=api&stdin=true&stdout=true&tty=true";
  admission_request r = as_request(e);
  ASSERT_TRUE(r.object && r.object->connect);
  EXPECT_EQ(r.object->connect->command, (std::vector<std::string>{"sh", "-c", "cat /etc/shadow"}));
  EXPECT_EQ(r.object->connect->container, "api");
  EXPECT_TRUE(r.object->connect->tty);
  EXPECT_TRUE(r.object->connect->stdin_attached);
}

TEST(as_request, names_the_kind_of_known_resources_and_of_scale) {
  EXPECT_EQ(as_request(event("create", "deployments", "", "apps")).kind.kind, "Deployment");
  EXPECT_EQ(as_request(event("delete", "daemonsets", "", "apps")).kind.kind, "DaemonSet");
  EXPECT_EQ(as_request(event("create", "cronjobs", "", "batch")).kind.kind, "CronJob");
  EXPECT_EQ(as_request(event("patch", "deployments", "scale", "apps")).kind.kind, "Scale");
  EXPECT_EQ(as_request(event("patch", "pods", "ephemeralcontainers")).kind.kind, "Pod");
  EXPECT_EQ(as_request(event("create", "widgets", "", "example.com")).kind.kind, "");
}

TEST(as_request, copies_identity_and_place) {
  audit_event e = event("create", "deployments", "", "apps");
  e.audit_id = "5c0f255f";
  e.request_uri = "/apis/apps/v1/namespaces/payments/deployments?dryRun=All";
  admission_request r = as_request(e);
  EXPECT_EQ(r.uid, "5c0f255f");
  EXPECT_EQ(r.namespace_name, "payments");
  EXPECT_EQ(r.name, "web");
  EXPECT_EQ(r.resource, (group_version_resource{"apps", "v1", "deployments"}));
  EXPECT_EQ(r.user.username, "alice@example.com");
  EXPECT_TRUE(r.dry_run);
}

TEST(as_request, acts_as_the_impersonated_user) {
  audit_event e = event("create", "pods");
  e.impersonated_user = user_info{"system:serviceaccount:ci:deployer", "", {}};
  EXPECT_EQ(as_request(e).user.username, "system:serviceaccount:ci:deployer");
}

TEST(as_request, judges_the_whole_object_of_an_update) {
  audit_event e = event("update", "pods");
  e.request_object = pod_object("registry.example.com/app:1");
  admission_request r = as_request(e);
  ASSERT_TRUE(r.object && r.object->pod);
  EXPECT_FALSE(r.partial_object);
  EXPECT_EQ(r.object->pod->spec.containers.at(0).image, "registry.example.com/app:1");
}

TEST(as_request, marks_a_patch_body_partial_and_names_its_kind) {
  audit_event e = event("patch", "deployments", "", "apps");
  kube_object patch;  // {"spec":{"template":{"spec":{"containers":[...]}}}}: no kind
  patch.pod = pod_object("evil.example/x:1").pod;
  e.request_object = patch;
  admission_request r = as_request(e);
  ASSERT_TRUE(r.object);
  EXPECT_TRUE(r.partial_object);
  EXPECT_EQ(r.object->kind, "Deployment");
  EXPECT_EQ(r.object->workload, workload_kind::deployment);
}

TEST(as_request, judges_a_patch_by_the_object_after_it_when_logged) {
  audit_event e = event("patch", "deployments", "", "apps");
  kube_object patch;
  patch.pod = pod_object("evil.example/x:1").pod;
  e.request_object = patch;
  e.response_object = pod_object("evil.example/x:1", "Deployment");
  e.response_object->pod->spec.containers.push_back(e.response_object->pod->spec.containers[0]);
  e.response_object->pod->spec.containers[1].name = "sidecar";
  admission_request r = as_request(e);
  ASSERT_TRUE(r.object && r.object->pod);
  EXPECT_FALSE(r.partial_object);
  EXPECT_EQ(r.object->pod->spec.containers.size(), 2u);
}

TEST(as_request, keeps_the_patch_when_the_object_after_it_has_no_pod_template) {
  audit_event e = event("patch", "deployments", "scale", "apps");
  kube_object patch;
  patch.replicas = 0;
  e.request_object = patch;
  kube_object scale;
  scale.kind = "Scale";
  scale.replicas = 0;
  e.response_object = scale;
  admission_request r = as_request(e);
  ASSERT_TRUE(r.object);
  EXPECT_TRUE(r.partial_object);
  EXPECT_EQ(r.object->kind, "Scale");
  EXPECT_EQ(r.object->replicas, 0);
}

TEST(as_request, ignores_options_and_status_bodies) {
  audit_event deleted = event("delete", "daemonsets", "", "apps");
  kube_object options;
  options.kind = "DeleteOptions";
  deleted.request_object = options;
  EXPECT_FALSE(as_request(deleted).object);

  audit_event created = event("create", "pods");
  kube_object status;
  status.kind = "Status";
  created.request_object = status;
  EXPECT_FALSE(as_request(created).object);
}

TEST(as_request, gives_a_delete_no_object_even_with_a_body) {
  audit_event e = event("delete", "pods");
  e.request_object = pod_object("x:1");
  EXPECT_FALSE(as_request(e).object);
}

std::vector<glob> names(std::initializer_list<const char*> patterns) {
  std::vector<glob> out;
  for (const char* p : patterns)
    out.push_back(glob::name(p));
  return out;
}

TEST(decision_id_of, finds_the_decision_of_a_matching_webhook) {
  audit_event e = event("create", "pods");
  e.annotations = {{"authorization.k8s.io/decision", "allow"},
                   {"validate.launchguard.io/pss-privileged", "audit"},
                   {"validate.launchguard.io/decision-id", "d-42"}};
  EXPECT_EQ(decision_id_of(e, names({"*launchguard*"})), "d-42");
  EXPECT_EQ(decision_id_of(e, names({"validate.launchguard.io"})), "d-42");
}

TEST(decision_id_of, ignores_webhooks_the_policy_does_not_name) {
  audit_event e = event("create", "pods");
  e.annotations = {{"validate.policy.example.org/decision-id", "ext-1"}};
  EXPECT_EQ(decision_id_of(e, names({"*launchguard*"})), "");
  EXPECT_EQ(decision_id_of(e, names({"*launchguard*", "*.example.org"})), "ext-1");
  EXPECT_EQ(decision_id_of(e, {}), "");
}

TEST(decision_id_of, wants_a_webhook_name_and_the_exact_key) {
  audit_event e = event("create", "pods");
  e.annotations = {{"/decision-id", "bare"},
                   {"decision-id", "unprefixed"},
                   {"validate.launchguard.io/decision-idx", "longer"},
                   {"validate.launchguard.io/decision", "shorter"}};
  EXPECT_EQ(decision_id_of(e, names({"*"})), "");
}

TEST(decision_id_of, takes_the_first_matching_webhook) {
  audit_event e = event("create", "pods");
  e.annotations = {{"other.example.org/decision-id", "x"},
                   {"a.launchguard.io/decision-id", "first"},
                   {"b.launchguard.io/decision-id", "second"}};
  EXPECT_EQ(decision_id_of(e, names({"*launchguard*"})), "first");
}

audit_event at_uri(std::string uri) {
  audit_event e = event("create", "pods");
  e.request_uri = std::move(uri);
  return e;
}

TEST(is_dry_run, finds_dry_run_all_anywhere_in_the_query) {
  EXPECT_TRUE(is_dry_run(at_uri("/api/v1/namespaces/a/pods?dryRun=All")));
  EXPECT_TRUE(is_dry_run(at_uri("/api/v1/namespaces/a/pods?fieldManager=kubectl&dryRun=All")));
  EXPECT_TRUE(is_dry_run(at_uri("/api/v1/namespaces/a/pods?dryRun=All&fieldValidation=Strict")));
}

TEST(is_dry_run, wants_the_exact_parameter_in_the_query) {
  EXPECT_FALSE(is_dry_run(at_uri("/api/v1/namespaces/a/pods")));
  EXPECT_FALSE(is_dry_run(at_uri("/api/v1/namespaces/a/pods?")));
  EXPECT_FALSE(is_dry_run(at_uri("/api/v1/namespaces/dryRun=All/pods")));
  EXPECT_FALSE(is_dry_run(at_uri("/api/v1/namespaces/a/pods?xdryRun=All")));
  EXPECT_FALSE(is_dry_run(at_uri("/api/v1/namespaces/a/pods?dryRun=Allx")));
  EXPECT_FALSE(is_dry_run(at_uri("/api/v1/namespaces/a/pods?dryRun=")));
  EXPECT_FALSE(is_dry_run(at_uri("/api/v1/namespaces/a/pods?fieldManager=dryRun=All")));
}

}  // namespace
}  // namespace launchguard
