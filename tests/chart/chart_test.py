#!/usr/bin/env python3
"""Checks of the install story, run by ctest (tests/chart/CMakeLists.txt).

  chart_test.py build-renderer   builds ../shared/tools/chart-render into the build tree
  chart_test.py templates        renders charts/launchguard for every ci/*-values.yaml, parses
                                 every document and asserts the structure
  chart_test.py manifests        deploy/manifests/launchguard.yaml is the chart's current output
  chart_test.py values           every key of values.yaml is documented; the chart README's
                                 values table is current
  chart_test.py gen-certs        deploy/certs/gen-certs.sh makes a certificate that launchguard
                                 serves and that clients trusting the CA verify by name
  chart_test.py update           rewrites deploy/manifests/launchguard.yaml and the README table

Every check runs and the failures are listed together; the exit status is 1 if any failed.
Needs PyYAML (Debian: python3-yaml, installed by scripts/install-deps) and openssl. The checks
of one rendered release are in structure.py, rendering and parsing in rendering.py, the server
on loopback and the TLS clients in served_tls.py.
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
try:
    import yaml
except ImportError:
    sys.exit("chart_test.py: PyYAML is missing: install python3-yaml (scripts/install-deps does)")

from rendering import (NAMESPACE, RELEASE, Checks, Env, flatten, full_name, load_yaml, lookup, merge,
                       named, of_kind, parse, pem_of, render, split_documents, write_values)
from served_tls import Server, https_get, openssl, s_client
from structure import (Release, check_certificates, check_deployment, check_generic, check_others,
                       check_policy, check_redis_evaluation, check_tokens, check_webhook, redis_name,
                       serve_flags)

MANIFEST_RELEASE = MANIFEST_NAMESPACE = "launchguard"
# Helm's install order (pkg/releaseutil/kind_sorter.go); unknown kinds go last.
HELM_ORDER = ["PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
              "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
              "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
              "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
              "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
              "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
              "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
              "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
# What deploy/manifests/values.yaml may change from the chart's defaults (see that file).
MANIFEST_OVERRIDES = {"namespace.create", "certificates.mode", "certificates.secret.name",
                      "certificates.secret.caBundle", "apiToken.existingSecret"}
README_BEGIN, README_END = "<!-- values-table:begin -->", "<!-- values-table:end -->"


def check_notes(c, env, values_file, values, tmp):
    """NOTES.txt renders (the renderer skips .txt, so render a copy as YAML) and says the key things."""
    chart = Path(tmp) / "notes-chart"
    if not chart.exists():
        shutil.copytree(env.chart, chart)
        (chart / "templates" / "NOTES.txt").rename(chart / "templates" / "zz-notes.yaml")
    status, out, err = render(env, [values_file], chart=chart)
    if not c.equal(status, 0, f"NOTES.txt renders with {values_file.name} ({err.strip()})"):
        return
    notes = out[out.find("# Source: launchguard/templates/zz-notes.yaml"):]
    fullname = full_name(values, RELEASE)
    for text in ("deploy/audit/README.md", f"https://{fullname}.{NAMESPACE}.svc:{values['service']['port']}/audit",
                 "--dry-run=server", f"rollout status deployment/{fullname}"):
        c.check(text in notes, f"NOTES ({values_file.name}) mention {text}")
    if values["policy"]["mode"] == "enforce":
        c.check("[pss-host-namespaces]" in notes, f"NOTES ({values_file.name}) show the expected denial")
    if values["redis"]["evaluation"]["enabled"]:
        c.check("it is not for production" in notes,
                f"NOTES ({values_file.name}) say the evaluation Redis is not for production")


def cmd_templates(env, c):
    env.require_renderer()
    defaults = load_yaml(env.chart / "values.yaml")
    known_flags = serve_flags(env)
    c.check("--config" in known_flags and "--redis-url" in known_flags, "`launchguard serve --help` lists its flags")
    ci_files = sorted((env.chart / "ci").glob("*-values.yaml"))
    c.check(len(ci_files) >= 10, f"ci/*-values.yaml variants found ({len(ci_files)})")
    seen = {"replicas": set(), "certificates": set(), "state": set()}
    with tempfile.TemporaryDirectory() as tmp:
        for f in ci_files:
            values = merge(defaults, load_yaml(f))
            status, out, err = render(env, [f])
            if not c.equal(status, 0, f"{f.name} renders ({err.strip()})"):
                continue
            try:
                docs = parse(out)
            except yaml.YAMLError as e:
                c.check(False, f"{f.name}: rendered YAML parses ({e})")
                continue
            before = len(c.failures)
            r = Release(docs, values)
            work = Path(tmp) / f.stem
            work.mkdir()
            check_generic(c, r)
            check_webhook(c, r, env)
            check_policy(c, r, env, work)
            check_deployment(c, r, env, known_flags)
            check_certificates(c, r, work)
            check_tokens(c, r)
            check_others(c, r)
            check_redis_evaluation(c, r)
            check_notes(c, env, f, values, tmp)
            c.failures[before:] = [f"{f.name}: {m}" for m in c.failures[before:]]
            seen["replicas"].add(values["replicaCount"] > 1)
            seen["certificates"].add(values["certificates"]["mode"])
            seen["state"].add("redis.url" if values["redis"]["url"] else
                              "redis.evaluation" if values["redis"]["evaluation"]["enabled"] else "embedded")
        c.equal(seen["replicas"], {False, True}, "ci variants cover one and several replicas")
        c.equal(seen["certificates"], {"helm", "cert-manager", "secret"}, "ci variants cover every certificate mode")
        c.equal(seen["state"], {"embedded", "redis.url", "redis.evaluation"}, "ci variants cover every state store")
        check_refusals(env, c, tmp)
        check_redis_evaluation_mode(env, c, tmp, defaults, known_flags)
        check_restarts(env, c, tmp, defaults)
        check_served_certificate(env, c, tmp)
    return c.finish("chart templates")


def check_refusals(env, c, tmp):
    """Values the chart must refuse, with a message that says why."""
    cases = [
        ({"replicaCount": 2}, ["replicaCount is 2", "redis.url", "redis.evaluation.enabled",
                               "own embedded state store"]),
        ({"replicaCount": 3, "redis": {"passwordSecret": "x"}}, ["redis.url", "redis.evaluation.enabled"]),
        ({"redis": {"passwordSecret": "x"}}, ["redis.passwordSecret", "redis.url", "redis.evaluation.enabled"]),
        ({"replicaCount": 2, "redis": {"url": "redis://r:6379", "evaluation": {"enabled": True}}},
         ["redis.url", "redis.evaluation.enabled", "unused"]),
        ({"redis": {"url": "redis://r:6379", "timeout": "20s"}}, ["redis.timeout", "1ms to 10s"]),
        ({"redis": {"timeout": "0ms"}}, ["redis.timeout", "1ms to 10s"]),
        ({"redis": {"timeout": "fast"}}, ["redis.timeout", "1ms to 10s"]),
        ({"replicaCount": 2, "redis": {"evaluation": {"enabled": True}}, "state": {"persistence": {"enabled": True}}},
         ["state.persistence.enabled needs replicaCount: 1"]),
        ({"replicaCount": 0}, ["replicaCount must be at least 1"]),
        ({"replicaCount": 2, "redis": {"url": "redis://r:6379"}, "state": {"persistence": {"enabled": True}}},
         ["state.persistence.enabled needs replicaCount: 1"]),
        ({"redis": {"url": "rediss://r:6380"}}, ["redis://HOST:PORT"]),
        ({"policy": {"provenance": {"uncoveredNamespaces": ["x"]}}}, ["webhook.excludedNamespaces"]),
        ({"certificates": {"mode": "vault"}}, ["expected helm, cert-manager or secret"]),
        ({"certificates": {"mode": "secret"}}, ["certificates.secret.name", "caBundle"]),
        ({"webhook": {"failurePolicy": "Retry"}}, ["expected Ignore or Fail"]),
        ({"webhook": {"timeoutSeconds": 31}}, ["1 to 30"]),
        ({"clientCA": {"enabled": True}}, ["clientCA.pem"]),
    ]
    for i, (values, needles) in enumerate(cases):
        status, _, err = render(env, [write_values(tmp, f"refuse-{i}.yaml", values)])
        c.check(status != 0 and all(n in err for n in needles),
                f"refuses {json.dumps(values)} saying {needles} (status {status}: {err.strip()})")


def check_redis_evaluation_mode(env, c, tmp, defaults, known_flags):
    """ci/redis-evaluation-values.yaml: several replicas on the chart's evaluation Redis, which
    launchguard finds by its Service's name; several replicas with no Redis at all are refused."""
    f = env.chart / "ci" / "redis-evaluation-values.yaml"
    if not c.check(f.is_file(), f"{f.name} exists"):
        return
    values = merge(defaults, load_yaml(f))
    c.check(values["replicaCount"] > 1 and values["redis"]["evaluation"]["enabled"] and not values["redis"]["url"],
            f"{f.name}: several replicas on the evaluation Redis alone")
    status, out, err = render(env, [f])
    if not c.equal(status, 0, f"{f.name} renders ({err.strip()})"):
        return
    docs = parse(out)
    fullname = full_name(values, RELEASE)
    name = f"{fullname}-redis"
    c.equal(redis_name(values), name, "the evaluation Redis is named FULLNAME-redis")
    c.check(named(docs, "Deployment", name), f"{f.name}: Deployment {name}")
    c.check(named(docs, "Service", name), f"{f.name}: Service {name}")
    launchguard = named(docs, "Deployment", fullname) or {"spec": {}}
    c.equal(launchguard["spec"].get("replicas"), values["replicaCount"], f"{f.name}: launchguard replicas")
    args = ((launchguard["spec"].get("template", {}).get("spec", {}).get("containers") or [{}])[0]).get("args", [])
    c.check(f"--redis-url=redis://{name}:6379" in args,
            f"{f.name}: launchguard's args have --redis-url=redis://{name}:6379 ({args})")
    c.check("--redis-timeout=250ms" in args, f"{f.name}: launchguard's args have --redis-timeout=250ms")
    c.equal(len(of_kind(docs, "PodDisruptionBudget")), 1, f"{f.name}: a PodDisruptionBudget for the replicas")

    # Without any Redis, replicaCount 3 is refused with the reason and both ways out.
    status, _, err = render(env, [write_values(tmp, "eval-three-alone.yaml", {"replicaCount": 3})])
    c.check(status != 0 and all(n in err for n in ("replicaCount is 3", "redis.url", "redis.evaluation.enabled",
                                                   "own embedded state store")),
            f"replicaCount 3 without redis is refused, saying why (status {status}: {err.strip()})")
    status, _, err = render(env, [f, write_values(tmp, "eval-off.yaml", {"redis": {"evaluation": {"enabled": False}}})])
    c.check(status != 0 and "replicaCount is 3" in err,
            f"{f.name} with the evaluation Redis off is refused ({err.strip()})")

    # Variants: a password, a claim, a long name, no NetworkPolicy, one replica, another timeout.
    variants = {
        "password": {"redis": {"passwordSecret": "lg-redis", "passwordSecretKey": "pw"}},
        "claim": {"redis": {"evaluation": {"persistence": {"existingClaim": "redis-data"}}}},
        "long-name": {"fullnameOverride": "x" * 63},
        "no-networkpolicy": {"networkPolicy": {"enabled": False}},
        "one-replica": {"replicaCount": 1, "redis": {"timeout": "1s"}},
        "everysec": {"redis": {"evaluation": {"args": ["--appendonly", "yes", "--appendfsync", "everysec"]}}},
    }
    for label, overlay in variants.items():
        vf = write_values(tmp, f"eval-{label}.yaml", overlay)
        status, out, err = render(env, [f, vf])
        if not c.equal(status, 0, f"evaluation variant {label} renders ({err.strip()})"):
            continue
        before = len(c.failures)
        r = Release(parse(out), merge(values, overlay))
        check_generic(c, r)
        check_deployment(c, r, env, known_flags)
        check_others(c, r)
        check_redis_evaluation(c, r)
        svc = named(r.docs, "Service", redis_name(r.values))
        c.check(svc and len(svc["metadata"]["name"]) <= 63, "the Redis Service's name is a DNS label (63 or fewer)")
        c.failures[before:] = [f"evaluation variant {label}: {m}" for m in c.failures[before:]]


def check_restarts(env, c, tmp, defaults):
    """A policy change restarts nothing (the server reloads it); a restart-worthy change does."""
    fixed = {"certificates": {"mode": "secret", "secret": {"name": "s", "caBundle": "Y2E="}},
             "apiToken": {"value": "t" * 40}}
    base = write_values(tmp, "fixed.yaml", fixed)
    changed_policy = write_values(tmp, "policy-change.yaml", {
        "policy": {"mode": "enforce", "namespaces": [{"match": "prod-*", "mode": "enforce"}]}})
    changed_token = write_values(tmp, "token-change.yaml", {"apiToken": {"value": "u" * 40}})
    renders = {}
    for name, files in (("a", [base]), ("b", [base]), ("policy", [base, changed_policy]),
                        ("token", [base, changed_token])):
        status, out, err = render(env, files)
        if not c.equal(status, 0, f"render {name} ({err.strip()})"):
            return
        renders[name] = out
    c.equal(renders["a"], renders["b"], "rendering is deterministic once certificates and tokens are given")

    def pod_template(text):
        return next(d for d in parse(text) if d["kind"] == "Deployment")["spec"]["template"]

    def policy_text(text):
        return next(d for d in parse(text) if d["kind"] == "ConfigMap")["data"]["policy.yaml"]

    c.check(policy_text(renders["a"]) != policy_text(renders["policy"]), "the policy change reaches the ConfigMap")
    c.equal(pod_template(renders["policy"]), pod_template(renders["a"]),
            "a policy change leaves the pod template alone (no restart: the server reloads it)")
    c.check(pod_template(renders["token"])["metadata"]["annotations"] !=
            pod_template(renders["a"])["metadata"]["annotations"],
            "a token change restarts the pods (the server reads it only at start)")


def check_served_certificate(env, c, tmp):
    """The default release's certificate and policy, served by launchguard, verify with the caBundle."""
    status, out, err = render(env, [])
    if not c.equal(status, 0, f"default render ({err.strip()})"):
        return
    docs = parse(out)
    fullname = full_name(load_yaml(env.chart / "values.yaml"), RELEASE)
    secret = named(docs, "Secret", f"{fullname}-tls")
    policy = named(docs, "ConfigMap", f"{fullname}-policy")
    configs = of_kind(docs, "ValidatingWebhookConfiguration")
    if not c.check(secret and policy and configs, "default render: TLS Secret, policy and webhook"):
        return
    bundle = configs[0]["webhooks"][0]["clientConfig"]["caBundle"]
    d = Path(tmp) / "served"
    d.mkdir()
    (d / "tls.crt").write_text(pem_of(secret["data"]["tls.crt"]))
    (d / "tls.key").write_text(pem_of(secret["data"]["tls.key"]))
    (d / "ca.crt").write_text(pem_of(bundle))
    (d / "policy.yaml").write_text(policy["data"]["policy.yaml"])
    with Server(env, d / "policy.yaml", d / "tls.crt", d / "tls.key", d / "state") as server:
        if c.check(server.port, f"launchguard serves the chart's certificate and policy ({server.log()})"):
            host = f"{fullname}.{NAMESPACE}.svc"
            ok, detail = s_client(server.port, d / "ca.crt", host)
            c.check(ok, f"a client trusting the caBundle verifies {host} ({detail})")


# ---------------------------------------------------------------------------------------------
# Plain manifests


def manifest_text(env):
    overlay = env.source / "deploy/manifests/values.yaml"
    status, out, err = render(env, [overlay], name=MANIFEST_RELEASE, namespace=MANIFEST_NAMESPACE)
    if status != 0:
        sys.exit(f"chart_test.py: rendering the plain manifests failed: {err}")
    documents = split_documents(out)

    def order(doc):
        d = yaml.safe_load(doc[1])
        kind = d["kind"]
        rank = HELM_ORDER.index(kind) if kind in HELM_ORDER else len(HELM_ORDER)
        return rank, kind, d["metadata"]["name"]

    documents.sort(key=order)
    header = (
        "# launchguard: plain manifests for installs without Helm, the chart's defaults with the\n"
        "# overrides in deploy/manifests/values.yaml (release launchguard, namespace launchguard).\n"
        "# Generated by `tests/chart/chart_test.py update`; do not edit: change the chart.\n"
        "# Before applying, create the Secrets launchguard-tls and launchguard-api-token and put\n"
        "# the CA into caBundle: deploy/manifests/README.md.\n")
    return header + "".join(f"---\n{body}\n" for _, body in documents)


def cmd_manifests(env, c):
    env.require_renderer()
    path = env.source / "deploy/manifests/launchguard.yaml"
    expected = manifest_text(env)
    actual = path.read_text() if path.exists() else ""
    c.check(actual == expected,
            "deploy/manifests/launchguard.yaml is not the chart's current output: run "
            "`python3 tests/chart/chart_test.py update --renderer build/release/tests/chart/chart-render` "
            "and commit the result")
    overlay = flatten(load_yaml(env.source / "deploy/manifests/values.yaml"))
    c.check(set(overlay) <= MANIFEST_OVERRIDES,
            f"deploy/manifests/values.yaml overrides only secrets and the namespace: {sorted(set(overlay) - MANIFEST_OVERRIDES)}")
    docs = parse(expected)
    c.equal(of_kind(docs, "Secret"), [], "no Secret in the committed manifests")
    c.check("PRIVATE KEY" not in expected, "no private key in the committed manifests")
    c.equal([d["kind"] for d in docs][:1], ["Namespace"], "the Namespace comes first")
    c.equal(docs[-1]["kind"], "ValidatingWebhookConfiguration", "the webhook is registered last")
    r = Release(docs, merge(load_yaml(env.chart / "values.yaml"), load_yaml(env.source / "deploy/manifests/values.yaml")),
                MANIFEST_RELEASE, MANIFEST_NAMESPACE)
    c.equal(r.fullname, "launchguard", "manifests use the name the audit kubeconfig expects")
    kubeconfig = (env.source / "deploy/audit/audit-webhook-kubeconfig.yaml")
    if kubeconfig.exists():
        server = load_yaml(kubeconfig)["clusters"][0]["cluster"]["server"]
        port = next(p["port"] for p in r.service["spec"]["ports"] if p["name"] == "https")
        c.equal(server, f"https://{r.fullname}.{r.ns}.svc:{port}/audit",
                "deploy/audit's kubeconfig points at the manifests' Service")
    return c.finish("plain manifests")


# ---------------------------------------------------------------------------------------------
# values.yaml documentation and the README table


def documented_keys(text):
    """[(dotted key, description or None)] for every block mapping key of values.yaml."""
    keys, stack, comment, list_indent = [], [], [], None
    for line in text.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            comment = []
            continue
        if stripped.startswith("#"):
            comment.append(stripped)
            continue
        if list_indent is not None and indent > list_indent:
            continue  # inside a list item
        list_indent = None
        if stripped.startswith("- "):
            list_indent = indent
            comment = []
            continue
        m = re.match(r"^([A-Za-z0-9_.\-/\"']+):(\s|$)", stripped)
        if not m:
            comment = []
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        key = m.group(1).strip("\"'")
        stack.append((indent, key))
        described = [i for i, l in enumerate(comment) if l.startswith("# --")]
        description = None
        if described:
            lines = comment[described[-1]:]
            description = " ".join(l.lstrip("#").strip() for l in lines)[2:].strip()
        keys.append((".".join(k for _, k in stack), description))
        comment = []
    return keys


def values_table(text):
    values = yaml.safe_load(text)
    keys = documented_keys(text)
    parents = {k.rsplit(".", 1)[0] for k, _ in keys if "." in k}
    rows = ["| Key | Default | Description |", "|---|---|---|"]
    for key, description in keys:
        value = lookup(values, key)
        default = "see below" if key in parents else "`" + json.dumps(value) + "`"
        cells = [f"`{key}`", default, description or ""]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)


def readme_with_table(readme, table):
    begin, end = readme.find(README_BEGIN), readme.find(README_END)
    if begin < 0 or end < begin:
        return None
    return readme[:begin + len(README_BEGIN)] + "\n" + table + "\n" + readme[end:]


def cmd_values(env, c):
    text = (env.chart / "values.yaml").read_text()
    keys = documented_keys(text)
    c.check(len(keys) > 50, f"values.yaml keys found ({len(keys)})")
    for key, description in keys:
        c.check(description, f"values.yaml: {key} has no `# --` comment")
    flat = set(flatten(yaml.safe_load(text)))
    listed = {k for k, _ in keys}
    missed = {k for k in flat if not any(k == p or k.startswith(p + ".") for p in listed)}
    c.check(not missed, f"values.yaml keys the documentation walk missed: {sorted(missed)}")
    readme = (env.chart / "README.md").read_text()
    updated = readme_with_table(readme, values_table(text))
    c.check(updated is not None, f"charts/launchguard/README.md has {README_BEGIN} and {README_END}")
    c.check(updated == readme, "the values table in charts/launchguard/README.md is stale: run "
            "`python3 tests/chart/chart_test.py update --renderer build/release/tests/chart/chart-render`")
    # A ci file may set a documented key, or anything inside a free-form value (a map or list
    # without documented children, such as resources or policy.rules); nothing else.
    parents = {k.rsplit(".", 1)[0] for k in listed if "." in k}
    for f in sorted((env.chart / "ci").glob("*-values.yaml")):
        for key in flatten(load_yaml(f)):
            prefixes = [key.rsplit(".", n)[0] for n in range(key.count(".") + 1)]
            owner = next((p for p in prefixes if p in listed), None)
            c.check(owner == key or (owner is not None and owner not in parents),
                    f"ci/{f.name} sets {key}, which values.yaml does not have")
    return c.finish("values documentation")


def cmd_update(env, c):
    env.require_renderer()
    (env.source / "deploy/manifests/launchguard.yaml").write_text(manifest_text(env))
    readme_path = env.chart / "README.md"
    updated = readme_with_table(readme_path.read_text(), values_table((env.chart / "values.yaml").read_text()))
    if updated is None:
        sys.exit(f"chart_test.py: {readme_path} lacks {README_BEGIN} ... {README_END}")
    readme_path.write_text(updated)
    print("updated deploy/manifests/launchguard.yaml and the values table of charts/launchguard/README.md")
    return 0


# ---------------------------------------------------------------------------------------------
# Certificates from deploy/certs/gen-certs.sh, served by launchguard


def cmd_gen_certs(env, c):
    script = env.source / "deploy/certs/gen-certs.sh"
    service, namespace = "launchguard", "security-tools"
    host = f"{service}.{namespace}.svc"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "certs"
        p = subprocess.run([str(script), service, namespace, str(out)], capture_output=True, text=True)
        if not c.equal(p.returncode, 0, f"gen-certs.sh runs ({p.stderr.strip()})"):
            return c.finish("gen-certs")
        for name in ("ca.crt", "tls.crt", "tls.key"):
            c.check((out / name).is_file(), f"gen-certs.sh wrote {name}")
        c.equal(oct((out / "tls.key").stat().st_mode & 0o777), "0o600", "tls.key is private to its owner")
        sans = openssl("x509", "-in", str(out / "tls.crt"), "-noout", "-ext", "subjectAltName").stdout
        for name in (host, f"{host}.cluster.local"):
            c.check(f"DNS:{name}" in sans, f"the certificate names {name}")
        usage = subprocess.run([str(script), service], capture_output=True, text=True)
        c.check(usage.returncode == 2 and "usage:" in usage.stderr, "gen-certs.sh without its arguments prints usage")
        bad = subprocess.run([str(script), "Not_A_Name", namespace, str(Path(tmp) / "bad")],
                             capture_output=True, text=True)
        c.check(bad.returncode == 2 and not (Path(tmp) / "bad").exists(), "gen-certs.sh refuses an invalid name")

        policy = env.source / "deploy/examples/policy.yaml"
        with Server(env, policy, out / "tls.crt", out / "tls.key", Path(tmp) / "state") as server:
            if c.check(server.port, f"launchguard starts with the certificate ({server.log()})"):
                for name in (host, f"{host}.cluster.local"):
                    ok, detail = s_client(server.port, out / "ca.crt", name)
                    c.check(ok, f"openssl s_client -verify_return_error -verify_hostname {name} succeeds ({detail})")
                ok, _ = s_client(server.port, out / "ca.crt", f"other.{namespace}.svc")
                c.check(not ok, "the certificate does not verify for another service's name")
                answer = https_get(server.port, out / "ca.crt", host, "/healthz")
                c.check(answer.startswith("HTTP/1.1 200"), f"a Python TLS client trusting ca.crt gets /healthz: {answer[:80]!r}")
    return c.finish("gen-certs")


def cmd_build_renderer(env, c):
    build = env.shared / "tools" / "chart-render" / "build.sh"
    if not build.is_file():
        print(f"chart_test.py: {build} not found. The chart tests render with "
              "../shared/tools/chart-render, which lives next to the repository clone "
              f"(expected at {env.shared}); check out ../shared beside the repository.")
        return 1
    if shutil.which("go") is None:
        print("chart_test.py: `go` is not installed; scripts/install-deps installs golang-go, "
              "golang-github-masterminds-sprig-dev and golang-gopkg-yaml.v3-dev")
        return 1
    sources = [build, build.parent / "main.go"]
    if env.renderer.is_file() and all(env.renderer.stat().st_mtime >= s.stat().st_mtime for s in sources):
        print(f"chart-render is up to date: {env.renderer}")
        return 0
    env.renderer.parent.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(["sh", str(build), str(env.renderer)], capture_output=True, text=True)
    c.equal(p.returncode, 0, f"building chart-render ({p.stdout}{p.stderr})")
    c.check(env.renderer.is_file(), f"{env.renderer} built")
    return c.finish("chart-render build")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build-renderer", "templates", "manifests", "values", "gen-certs", "update"])
    parser.add_argument("--source-dir", default=str(Path(__file__).resolve().parents[2]))
    parser.add_argument("--renderer", default="build/release/tests/chart/chart-render")
    parser.add_argument("--launchguard", default="build/release/server/launchguard")
    parser.add_argument("--shared-dir", default="", help="default: ../shared next to the repository")
    args = parser.parse_args()
    env = Env(args)
    commands = {"build-renderer": cmd_build_renderer, "templates": cmd_templates,
                "manifests": cmd_manifests, "values": cmd_values, "gen-certs": cmd_gen_certs,
                "update": cmd_update}
    return commands[args.command](env, Checks())


if __name__ == "__main__":
    sys.exit(main())
