"""Rendering the chart with ../shared/tools/chart-render and reading what comes out."""
import base64
import copy
import re
import subprocess
import sys
from pathlib import Path

import yaml

RELEASE, NAMESPACE = "lg", "lg-system"  # not the defaults: catches hard-coded names


class Checks:
    """Collects failures instead of stopping at the first one."""

    def __init__(self):
        self.failures = []
        self.count = 0

    def check(self, condition, message):
        self.count += 1
        if not condition:
            self.failures.append(message)
        return bool(condition)

    def equal(self, actual, expected, message):
        return self.check(actual == expected, f"{message}: expected {expected!r}, got {actual!r}")

    def finish(self, what):
        if self.failures:
            print(f"{what}: {len(self.failures)} of {self.count} checks failed:")
            for f in self.failures:
                print(f"  - {f}")
            return 1
        print(f"{what}: {self.count} checks passed")
        return 0


# ---------------------------------------------------------------------------------------------
# Rendering


class Env:
    def __init__(self, args):
        self.source = Path(args.source_dir).resolve()
        self.chart = self.source / "charts" / "launchguard"
        self.renderer = Path(args.renderer)
        self.launchguard = args.launchguard
        self.shared = Path(args.shared_dir) if args.shared_dir else self.source.parent / "shared"

    def require_renderer(self):
        if not self.renderer.is_file():
            sys.exit(f"chart_test.py: {self.renderer} is missing; the test chart_renderer_build "
                     "builds it (ctest runs it first as a fixture)")


def render(env, values_files=(), name=RELEASE, namespace=NAMESPACE, chart=None, extra=()):
    """Runs chart-render; returns (exit status, stdout, stderr)."""
    command = [str(env.renderer)]
    for f in values_files:
        command += ["-f", str(f)]
    command += ["--name", name, "--namespace", namespace, *extra, str(chart or env.chart)]
    p = subprocess.run(command, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def split_documents(text):
    """The rendered stream as [(source template, document text)], empty documents dropped."""
    documents, source, lines = [], None, []

    def flush():
        body = "\n".join(lines).strip("\n")
        if yaml.safe_load(body) is not None:
            documents.append((source, body))

    for line in text.splitlines():
        if line == "---":
            flush()
            lines = []
            continue
        m = re.match(r"^# Source: (.+)$", line)
        if m:
            source = m.group(1)
        lines.append(line)
    flush()
    return documents


def parse(text):
    return [yaml.safe_load(body) for _, body in split_documents(text)]


def merge(base, override):
    """Helm's coalescing of values files: maps merge, everything else replaces, null deletes."""
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        elif value is None:
            out.pop(key, None)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_yaml(path):
    with open(path) as f:
        return yaml.safe_load(f) or {}


def write_values(directory, name, values):
    path = Path(directory) / name
    path.write_text(yaml.safe_dump(values))
    return path


def flatten(values, prefix=""):
    out = {}
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def lookup(values, dotted):
    for part in dotted.split("."):
        values = values[part]
    return values


def full_name(values, release):
    if values.get("fullnameOverride"):
        return values["fullnameOverride"][:63].rstrip("-")
    chart = values.get("nameOverride") or "launchguard"
    return release if chart in release else f"{release}-{chart}"[:63].rstrip("-")


# ---------------------------------------------------------------------------------------------
# Small lookups over rendered documents


def of_kind(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def named(docs, kind, name):
    found = [d for d in of_kind(docs, kind) if d["metadata"]["name"] == name]
    return found[0] if found else None


def flags_of(args):
    """`--flag=value` arguments as {flag: value}; bare words (the subcommand) are skipped."""
    out = {}
    for a in args:
        if a.startswith("--"):
            flag, _, value = a.partition("=")
            out[flag] = value
    return out


def port_of(address):
    return int(address.rsplit(":", 1)[1])


def pem_of(b64):
    return base64.b64decode(b64).decode()


# ---------------------------------------------------------------------------------------------
# The structure of one rendered release
