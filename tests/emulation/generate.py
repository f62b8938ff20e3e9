#!/usr/bin/env python3
"""Writes the emulation scenarios: AdmissionReviews and audit events, in order, as the API
server sends them, with the alerts each scenario must raise. Run it after changing a scenario;
the files it writes are checked in. See README.md."""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
WEBHOOK = "validate.launchguard.io"
T0 = "2026-11-20T09:00:00"


def ts(seconds):
    total = int(seconds)
    millis = int(round((seconds - total) * 1000))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"2026-11-20T{9 + h:02d}:{m:02d}:{s:02d}.{millis:03d}000Z"


def user(name, groups=None):
    return {"username": name, "groups": groups or ["system:authenticated"]}


def pod(name, ns, image, privileged=False, owner=None, labels=None, cpu="100m", host_pid=False, volumes=None,
        extra_spec=None):
    container = {"name": "main", "image": image,
                 "resources": {"requests": {"cpu": cpu, "memory": "128Mi"}, "limits": {"memory": "256Mi"}}}
    if privileged:
        container["securityContext"] = {"privileged": True}
    spec = {"containers": [container], "restartPolicy": "Always"}
    if host_pid:
        spec["hostPID"] = True
    if volumes:
        spec["volumes"] = volumes
    if extra_spec:
        spec.update(extra_spec)
    meta = {"name": name, "namespace": ns, "uid": f"uid-{name}", "labels": labels or {"app": name}}
    if owner:
        meta["ownerReferences"] = [owner]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def deployment(name, ns, image, replicas=3):
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-{name}"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": name, "image": image,
                                                           "resources": {"requests": {"cpu": "200m"}}}]}}}}


def review(step, op, kind, resource, ns, name, who, obj=None, old=None, sub=None, group="", version="v1"):
    request = {"uid": f"emulation-{step}", "kind": {"group": group, "version": version, "kind": kind},
               "resource": {"group": group, "version": version, "resource": resource},
               "name": name, "namespace": ns, "operation": op, "userInfo": who,
               "object": obj, "oldObject": old, "dryRun": False}
    if sub:
        request["subResource"] = sub
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}


def event(audit_id, at, verb, who, resource, ns, name, code=200, group="", version="v1", sub=None, stage="ResponseComplete",
          level="Metadata", request_object=None, decision_step=None, uri=None, annotations=None):
    ref = {"resource": resource, "name": name, "apiGroup": group, "apiVersion": version}
    if ns:
        ref["namespace"] = ns
    if sub:
        ref["subresource"] = sub
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    path = uri or f"{prefix}/{'namespaces/' + ns + '/' if ns else ''}{resource}/{name}{'/' + sub if sub else ''}"
    e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level, "auditID": audit_id, "stage": stage,
         "requestURI": path, "verb": verb, "user": who, "sourceIPs": ["10.20.30.40"],
         "userAgent": "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46", "objectRef": ref,
         "responseStatus": {"metadata": {}, "code": code},
         "requestReceivedTimestamp": ts(at), "stageTimestamp": ts(at + 0.02)}
    notes = dict(annotations or {})
    notes["authorization.k8s.io/decision"] = "allow"
    if decision_step:
        notes[f"{WEBHOOK}/decision-id"] = "{{decision:" + decision_step + "}}"
    e["annotations"] = notes
    if request_object is not None:
        e["level"] = "RequestResponse" if level == "Metadata" else level
        e["requestObject"] = request_object
    return e


def write(name, steps, expected):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    for existing in os.listdir(folder):
        if existing.endswith(".json") or existing.endswith(".jsonl"):
            os.remove(os.path.join(folder, existing))
    for index, (label, kind, body) in enumerate(steps, start=1):
        path = os.path.join(folder, f"{index:03d}-{label}.{kind}.json")
        if kind == "audit":
            body = {"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {}, "items": body}
        with open(path, "w") as out:
            json.dump(body, out, indent=2)
            out.write("\n")
    with open(os.path.join(folder, "expected.json"), "w") as out:
        json.dump(expected, out, indent=2)
        out.write("\n")


# (a) Stolen credentials: a developer's token creates a Deployment from an unknown registry
# in a protected namespace. Admission denies it; the attempt is recorded.
mallory = user("dev-jordan@corp.example", ["developers", "system:authenticated"])
write("stolen-credentials", [
    ("create-deployment", "admission",
     review("a1", "CREATE", "Deployment", "deployments", "prod-payments", "payments-helper", mallory,
            deployment("payments-helper", "prod-payments", "ghcr.io/unknown-actor/helper:0.3"), group="apps")),
    ("audit-of-the-denied-create", "audit", [
        event("a1-audit", 5, "create", mallory, "deployments", "prod-payments", "payments-helper", code=403,
              group="apps", decision_step="001", uri="/apis/apps/v1/namespaces/prod-payments/deployments")]),
], {"description": "A person's credentials create a Deployment from an unknown registry in prod-payments.",
    "alerts": [{"rule": "image-registry-not-allowed", "severity": "high"},
               {"rule": "untrusted-deployer", "severity": "high"}]})

# (b) Blinding: the webhook configuration is deleted, then a privileged pod mounting the
# container runtime socket is created: admission never sees it, only the audit stream does.
attacker = user("ops-lee@corp.example", ["sre", "system:authenticated"])
blinded = pod("node-shell", "payments-batch", "docker.io/library/alpine:3.20", privileged=True, host_pid=True,
              volumes=[{"name": "runtime", "hostPath": {"path": "/var/run/containerd/containerd.sock", "type": "Socket"}}])
write("blinding", [
    ("delete-webhook", "audit", [
        event("b1", 0, "delete", attacker, "validatingwebhookconfigurations", None, "launchguard",
              group="admissionregistration.k8s.io")]),
    ("create-privileged-pod", "audit", [
        event("b2", 20, "create", attacker, "pods", "payments-batch", "node-shell", code=201, request_object=blinded,
              uri="/api/v1/namespaces/payments-batch/pods")]),
], {"description": "The webhook is deleted, then a privileged pod with the containerd socket is created unseen.",
    "alerts": [{"rule": "webhook-config-tampering", "severity": "critical"},
               {"rule": "admission-bypass", "severity": "critical"},
               {"rule": "pss-privileged", "severity": "critical"},
               {"rule": "pss-host-namespaces", "severity": "critical"},
               {"rule": "pss-host-path-volumes", "severity": "critical"},
               {"rule": "runtime-socket-mount", "severity": "critical"},
               {"rule": "image-first-seen", "severity": "high"}]})

# (c) An exec into that pod, over WebSocket (kubectl 1.30+: verb get), seen at both stages.
write("exec-into-blinded-pod", [
    ("exec", "audit", [
        event("c1", 60, "get", attacker, "pods", "payments-batch", "node-shell", code=101, sub="exec",
              stage="ResponseStarted",
              uri="/api/v1/namespaces/payments-batch/pods/node-shell/exec?command=sh&container=main&stdin=true&stdout=true&tty=true"),
        event("c1", 300, "get", attacker, "pods", "payments-batch", "node-shell", code=101, sub="exec",
              uri="/api/v1/namespaces/payments-batch/pods/node-shell/exec?command=sh&container=main&stdin=true&stdout=true&tty=true"),
    ]),
], {"description": "An interactive shell in the pod admission never saw: one alert for the two stages.",
    "alerts": [{"rule": "pod-exec", "severity": "low"}]})

# (d) The security DaemonSet is deleted: admission denies it (enforce), audit shows the
# failed attempt with the webhook's decision id, so it is not reported twice.
falco = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "falco", "namespace": "falco", "uid": "uid-falco"},
         "spec": {"selector": {"matchLabels": {"app": "falco"}},
                  "template": {"metadata": {"labels": {"app": "falco"}},
                               "spec": {"containers": [{"name": "falco", "image": "docker.io/falcosecurity/falco:0.39.2"}]}}}}
write("security-daemonset-deleted", [
    ("delete-daemonset", "admission",
     review("d1", "DELETE", "DaemonSet", "daemonsets", "falco", "falco", attacker, obj=None, old=falco, group="apps")),
    ("audit-of-the-denied-delete", "audit", [
        event("d1-audit", 5, "delete", attacker, "daemonsets", "falco", "falco", code=403, group="apps",
              decision_step="001")]),
], {"description": "The node security agent's DaemonSet is deleted; admission denies it.",
    "alerts": [{"rule": "security-workload-tampering", "severity": "critical"}]})

# (e) Cryptominer burst: a stolen CI service account starts 200 pods from a never-seen image
# within two minutes, each asking for 4 CPUs.
ci = user("system:serviceaccount:ci:runner", ["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"])
burst = []
for i in range(200):
    name = f"worker-{i:03d}"
    burst.append((f"create-{name}", "admission",
                  review(f"e{i:03d}", "CREATE", "Pod", "pods", "batch-jobs", name, ci,
                         pod(name, "batch-jobs", "docker.io/cryptolab/worker:2.1", cpu="4"))))
write("cryptominer-burst", burst,
      {"description": "200 pods from a never-seen image within two minutes by one service account.",
       "alerts": [{"rule": "image-first-seen", "severity": "high"},
                  {"rule": "launch-rate-principal", "severity": "medium"},
                  {"rule": "launch-rate-spike", "severity": "high"},
                  {"rule": "resource-request-spike", "severity": "high"}]})

# (f) A benign day: a GitOps rollout, a HorizontalPodAutoscaler scale-up, and an on-call
# engineer's kubectl debug in a dev namespace. Nothing above low severity.
argocd = user("system:serviceaccount:argocd:argocd-application-controller",
              ["system:serviceaccounts", "system:serviceaccounts:argocd", "system:authenticated"])
rs_controller = user("system:serviceaccount:kube-system:replicaset-controller",
                     ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"])
deploy_controller = user("system:serviceaccount:kube-system:deployment-controller",
                         ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"])
hpa = user("system:serviceaccount:kube-system:horizontal-pod-autoscaler",
           ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"])
oncall = user("oncall-sam@corp.example", ["sre", "system:authenticated"])
image_v1 = "registry.corp.example/shop/web:1.4.2@sha256:" + "a" * 64
image_v2 = "registry.corp.example/shop/web:1.4.3@sha256:" + "b" * 64
web_v1 = deployment("web", "prod-shop", image_v1, replicas=3)
web_v2 = copy.deepcopy(web_v1)
web_v2["spec"]["template"]["spec"]["containers"][0]["image"] = image_v2
rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
      "metadata": {"name": "web-7f9c", "namespace": "prod-shop", "uid": "uid-web-7f9c",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "uid-web", "controller": True}]},
      "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
               "template": web_v2["spec"]["template"]}}
owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7f9c", "uid": "uid-web-7f9c", "controller": True}
steps = [
    ("create-web", "admission", review("f1", "CREATE", "Deployment", "deployments", "prod-shop", "web", argocd, web_v1, group="apps")),
    ("rollout-web", "admission", review("f2", "UPDATE", "Deployment", "deployments", "prod-shop", "web", argocd, web_v2, web_v1, group="apps")),
    ("new-replicaset", "admission", review("f3", "CREATE", "ReplicaSet", "replicasets", "prod-shop", "web-7f9c", deploy_controller, rs, group="apps")),
]
for i in range(3):
    name = f"web-7f9c-{i}"
    steps.append((f"pod-{i}", "admission", review(f"f4{i}", "CREATE", "Pod", "pods", "prod-shop", name, rs_controller,
                                                  pod(name, "prod-shop", image_v2, owner=owner, labels={"app": "web"}))))
scale_old = {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web", "namespace": "prod-shop"}, "spec": {"replicas": 3}}
scale_new = copy.deepcopy(scale_old)
scale_new["spec"]["replicas"] = 6
steps.append(("hpa-scale-up", "admission", review("f5", "UPDATE", "Scale", "deployments", "prod-shop", "web", hpa, scale_new, scale_old, sub="scale", group="autoscaling")))
for i in range(3, 6):
    name = f"web-7f9c-{i}"
    steps.append((f"pod-{i}", "admission", review(f"f6{i}", "CREATE", "Pod", "pods", "prod-shop", name, rs_controller,
                                                  pod(name, "prod-shop", image_v2, owner=owner, labels={"app": "web"}))))
api = pod("api-5d8f-x2", "dev-team", "docker.io/library/python:3.12-slim")
api["spec"]["nodeName"] = "worker-3"
debugged = copy.deepcopy(api)
debugged["spec"]["ephemeralContainers"] = [{"name": "debugger-k2x8", "image": "docker.io/library/busybox:1.36", "targetContainerName": "main"}]
steps.append(("kubectl-debug", "admission", review("f7", "UPDATE", "Pod", "pods", "dev-team", "api-5d8f-x2", oncall, debugged, api, sub="ephemeralcontainers")))
steps.append(("audit-of-the-day", "audit", [
    event("f1-audit", 0, "create", argocd, "deployments", "prod-shop", "web", code=201, group="apps", decision_step="001",
          request_object=web_v1, uri="/apis/apps/v1/namespaces/prod-shop/deployments"),
    event("f2-audit", 30, "update", argocd, "deployments", "prod-shop", "web", group="apps", decision_step="002", request_object=web_v2),
    event("f7-audit", 90, "patch", oncall, "pods", "dev-team", "api-5d8f-x2", sub="ephemeralcontainers", decision_step="011"),
]))
write("benign-day", steps,
      {"description": "A GitOps rollout, an HPA scale-up and an on-call kubectl debug: nothing above low.",
       "alerts": [{"rule": "ephemeral-container", "severity": "low"}],
       "tolerate": "low"})
print("scenarios written to", HERE)
