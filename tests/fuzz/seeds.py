#!/usr/bin/env python3
"""Seed corpora for the config fuzzers, from the configurations in the repo.

    tests/fuzz/seeds.py SOURCE_DIR OUT_DIR

Writes OUT_DIR/repo_config, OUT_DIR/host_config and OUT_DIR/service_config:
every YAML configuration found in the repository, by the parser it is for
(decided by its top-level keys): the heredocs of the fixture and end-to-end
scripts (fixtures/repos/*.sh, tests/e2e/*.sh and *.inc, tests/fixtures/*.sh;
the example repository's .ci-run.yml pieces also joined into one file), the
presets in matrices/, and the ```yaml blocks of docs/*.md. A host config is
also a service config seed (the service config holds the same sections).
Prints how many seeds each parser got.
"""
import glob
import hashlib
import os
import re
import sys

REPO_KEYS = {"unikernels", "matrix", "reruns", "flaky"}
SERVICE_KEYS = {"listen", "database", "data-dir", "cache-dir", "github", "repositories",
                "worker", "nightly", "trusted"}
HOST_KEYS = {"toolchains", "targets", "sandbox"}
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_]+)\1")


def heredocs(text):
    """The body of every heredoc in a shell script, in order."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = HEREDOC.search(lines[i])
        i += 1
        if not m:
            continue
        end = m.group(2)
        body = []
        while i < len(lines) and lines[i].strip() != end:
            body.append(lines[i])
            i += 1
        i += 1
        yield "\n".join(body) + "\n"


def yaml_blocks(text):
    for m in re.finditer(r"```ya?ml\n(.*?)```", text, re.S):
        yield m.group(1)


def kinds(text):
    """The parsers a text is a seed for, by its top-level keys."""
    top = set(re.findall(r"^([A-Za-z][A-Za-z0-9_-]*):", text, re.M))
    out = []
    if top & REPO_KEYS:
        out.append("repo_config")
    if top & SERVICE_KEYS:
        out.append("service_config")
    if top & HOST_KEYS and not top & (REPO_KEYS | SERVICE_KEYS):
        out += ["host_config", "service_config"]
    return out


def main():
    src, out = sys.argv[1], sys.argv[2]
    texts = []
    scripts = sorted(glob.glob(f"{src}/fixtures/repos/*.sh") + glob.glob(f"{src}/tests/e2e/*.sh") +
                     glob.glob(f"{src}/tests/e2e/*.inc") + glob.glob(f"{src}/tests/fixtures/*.sh"))
    for path in scripts:
        bodies = list(heredocs(open(path, errors="replace").read()))
        texts += bodies
        if path.endswith("make-example-repo.sh"):
            # The example repository's .ci-run.yml: its ci_* pieces, joined.
            texts.append("".join(b for b in bodies if kinds(b) or b.startswith("  ")))
    texts += [open(p, errors="replace").read() for p in sorted(glob.glob(f"{src}/matrices/**/*.yml",
                                                                            recursive=True))]
    for path in sorted(glob.glob(f"{src}/docs/*.md")):
        texts += list(yaml_blocks(open(path, errors="replace").read()))
    counts = {}
    for kind in ("repo_config", "host_config", "service_config"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
        counts[kind] = 0
    for text in texts:
        for kind in kinds(text):
            name = hashlib.sha1(text.encode()).hexdigest()
            path = os.path.join(out, kind, name)
            if not os.path.exists(path):
                with open(path, "w") as f:
                    f.write(text)
                counts[kind] += 1
    print(" ".join(f"{k}: {v} seeds" for k, v in counts.items()))


if __name__ == "__main__":
    main()
