"""The structure of one rendered release: what every ci/*-values.yaml rendering must satisfy."""
import base64
import fnmatch
import json
import re
import subprocess
from pathlib import Path

import yaml

from rendering import NAMESPACE, RELEASE, flags_of, full_name, named, of_kind, pem_of, port_of
from served_tls import openssl

# Contract section 4: every workload kind with CREATE, UPDATE, DELETE; the subresources; the
# /scale subresources; Services for exposure; Namespace DELETE for tampering.
WORKLOAD_OPS = {"CREATE", "UPDATE", "DELETE"}
EXPECTED_RULES = {
    **{("", r): WORKLOAD_OPS for r in ("pods", "replicationcontrollers", "podtemplates")},
    **{("apps", r): WORKLOAD_OPS for r in ("deployments", "replicasets", "statefulsets", "daemonsets")},
    **{("batch", r): WORKLOAD_OPS for r in ("jobs", "cronjobs")},
    ("", "pods/ephemeralcontainers"): {"UPDATE"},
    ("", "pods/exec"): {"CONNECT"},
    ("", "pods/attach"): {"CONNECT"},
    ("", "pods/portforward"): {"CONNECT"},
    **{("apps", f"{r}/scale"): {"UPDATE"} for r in ("deployments", "statefulsets", "replicasets")},
    ("", "replicationcontrollers/scale"): {"UPDATE"},
    ("", "services"): {"CREATE", "UPDATE"},
    ("", "namespaces"): {"DELETE"},
}
CLUSTER_SCOPED = {"ValidatingWebhookConfiguration", "ClusterRole", "ClusterRoleBinding", "Namespace"}
FILE_FLAGS = ("--config", "--tls-cert", "--tls-key", "--client-ca", "--api-token-file",
              "--audit-token-file", "--redis-password-file")
# The state volume's sizing rule (values.yaml, README "Sizing the state volume"): about 1 KiB per
# stored alert plus 256 MiB for the WAL, the trackers and the processed audit ids.
BYTES_PER_ALERT, STATE_HEADROOM = 1024, 256 * 1024 ** 2
QUANTITY_UNITS = {"": 1, "k": 1000, "M": 1000 ** 2, "G": 1000 ** 3, "T": 1000 ** 4,
                  "Ki": 1024, "Mi": 1024 ** 2, "Gi": 1024 ** 3, "Ti": 1024 ** 4}


def quantity_bytes(text):
    """Bytes of a Kubernetes storage quantity (`2Gi`, `500M`, `1073741824`), None if not one."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kMGT]i?|Ki)?", str(text or ""))
    if not m or (m.group(2) or "") not in QUANTITY_UNITS:
        return None
    return float(m.group(1)) * QUANTITY_UNITS[m.group(2) or ""]


def redis_name(values, release=RELEASE):
    """The evaluation Redis's Deployment and Service (templates/_helpers.tpl launchguard.redisName)."""
    return f"{full_name(values, release)[:57].rstrip('-')}-redis"


def redis_url(values, release=RELEASE):
    """The Redis launchguard uses: redis.url, else the evaluation Redis's Service, else None."""
    if values["redis"]["url"]:
        return values["redis"]["url"]
    if values["redis"]["evaluation"]["enabled"]:
        return f"redis://{redis_name(values, release)}:6379"
    return None


def serve_flags(env):
    """The flags `launchguard serve` accepts, from its --help."""
    text = subprocess.run([env.launchguard, "serve", "--help"], capture_output=True,
                          text=True).stdout
    return set(re.findall(r"(--[a-z][a-z0-9-]+)", text))


def opt_out_label(env):
    """The namespace opt-out label the audit rules know (policy/audit/audit_rules.hpp)."""
    header = (env.source / "policy/audit/audit_rules.hpp").read_text()
    m = re.search(r'opt_out_label\s*=\s*"([^"]+)"', header)
    return m.group(1) if m else None


class Release:
    """One rendering: documents plus the values it was rendered with."""

    def __init__(self, docs, values, release=RELEASE, namespace=NAMESPACE):
        self.docs, self.values, self.release, self.ns = docs, values, release, namespace
        self.fullname = full_name(values, release)
        self.deployment = named(docs, "Deployment", self.fullname)
        self.service = named(docs, "Service", self.fullname)
        configs = of_kind(docs, "ValidatingWebhookConfiguration")
        self.webhook_config = configs[0] if len(configs) == 1 else None
        self.pod = (self.deployment or {}).get("spec", {}).get("template", {})
        containers = self.pod.get("spec", {}).get("containers", [])
        self.container = containers[0] if containers else {}
        self.flags = flags_of(self.container.get("args", []))
        self.redis_url = redis_url(values, release)

    def volume(self, name):
        return next((v for v in self.pod["spec"].get("volumes", []) if v["name"] == name), None)

    def container_port(self, name_or_number):
        for p in self.container.get("ports", []):
            if p.get("name") == name_or_number or p.get("containerPort") == name_or_number:
                return p["containerPort"]
        return None


def check_generic(c, r):
    seen = set()
    for d in r.docs:
        kind, meta = d.get("kind"), d.get("metadata", {})
        where = f"{kind}/{meta.get('name')}"
        c.check(d.get("apiVersion") and kind and meta.get("name"), f"{where}: apiVersion, kind and name")
        c.check((kind, meta.get("name")) not in seen, f"{where}: rendered twice")
        seen.add((kind, meta.get("name")))
        if kind in CLUSTER_SCOPED:
            c.check("namespace" not in meta, f"{where}: cluster-scoped but has a namespace")
        else:
            c.equal(meta.get("namespace"), r.ns, f"{where}: namespace")
        c.equal(meta.get("labels", {}).get("app.kubernetes.io/instance"), r.release,
                f"{where}: app.kubernetes.io/instance label")


def check_webhook(c, r, env):
    v, config = r.values, r.webhook_config
    if not c.check(config, "exactly one ValidatingWebhookConfiguration"):
        return
    hooks = config.get("webhooks", [])
    if not c.equal(len(hooks), 1, "webhooks in the configuration"):
        return
    w = hooks[0]
    c.equal(w.get("admissionReviewVersions"), ["v1"], "webhook admissionReviewVersions")
    c.equal(w.get("sideEffects"), "NoneOnDryRun", "webhook sideEffects")
    c.equal(w.get("timeoutSeconds"), v["webhook"]["timeoutSeconds"], "webhook timeoutSeconds")
    c.equal(w.get("failurePolicy"), v["webhook"]["failurePolicy"], "webhook failurePolicy")
    c.equal(w.get("matchPolicy"), "Equivalent", "webhook matchPolicy")
    c.check(any(fnmatch.fnmatchcase(w["name"], g) for g in v["policy"]["provenance"]["webhookNames"]),
            f"webhook name {w['name']} matches policy.provenance.webhookNames (audit correlation)")

    # The client config reaches the Service's TLS port, which reaches the container's --listen.
    svc = w.get("clientConfig", {}).get("service", {})
    c.equal(svc.get("name"), r.fullname, "webhook service name")
    c.equal(svc.get("namespace"), r.ns, "webhook service namespace")
    c.equal(svc.get("path"), "/validate", "webhook path")
    if c.check(r.service, "Service rendered"):
        ports = {p["name"]: p for p in r.service["spec"]["ports"]}
        https = ports.get("https", {})
        c.equal(svc.get("port"), https.get("port"), "webhook port is the Service's https port")
        c.equal(r.container_port(https.get("targetPort")), port_of(r.flags.get("--listen", ":0")),
                "Service https targetPort is the container's --listen port")
        c.equal(r.service["spec"]["selector"], r.deployment["spec"]["selector"]["matchLabels"],
                "Service selects the Deployment's pods")
        c.equal(r.service["spec"].get("clusterIP"), v["service"]["clusterIP"] or None,
                "Service clusterIP pinned only when given (the audit backend's hostAliases)")

    # Every kind and subresource of the contract, with exactly the operations it needs.
    rules = {}
    for rule in w.get("rules", []):
        c.check("v1" in rule.get("apiVersions", []), f"rule {rule.get('resources')} covers v1")
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                rules.setdefault((group, resource), set()).update(rule["operations"])
                expected_scope = "Cluster" if resource == "namespaces" else "Namespaced"
                c.equal(rule.get("scope"), expected_scope, f"scope of rule for {resource}")
    c.equal(rules, EXPECTED_RULES, "webhook rules")

    # namespaceSelector: release namespace and excluded namespaces by name, the opt-out label.
    uncovered = [r.ns] + [n for n in v["webhook"]["excludedNamespaces"] if n != r.ns]
    expressions = w.get("namespaceSelector", {}).get("matchExpressions", [])
    by_name = [e for e in expressions if e["key"] == "kubernetes.io/metadata.name"]
    c.check(len(by_name) == 1 and by_name[0]["operator"] == "NotIn",
            "namespaceSelector excludes namespaces by kubernetes.io/metadata.name NotIn")
    if by_name:
        c.equal(by_name[0].get("values"), uncovered, "namespaceSelector excluded namespaces")
    label = opt_out_label(env)
    c.equal(label, "launchguard.io/ignore", "opt-out label of policy/audit/audit_rules.hpp")
    opt_out = [e for e in expressions if e["key"] == label and e["operator"] == "DoesNotExist"]
    c.equal(len(opt_out), 1 if v["webhook"]["allowOptOutLabel"] else 0,
            f"namespaceSelector opt-out by {label} (webhook.allowOptOutLabel)")
    c.equal(len(expressions), 1 + len(opt_out), "namespaceSelector has no other expressions")

    # matchConditions: the server's own account out; bookkeeping updates and controller deletes.
    conditions = {m["name"]: m["expression"] for m in w.get("matchConditions", [])}
    c.equal(len(conditions), len(w.get("matchConditions", [])), "matchCondition names are unique")
    account = f"system:serviceaccount:{r.ns}:{r.pod['spec']['serviceAccountName']}"
    c.equal(conditions.get("not-launchguard-itself"),
            f"request.userInfo.username != '{account}'", "matchCondition excluding launchguard's account")
    bookkeeping = conditions.get("skip-bookkeeping-updates", "")
    for part in ("request.operation != 'UPDATE'", "request.subResource != ''",
                 "object.spec != oldObject.spec", "object.metadata.labels", "object.metadata.annotations"):
        c.check(part in bookkeeping, f"skip-bookkeeping-updates tests {part}")
    deletes = conditions.get("skip-controller-pod-deletes")
    skip_by, skip_nodes = v["webhook"]["skipPodDeletesBy"], v["webhook"]["skipPodDeletesByNodes"]
    if skip_by or skip_nodes:
        if c.check(deletes, "skip-controller-pod-deletes rendered"):
            c.check("request.resource.resource == 'pods'" in deletes and "'DELETE'" in deletes,
                    "skip-controller-pod-deletes only concerns pod DELETEs")
            c.check(all(json.dumps(u) in deletes for u in skip_by), "every skipPodDeletesBy user in it")
            c.equal("startsWith('system:node:')" in deletes, skip_nodes, "kubelet deletes skipped")
    else:
        c.check(deletes is None, "no skip-controller-pod-deletes without users to skip")
    for name, expression in conditions.items():
        c.check(expression.count("(") == expression.count(")") and expression.count("'") % 2 == 0,
                f"matchCondition {name}: balanced parentheses and quotes")


def check_policy(c, r, env, tmp):
    v = r.values
    cm = named(r.docs, "ConfigMap", f"{r.fullname}-policy")
    if not c.check(cm, "policy ConfigMap rendered"):
        return
    policy = yaml.safe_load(cm["data"]["policy.yaml"])
    c.equal((policy.get("apiVersion"), policy.get("kind")), ("launchguard/v1", "Policy"), "policy header")
    c.equal(policy.get("mode"), v["policy"]["mode"], "policy mode from values")
    hooks = (r.webhook_config or {}).get("webhooks") or [{}]
    selector = [e for e in hooks[0].get("namespaceSelector", {}).get("matchExpressions", [])
                if e["key"] == "kubernetes.io/metadata.name"]
    c.equal(policy["provenance"].get("uncoveredNamespaces"), selector[0]["values"] if selector else None,
            "provenance.uncoveredNamespaces is the namespaceSelector's NotIn list")
    for key, value in v["policy"].items():
        if key != "provenance":
            c.equal(policy.get(key), value, f"policy.{key} from values")
    provenance = {k: x for k, x in policy["provenance"].items() if k != "uncoveredNamespaces"}
    c.equal(provenance, v["policy"]["provenance"], "policy.provenance from values")
    path = Path(tmp) / "policy.yaml"
    path.write_text(cm["data"]["policy.yaml"])
    p = subprocess.run([env.launchguard, "check-config", str(path)], capture_output=True, text=True)
    c.equal(p.returncode, 0, f"launchguard check-config of the rendered policy ({p.stdout}{p.stderr})")


def check_deployment(c, r, env, known_flags):
    v, d = r.values, r.deployment
    if not c.check(d, "Deployment rendered"):
        return
    spec, pod = d["spec"], r.pod["spec"]
    c.equal(spec["replicas"], v["replicaCount"], "Deployment replicas")
    c.check(spec["selector"]["matchLabels"].items() <= r.pod["metadata"]["labels"].items(),
            "Deployment selector matches its pod labels")
    persistent = v["state"]["persistence"]["enabled"]
    if persistent:
        c.equal(spec["strategy"], {"type": "Recreate"}, "a ReadWriteOnce state volume: Recreate")
    else:
        c.equal(spec["strategy"].get("rollingUpdate", {}).get("maxUnavailable"), 0,
                "rolling updates keep the old pod until the new one is ready")

    # Hardened security context.
    psc, sc = pod.get("securityContext", {}), r.container.get("securityContext", {})
    c.equal(psc.get("runAsNonRoot"), True, "pod runAsNonRoot")
    c.check(psc.get("runAsUser", 0) > 0, "pod runs as a non-zero UID")
    c.equal((sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type"), "RuntimeDefault",
            "RuntimeDefault seccomp profile")
    c.equal(sc.get("allowPrivilegeEscalation"), False, "allowPrivilegeEscalation false")
    c.equal(sc.get("readOnlyRootFilesystem"), True, "readOnlyRootFilesystem")
    c.equal(sc.get("capabilities"), {"drop": ["ALL"]}, "every capability dropped, none added")
    c.check(not sc.get("privileged"), "not privileged")
    res = r.container.get("resources", {})
    c.check(res.get("requests", {}).get("cpu") and res.get("requests", {}).get("memory")
            and res.get("limits", {}).get("memory"), "cpu and memory requests, memory limit")

    # Probes on the ops port, which is --ops-listen.
    ops = port_of(r.flags.get("--ops-listen", ":0"))
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = r.container.get(probe, {}).get("httpGet", {})
        c.equal(get.get("path"), path, f"{probe} path")
        c.equal(r.container_port(get.get("port")), ops, f"{probe} on the ops port")
        c.check(get.get("scheme", "HTTP") == "HTTP", f"{probe} over plain HTTP")

    # preStop: the native sleep action, then the server's 5-second drain within the grace period.
    pre_stop = r.container.get("lifecycle", {}).get("preStop", {})
    c.check(set(pre_stop) == {"sleep"} and pre_stop["sleep"].get("seconds", 0) > 0,
            "preStop is the native sleep action")
    c.check(pod.get("terminationGracePeriodSeconds", 30) >= pre_stop.get("sleep", {}).get("seconds", 0) + 5,
            "grace period covers the preStop sleep and the 5-second drain")

    # Arguments: `serve` with flags it knows, each feature's flag exactly when it is enabled.
    args = r.container.get("args", [])
    c.equal(args[:1], ["serve"], "the container runs `launchguard serve`")
    for flag in r.flags:
        c.check(flag in known_flags, f"{flag} is a flag of `launchguard serve`")
    for flag in ("--config", "--tls-cert", "--tls-key", "--listen", "--ops-listen", "--state-dir"):
        c.check(flag in r.flags, f"{flag} given")
    expect = {
        "--api-token-file": v["apiToken"]["enabled"],
        "--audit-token-file": v["auditToken"]["enabled"],
        "--client-ca": v["clientCA"]["enabled"],
        "--redis-url": bool(r.redis_url),
        "--redis-timeout": bool(r.redis_url),
        "--redis-password-file": bool(v["redis"]["passwordSecret"]),
        "--threads": bool(v["server"]["threads"]),
    }
    for flag, wanted in expect.items():
        c.equal(flag in r.flags, wanted, f"{flag} present exactly when its value enables it")
    if r.redis_url:
        c.equal(r.flags.get("--redis-url"), r.redis_url,
                "--redis-url from redis.url, else the evaluation Redis's Service")
        c.equal(r.flags.get("--redis-timeout"), str(v["redis"]["timeout"]), "--redis-timeout from redis.timeout")

    env_vars = {e["name"]: e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
                for e in r.container.get("env", [])}
    c.equal(env_vars.get("POD_NAMESPACE"), "metadata.namespace", "POD_NAMESPACE from the downward API")
    c.equal(env_vars.get("POD_SERVICE_ACCOUNT"), "spec.serviceAccountName",
            "POD_SERVICE_ACCOUNT from the downward API")

    # Volumes: no subPath anywhere (mounted ConfigMaps and Secrets then update in place).
    mounts = r.container.get("volumeMounts", [])
    c.check(all("subPath" not in m and "subPathExpr" not in m for m in mounts), "no subPath mounts")
    state = next((m for m in mounts if m["mountPath"] == r.flags.get("--state-dir")), None)
    if c.check(state, "--state-dir is a mounted volume"):
        c.check(not state.get("readOnly"), "the state volume is writable")
        volume = r.volume(state["name"]) or {}
        c.check(("persistentVolumeClaim" in volume) == persistent and
                ("emptyDir" in volume) == (not persistent), "state volume: emptyDir, or the claim with persistence")
        check_state_size(c, r, volume)
    c.check(any(m["mountPath"] == "/tmp" for m in mounts), "a writable /tmp on the read-only root")
    check_file_flags(c, r, mounts)

    automount = bool(v["serviceAccount"]["automountToken"] or v["rbac"]["rules"] or v["rbac"]["clusterRules"])
    c.equal(pod.get("automountServiceAccountToken"), automount,
            "no service account token unless RBAC grants something")
    annotations = r.pod["metadata"].get("annotations", {})
    c.equal([k for k in annotations if k.startswith("checksum/")], ["checksum/startup-files"],
            "one checksum annotation, of the files the chart renders for the server (tokens are read only at start)")
    if not v["affinity"]:
        terms = (pod.get("affinity", {}).get("podAntiAffinity", {})
                 .get("preferredDuringSchedulingIgnoredDuringExecution", []))
        c.check(terms and terms[0]["podAffinityTerm"]["labelSelector"]["matchLabels"]
                == spec["selector"]["matchLabels"], "pod anti-affinity over the replicas")


def check_state_size(c, r, volume):
    """The state volume holds policy.retention.maxAlerts alerts: an emptyDir over its sizeLimit
    gets the pod evicted and the store deleted. An existing claim is the user's to size."""
    max_alerts = int(r.values["policy"].get("retention", {}).get("maxAlerts", 1_000_000))
    needed = max_alerts * BYTES_PER_ALERT + STATE_HEADROOM
    if "emptyDir" in volume:
        limit = volume["emptyDir"].get("sizeLimit")
        size, what = quantity_bytes(limit), f"emptyDir sizeLimit {limit}"
    else:
        claim = named(r.docs, "PersistentVolumeClaim", volume.get("persistentVolumeClaim", {}).get("claimName"))
        if not claim:
            return
        request = claim["spec"]["resources"]["requests"].get("storage")
        size, what = quantity_bytes(request), f"claim size {request}"
    c.check(size is not None and size >= needed,
            f"state volume {what} holds retention.maxAlerts {max_alerts} "
            f"(about 1 KiB each + 256 MiB: {needed / 1024 ** 3:.2f} GiB)")


def external_objects(r):
    """Secrets and ConfigMaps the pods may use without the chart rendering them."""
    v = r.values
    secrets = {v["certificates"]["secret"]["name"], v["apiToken"]["existingSecret"],
               v["auditToken"]["existingSecret"], v["redis"]["passwordSecret"]}
    secrets |= {cert["spec"]["secretName"] for cert in of_kind(r.docs, "Certificate")}
    return {"Secret": secrets - {""}, "ConfigMap": {v["clientCA"]["existingConfigMap"]} - {""}}


def source_key(c, r, kind, name, key, flag):
    """The object behind a file: rendered with the key, or one the values name as external."""
    obj = named(r.docs, kind, name)
    if obj is not None:
        c.check(key in (obj.get("data") or {}), f"{flag}: {kind} {name} has key {key}")
    else:
        c.check(name in external_objects(r)[kind], f"{flag}: {kind} {name} is neither rendered nor given in values")


def check_file_flags(c, r, mounts):
    """Every file flag names a file in a mounted volume that provides it."""
    for flag in FILE_FLAGS:
        path = r.flags.get(flag)
        if path is None:
            continue
        directory, file = path.rsplit("/", 1)
        mount = next((m for m in mounts if m["mountPath"] == directory), None)
        if not c.check(mount, f"{flag} {path}: its directory is a volume mount"):
            continue
        c.check(mount.get("readOnly"), f"{flag}: mounted read-only")
        volume = r.volume(mount["name"]) or {}
        sources = []
        if "configMap" in volume:
            sources.append(("ConfigMap", volume["configMap"]["name"], volume["configMap"].get("items")))
        if "secret" in volume:
            sources.append(("Secret", volume["secret"]["secretName"], volume["secret"].get("items")))
        for s in volume.get("projected", {}).get("sources", []):
            for kind, field in (("ConfigMap", "configMap"), ("Secret", "secret")):
                if field in s:
                    sources.append((kind, s[field]["name"], s[field].get("items")))
        found = False
        for kind, name, items in sources:
            if items is None:
                found = True
                source_key(c, r, kind, name, file, flag)
                continue
            for item in items:
                if item["path"] == file:
                    found = True
                    source_key(c, r, kind, name, item["key"], flag)
        c.check(found, f"{flag}: volume {mount['name']} provides {file}")


def check_certificates(c, r, tmp):
    v, mode = r.values, r.values["certificates"]["mode"]
    tls = r.volume("tls") or {}
    secret_name = tls.get("secret", {}).get("secretName")
    hook = ((r.webhook_config or {}).get("webhooks") or [{}])[0]
    bundle = hook.get("clientConfig", {}).get("caBundle")
    inject = (r.webhook_config or {}).get("metadata", {}).get("annotations", {}).get("cert-manager.io/inject-ca-from")
    host = f"{r.fullname}.{r.ns}.svc"
    tls_secrets = [s for s in of_kind(r.docs, "Secret") if s.get("type") == "kubernetes.io/tls"]
    certificates = of_kind(r.docs, "Certificate")
    if mode == "helm":
        c.equal(inject, None, "helm certificates: no cainjector annotation")
        c.equal(certificates, [], "helm certificates: no cert-manager objects")
        secret = named(r.docs, "Secret", secret_name)
        if not c.check(secret and secret.get("type") == "kubernetes.io/tls",
                       "helm certificates: the mounted Secret is rendered, type kubernetes.io/tls"):
            return
        data = secret["data"]
        c.equal(bundle, data.get("ca.crt"), "caBundle is the generated CA")
        d = Path(tmp)
        for key in ("ca.crt", "tls.crt", "tls.key"):
            (d / key).write_text(pem_of(data[key]))
        verify = openssl("verify", "-CAfile", str(d / "ca.crt"), "-verify_hostname", host, str(d / "tls.crt"))
        c.equal(verify.returncode, 0, f"generated certificate verifies for {host} ({verify.stderr.strip()})")
        sans = openssl("x509", "-in", str(d / "tls.crt"), "-noout", "-ext", "subjectAltName").stdout
        for name in (host, f"{host}.{v['clusterDomain']}"):
            c.check(f"DNS:{name}" in sans, f"generated certificate names {name}")
        cert_key = openssl("x509", "-in", str(d / "tls.crt"), "-noout", "-pubkey").stdout
        key_pub = openssl("pkey", "-in", str(d / "tls.key"), "-pubout").stdout
        c.check(cert_key and cert_key == key_pub, "generated key matches the certificate")
    elif mode == "cert-manager":
        c.equal(tls_secrets, [], "cert-manager: the chart renders no TLS Secret")
        c.equal(bundle, None, "cert-manager: caBundle left to the cainjector")
        serving = named(r.docs, "Certificate", f"{r.fullname}-tls")
        if not c.check(serving, "cert-manager: serving Certificate rendered"):
            return
        c.equal(inject, f"{r.ns}/{serving['metadata']['name']}", "cainjector annotation names the Certificate")
        c.equal(serving["spec"]["secretName"], secret_name, "the Certificate's Secret is the mounted one")
        for name in (host, f"{host}.{v['clusterDomain']}"):
            c.check(name in serving["spec"]["dnsNames"], f"Certificate names {name}")
        c.check("server auth" in serving["spec"].get("usages", []), "Certificate usage server auth")
        issuer = serving["spec"]["issuerRef"]
        given = v["certificates"]["certManager"]["issuerRef"]
        if given:
            c.equal(issuer, given, "the given issuerRef is used")
            c.equal(of_kind(r.docs, "Issuer"), [], "no Issuer of our own with a given issuerRef")
        else:
            ca_issuer = named(r.docs, "Issuer", issuer["name"])
            if c.check(issuer.get("kind") == "Issuer" and ca_issuer, "the chart's CA Issuer is rendered"):
                ca_cert = next((x for x in certificates if x["spec"].get("secretName")
                                == ca_issuer["spec"]["ca"]["secretName"]), None)
                c.check(ca_cert and ca_cert["spec"].get("isCA"), "the CA Issuer's secret comes from a CA Certificate")
                root = named(r.docs, "Issuer", (ca_cert or {}).get("spec", {}).get("issuerRef", {}).get("name"))
                c.check(root and "selfSigned" in root["spec"], "the CA is signed by a self-signed Issuer")
    else:
        c.equal(tls_secrets, [], "secret mode: the chart renders no TLS Secret")
        c.equal(certificates, [], "secret mode: no cert-manager objects")
        c.equal(secret_name, v["certificates"]["secret"]["name"], "secret mode: the given Secret is mounted")
        c.equal(bundle, v["certificates"]["secret"]["caBundle"], "secret mode: the given caBundle")


def check_tokens(c, r):
    v = r.values
    tokens = named(r.docs, "Secret", f"{r.fullname}-tokens")
    data = (tokens or {}).get("data", {})
    for key, spec in (("api-token", v["apiToken"]), ("audit-token", v["auditToken"])):
        generated = spec["enabled"] and not spec["existingSecret"]
        c.equal(key in data, generated, f"{key} in the chart's Secret exactly when the chart makes it")
        if generated and key in data:
            token = base64.b64decode(data[key]).decode()
            if spec["value"]:
                c.equal(token, spec["value"], f"{key}: the given token")
            else:
                c.check(len(token) >= 32 and token.isalnum(), f"{key}: a generated token of 32+ characters")


def check_others(c, r):
    v = r.values
    replicas = v["replicaCount"]
    pdbs = of_kind(r.docs, "PodDisruptionBudget")
    c.equal(len(pdbs), 1 if replicas > 1 else 0, f"PodDisruptionBudget with {replicas} replica(s)")
    for pdb in pdbs:
        c.equal(pdb["spec"]["selector"]["matchLabels"], r.deployment["spec"]["selector"]["matchLabels"],
                "PDB selects the Deployment's pods")
        c.check(1 <= pdb["spec"].get("minAvailable", 0) < replicas, "PDB leaves room for a drain")

    evaluation = v["redis"]["evaluation"]["enabled"]
    c.equal(len(of_kind(r.docs, "NetworkPolicy")),
            (1 + bool(evaluation)) if v["networkPolicy"]["enabled"] else 0,
            "NetworkPolicy when enabled (and one for the evaluation Redis)")
    policies = [np for np in [named(r.docs, "NetworkPolicy", r.fullname)] if np]
    for np in policies:
        spec = np["spec"]
        c.equal(spec["podSelector"]["matchLabels"], r.deployment["spec"]["selector"]["matchLabels"],
                "NetworkPolicy selects the pods")
        c.equal(set(spec["policyTypes"]), {"Ingress", "Egress"}, "NetworkPolicy types")
        webhook_rule = [i for i in spec["ingress"] if any(p["port"] == "https" for p in i["ports"])]
        if c.check(len(webhook_rule) == 1, "NetworkPolicy admits the webhook port"):
            c.equal(webhook_rule[0].get("from"), v["networkPolicy"]["webhookFrom"] or None,
                    "webhook port sources (none listed: any, the API server is not a pod)")
        egress_ports = [p["port"] for e in spec.get("egress", []) for p in e["ports"]]
        egress = {(p["port"], p.get("protocol", "TCP")) for e in spec.get("egress", []) for p in e["ports"]}
        c.check({(53, "UDP"), (53, "TCP")} <= egress, "NetworkPolicy lets DNS out (UDP and TCP)")
        if r.redis_url:
            m = re.search(r":(\d+)(/|$)", r.redis_url[len("redis://"):])
            port = int(m.group(1)) if m else 6379
            c.check(port in egress_ports, "NetworkPolicy lets Redis out")
            redis_rules = [e for e in spec["egress"] if any(p["port"] == port for p in e["ports"])]
            if evaluation and c.equal(len(redis_rules), 1, "one egress rule to the evaluation Redis"):
                redis_pod = named(r.docs, "Deployment", redis_name(v, r.release)) or {}
                labels = redis_pod.get("spec", {}).get("template", {}).get("metadata", {}).get("labels")
                c.equal(redis_rules[0].get("to"), [{"podSelector": {"matchLabels": labels}}],
                        "egress to the Redis port goes to the evaluation Redis's pod only")
        else:
            c.check(all(p["port"] == 53 for e in spec.get("egress", []) for p in e["ports"]),
                    "no egress beyond DNS without Redis")

    monitors = of_kind(r.docs, "ServiceMonitor")
    c.equal(len(monitors), 1 if v["serviceMonitor"]["enabled"] else 0, "ServiceMonitor when enabled")
    for m in monitors:
        ports = {p["name"]: p for p in r.service["spec"]["ports"]}
        port = m["spec"]["endpoints"][0]["port"]
        c.check(port in ports and r.container_port(ports[port]["targetPort"]) ==
                port_of(r.flags["--ops-listen"]), "ServiceMonitor scrapes the ops port through the Service")
        c.check(m["spec"]["selector"]["matchLabels"].items() <= r.service["metadata"]["labels"].items(),
                "ServiceMonitor selects the Service")

    sa_name = r.pod["spec"]["serviceAccountName"]
    sa = named(r.docs, "ServiceAccount", sa_name)
    c.check(sa if v["serviceAccount"]["create"] else True, "the pods' ServiceAccount is rendered")
    for kind, binding_kind, rules in (("Role", "RoleBinding", v["rbac"]["rules"]),
                                      ("ClusterRole", "ClusterRoleBinding", v["rbac"]["clusterRules"])):
        roles, bindings = of_kind(r.docs, kind), of_kind(r.docs, binding_kind)
        c.equal((len(roles), len(bindings)), (1, 1) if rules else (0, 0),
                f"{kind} and {binding_kind} only when rbac grants rules (launchguard makes no API calls)")
        for role, binding in zip(roles, bindings):
            c.equal(role["rules"], rules, f"{kind} rules from values")
            c.equal(binding["roleRef"]["name"], role["metadata"]["name"], f"{binding_kind} roleRef")
            c.equal(binding["subjects"], [{"kind": "ServiceAccount", "name": sa_name, "namespace": r.ns}],
                    f"{binding_kind} subject is the pods' ServiceAccount")
    c.equal(len(of_kind(r.docs, "PersistentVolumeClaim")),
            1 if v["state"]["persistence"]["enabled"] and not v["state"]["persistence"]["existingClaim"] else 0,
            "PersistentVolumeClaim with persistence")
    if v["clientCA"]["enabled"] and v["clientCA"]["pem"]:
        ca = named(r.docs, "ConfigMap", f"{r.fullname}-client-ca")
        c.check(ca and "BEGIN CERTIFICATE" in ca["data"]["ca.crt"], "client CA ConfigMap holds the PEM")


def check_redis_evaluation(c, r):
    """redis.evaluation.enabled: one hardened Redis, its Service, launchguard pointed at it and
    a NetworkPolicy that admits launchguard's pods only. Disabled: none of it."""
    v = r.values
    name = redis_name(v, r.release)
    d, svc = named(r.docs, "Deployment", name), named(r.docs, "Service", name)
    if not v["redis"]["evaluation"]["enabled"]:
        c.check(d is None and svc is None and named(r.docs, "NetworkPolicy", name) is None,
                "no evaluation Redis unless redis.evaluation.enabled")
        c.equal(len(of_kind(r.docs, "Deployment")), 1, "one Deployment, launchguard's")
        return
    if not (c.check(d, f"evaluation Redis Deployment {name}") and c.check(svc, f"evaluation Redis Service {name}")):
        return
    spec = d["spec"]
    pod_meta, pod = spec["template"]["metadata"], spec["template"]["spec"]
    c.equal(spec["replicas"], 1, "evaluation Redis: one instance")
    c.equal(spec["strategy"], {"type": "Recreate"}, "evaluation Redis: never two at once (Recreate)")
    c.check(spec["selector"]["matchLabels"].items() <= pod_meta["labels"].items(),
            "evaluation Redis: selector matches its pod labels")
    launchguard_selector = r.deployment["spec"]["selector"]["matchLabels"]
    c.check(not launchguard_selector.items() <= pod_meta["labels"].items(),
            "launchguard's selectors (Service, PDB, NetworkPolicy) do not select the Redis pod")
    c.check(not spec["selector"]["matchLabels"].items() <= r.pod["metadata"]["labels"].items(),
            "the Redis selector does not select launchguard's pods")
    labels = d["metadata"].get("labels", {})
    c.equal(labels.get("app.kubernetes.io/part-of"), "launchguard", "evaluation Redis: part-of label")
    c.equal(labels.get("app.kubernetes.io/managed-by"), "Helm", "evaluation Redis: managed-by label")
    c.equal(svc["spec"]["selector"], spec["selector"]["matchLabels"], "the Redis Service selects the Redis pod")
    c.equal(pod.get("automountServiceAccountToken"), False, "evaluation Redis: no service account token")

    containers = pod.get("containers", [])
    if not c.equal(len(containers), 1, "evaluation Redis: one container"):
        return
    redis = containers[0]
    psc, sc = pod.get("securityContext", {}), redis.get("securityContext", {})
    c.equal(psc.get("runAsNonRoot"), True, "evaluation Redis: runAsNonRoot")
    c.check(psc.get("runAsUser", 0) > 0, "evaluation Redis: a non-zero UID")
    c.equal((sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type"), "RuntimeDefault",
            "evaluation Redis: RuntimeDefault seccomp profile")
    c.equal(sc.get("allowPrivilegeEscalation"), False, "evaluation Redis: allowPrivilegeEscalation false")
    c.equal(sc.get("readOnlyRootFilesystem"), True, "evaluation Redis: readOnlyRootFilesystem")
    c.equal(sc.get("capabilities"), {"drop": ["ALL"]}, "evaluation Redis: every capability dropped")
    c.check(not sc.get("privileged"), "evaluation Redis: not privileged")
    res = redis.get("resources", {})
    c.check(res.get("requests", {}).get("memory") and res.get("limits", {}).get("memory"),
            "evaluation Redis: memory request and limit")

    args = redis.get("args", [])
    pairs = dict(zip(args[::2], args[1::2]))
    c.equal(redis.get("command"), ["redis-server"], "evaluation Redis runs redis-server")
    given = [str(a) for a in v["redis"]["evaluation"]["args"]]
    c.equal(args[-len(given):] if given else [], given, "evaluation Redis: redis.evaluation.args last, as given")
    c.equal(pairs.get("--appendonly"), "yes", "evaluation Redis: appendonly yes")
    c.check(pairs.get("--appendfsync") in ("always", "everysec"),
            "evaluation Redis: appendfsync always (or everysec, up to a second lost)")
    data = next((m for m in redis.get("volumeMounts", []) if m["mountPath"] == pairs.get("--dir")), None)
    if c.check(data, "evaluation Redis: its --dir is a mounted volume"):
        c.check(not data.get("readOnly"), "evaluation Redis: the data volume is writable")
        volume = next((x for x in pod.get("volumes", []) if x["name"] == data["name"]), {})
        claim = v["redis"]["evaluation"]["persistence"]["existingClaim"]
        if claim:
            c.equal(volume.get("persistentVolumeClaim"), {"claimName": claim}, "evaluation Redis: the given claim")
        else:
            c.check(volume.get("emptyDir", {}).get("sizeLimit"), "evaluation Redis: an emptyDir with a size limit")
    port = next((p["containerPort"] for p in redis.get("ports", []) if p.get("name") == "redis"), None)
    c.equal(port, 6379, "evaluation Redis: container port redis is 6379")
    c.equal(pairs.get("--port"), "6379", "evaluation Redis listens on 6379")
    readiness = redis.get("readinessProbe", {})
    c.check("exec" in readiness or readiness.get("tcpSocket", {}).get("port") in ("redis", 6379),
            "evaluation Redis: a readiness probe")
    c.check("redis-cli" in " ".join(readiness.get("exec", {}).get("command", [])) or "tcpSocket" in readiness,
            "evaluation Redis: the readiness probe asks Redis")
    svc_ports = svc["spec"]["ports"]
    c.check(len(svc_ports) == 1 and svc_ports[0]["port"] == 6379 and svc_ports[0]["targetPort"] in ("redis", 6379),
            "the Redis Service's port 6379 reaches the container's")

    # launchguard uses it (unless redis.url names another Redis, which the chart refuses).
    c.equal(r.flags.get("--redis-url"), f"redis://{name}:6379", "launchguard's --redis-url is the Redis Service")
    password = v["redis"]["passwordSecret"]
    env = {e["name"]: e.get("valueFrom", {}).get("secretKeyRef") for e in redis.get("env", [])}
    if password:
        ref = {"name": password, "key": v["redis"]["passwordSecretKey"]}
        c.equal(pairs.get("--requirepass"), "$(REDIS_PASSWORD)", "evaluation Redis requires launchguard's password")
        c.equal(env.get("REDIS_PASSWORD"), ref, "REDIS_PASSWORD from redis.passwordSecret")
        c.equal(env.get("REDISCLI_AUTH"), ref, "the readiness probe's redis-cli authenticates")
    else:
        c.check("--requirepass" not in pairs and not env, "no password without redis.passwordSecret")

    policies = [np for np in of_kind(r.docs, "NetworkPolicy") if np["metadata"]["name"] == name]
    c.equal(len(policies), 1 if v["networkPolicy"]["enabled"] else 0,
            "a NetworkPolicy for the evaluation Redis when networkPolicy.enabled")
    for np in policies:
        s = np["spec"]
        c.equal(s["podSelector"]["matchLabels"], spec["selector"]["matchLabels"], "Redis NetworkPolicy selects Redis")
        c.equal(set(s["policyTypes"]), {"Ingress", "Egress"}, "Redis NetworkPolicy types")
        c.equal(s.get("ingress"), [{"ports": [{"port": "redis", "protocol": "TCP"}],
                                    "from": [{"podSelector": {"matchLabels": launchguard_selector}}]}],
                "Redis receives on its port from launchguard's pods only")
        c.equal(s.get("egress") or [], [], "Redis sends nothing")
