#!/usr/bin/env python3
"""Extracts the facts FluxSharp's tests check about Flux's own CRDs into one file kept in the repository.

Flux's CRDs are not part of this repository (and the tests must not read anything outside it), so this script
reads a folder of them once and writes, in FluxSharp's own format, what the compatibility tests
(tests/FluxSharp.Api.Tests/FluxCompatibilityTests.cs) compare our generated CRDs against:

  tests/FluxSharp.Api.Tests/Reference/flux-crd-facts.json

For every CRD in the folder (every Flux kind, served by FluxSharp yet or not), keyed by CRD name: the file it
came from, its labels and annotations, group, names, scope, and per version: served, storage, deprecation,
subresources, printer columns, and "fields": every field path (".spec.url", ".spec.include[].repository.name",
".status.artifact.metadata{}" for map values, "" for the root) with its schema keywords except descriptions and
sub-schemas: type, format, default, enum, pattern, minimum/maximum, lengths, item and property counts,
nullable, "required" (on an object: the names of the properties it requires), x-kubernetes-* markers
(list-type, list-map-keys, map-type, preserve-unknown-fields, int-or-string, embedded-resource, validations
with their CEL rules). The upstream releases (Flux version, controller repositories and commits) are read from
the folder's README.md, and the CRDs' own labels/annotations (controller-gen version) are kept per CRD.
Output is deterministic: keys sorted, one field path per line.

Regenerate (from the repository root, with Flux's CRDs in a folder beside the checkout):

  scripts/extract-flux-crd-facts.py [FOLDER]
      FOLDER defaults to ../shared/reference/flux-crds from the repository root (for a git worktree, the
      nearest ancestor folder holding shared/reference/flux-crds)

then run `dotnet test tests/FluxSharp.Api.Tests` and commit the facts file. Needs python3 with PyYAML.
"""

import argparse
import glob
import json
import os
import re
import sys

import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEFAULT_FOLDER = os.path.join("..", "shared", "reference", "flux-crds")
OUTPUT = os.path.join(ROOT, "tests", "FluxSharp.Api.Tests", "Reference", "flux-crd-facts.json")

# Keywords that hold sub-schemas: they become field paths of their own, not facts of this one.
SUB_SCHEMAS = ("properties", "items", "additionalProperties")


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 core scalars: only true/false are booleans, plain decimal numbers, no timestamps or 1:20 forms."""


_REPLACED = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"), list("-+.0123456789"))


def without_descriptions(node):
    """A keyword's value (anyOf, a default object, ...) with any nested schema descriptions left out."""
    if isinstance(node, dict):
        return {k: without_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [without_descriptions(v) for v in node]
    return node


def field_facts(schema, path, out):
    facts = {}
    for keyword, value in schema.items():
        if keyword == "description":
            continue
        if keyword in SUB_SCHEMAS and isinstance(value, dict):
            continue
        facts[keyword] = value if keyword in ("default", "enum", "x-kubernetes-validations") else without_descriptions(value)
    out[path] = facts
    for name, child in (schema.get("properties") or {}).items():
        field_facts(child, f"{path}.{name}", out)
    if isinstance(schema.get("items"), dict):
        field_facts(schema["items"], path + "[]", out)
    if isinstance(schema.get("additionalProperties"), dict):
        field_facts(schema["additionalProperties"], path + "{}", out)


def crd_facts(path):
    with open(path, encoding="utf-8") as f:
        crd = yaml.load(f, Loader=Yaml12Loader)
    if not isinstance(crd, dict) or crd.get("kind") != "CustomResourceDefinition":
        raise SystemExit(f"{path}: not a CustomResourceDefinition")
    spec = crd["spec"]
    versions = {}
    for version in spec["versions"]:
        fields = {}
        field_facts(version["schema"]["openAPIV3Schema"], "", fields)
        entry = {k: v for k, v in version.items() if k not in ("name", "schema")}
        entry["fields"] = fields
        versions[version["name"]] = entry
    metadata = crd["metadata"]
    return metadata["name"], {
        "file": os.path.basename(path),
        "labels": metadata.get("labels") or {},
        "annotations": metadata.get("annotations") or {},
        "group": spec["group"],
        "names": spec["names"],
        "scope": spec["scope"],
        "versions": versions,
    }


def upstream(folder):
    """Flux's release and each controller repository's commit and date, as the folder's README.md names them."""
    readme = os.path.join(folder, "README.md")
    if not os.path.exists(readme):
        return {}
    with open(readme, encoding="utf-8") as f:
        text = " ".join(f.read().split())
    result = {}
    flux = re.search(r"Flux (v\d+\.\d+(?:\.\d+)?)", text)
    if flux:
        result["flux"] = flux.group(1)
    repositories = {}
    for repo, commit, date in re.findall(r"(fluxcd/[\w.-]+) \(([0-9a-f]{7,40}),? ?(\d{4}-\d{2}-\d{2})?", text):
        repositories[repo] = {"commit": commit, "date": date} if date else {"commit": commit}
    if repositories:
        result["repositories"] = repositories
    return result


def default_folder():
    """../shared/reference/flux-crds from the repository root; for a git worktree further down, the nearest
    ancestor that has it."""
    directory = os.path.dirname(ROOT)
    while True:
        candidate = os.path.join(directory, DEFAULT_FOLDER[3:])
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return os.path.normpath(os.path.join(ROOT, DEFAULT_FOLDER))
        directory = parent


def dumps(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def render(document):
    """Indented JSON with one field path per line, so a change upstream is a readable diff."""
    lines = ["{"]
    lines.append(f'  "about": {dumps(document["about"])},')
    lines.append(f'  "upstream": {dumps(document["upstream"])},')
    lines.append('  "crds": {')
    names = sorted(document["crds"])
    for i, name in enumerate(names):
        crd = document["crds"][name]
        lines.append(f"    {dumps(name)}: {{")
        for key in ("annotations", "file", "group", "labels", "names", "scope"):
            lines.append(f"      {dumps(key)}: {dumps(crd[key])},")
        lines.append('      "versions": {')
        versions = sorted(crd["versions"])
        for j, version_name in enumerate(versions):
            version = crd["versions"][version_name]
            lines.append(f"        {dumps(version_name)}: {{")
            for key in sorted(k for k in version if k != "fields"):
                lines.append(f"          {dumps(key)}: {dumps(version[key])},")
            lines.append('          "fields": {')
            paths = sorted(version["fields"])
            for k, path in enumerate(paths):
                comma = "," if k < len(paths) - 1 else ""
                lines.append(f"            {dumps(path)}: {dumps(version['fields'][path])}{comma}")
            lines.append("          }")
            lines.append("        }" + ("," if j < len(versions) - 1 else ""))
        lines.append("      }")
        lines.append("    }" + ("," if i < len(names) - 1 else ""))
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?",
                        help="Flux's CRD YAML files (default: ../shared/reference/flux-crds from the repository root)")
    parser.add_argument("--output", default=OUTPUT, help="the facts file (default: %(default)s)")
    args = parser.parse_args()
    folder = default_folder() if args.folder is None else os.path.abspath(args.folder)
    files = sorted(glob.glob(os.path.join(folder, "*.yaml")))
    if not files:
        raise SystemExit(f"no CRD files (*.yaml) in {folder}")
    crds = dict(crd_facts(path) for path in files)
    document = {
        "about": "Facts about Flux's own CRDs that FluxSharp's tests compare its generated CRDs against. "
                 "Generated by scripts/extract-flux-crd-facts.py; do not edit by hand.",
        "upstream": upstream(folder),
        "crds": crds,
    }
    text = render(document)
    json.loads(text)  # the hand-laid layout is still JSON
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    total = sum(len(v["fields"]) for c in crds.values() for v in c["versions"].values())
    print(f"{os.path.relpath(args.output, ROOT)}: {len(crds)} CRDs, {total} field paths", file=sys.stderr)


if __name__ == "__main__":
    main()
