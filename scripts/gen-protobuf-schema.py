#!/usr/bin/env python3
"""Generates src/FluxSharp.LocalCluster/Protobuf/ProtoSchema.g.cs, the message schema table that
KubernetesProtobuf uses to turn protobuf request bodies into JSON.

Inputs (read straight out of git, never copied into this repository):
  * k8s.io/api and k8s.io/apimachinery `generated.proto` files: message names, field numbers, wire types;
  * the Go types next to them: the `json:"..."` tags give the JSON name (which differs from the proto
    name now and then: aPIGroup/apiGroup, uID/uid, Expression/expression), omitempty, embedded
    (inlined) structs and pointer-ness (a pointer field on the wire is set even when zero);
  * register.go: which messages are API kinds and each package's API group.

Usage:
  scripts/gen-protobuf-schema.py --api GIT_DIR --apimachinery GIT_DIR [--rev v0.36.3]
(get the repositories with e.g. `git clone --bare https://github.com/kubernetes/api`). Use a release
tag: master references alpha API packages this table leaves out.
"""

import argparse
import re
import subprocess
import sys

API_PACKAGES = [
    "core/v1", "apps/v1", "batch/v1", "rbac/v1", "networking/v1", "policy/v1", "coordination/v1",
    "scheduling/v1", "autoscaling/v1", "autoscaling/v2", "storage/v1", "discovery/v1", "events/v1",
    "authentication/v1", "authorization/v1", "certificates/v1", "admissionregistration/v1", "node/v1",
    "flowcontrol/v1",
]
MACHINERY_PACKAGES = ["pkg/apis/meta/v1", "pkg/api/resource", "pkg/util/intstr", "pkg/runtime"]

META = "k8s.io.apimachinery.pkg.apis.meta.v1."
# Messages whose JSON form is not their proto fields: KubernetesProtobuf decodes these by hand.
SPECIAL = {
    META + "Time", META + "MicroTime", META + "Duration", META + "Timestamp", META + "FieldsV1",
    "k8s.io.apimachinery.pkg.api.resource.Quantity", "k8s.io.apimachinery.pkg.api.resource.QuantityValue",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
    "k8s.io.apimachinery.pkg.runtime.RawExtension", "k8s.io.apimachinery.pkg.runtime.Unknown",
    "k8s.io.apimachinery.pkg.runtime.TypeMeta",
}
# meta/v1 kinds every group version registers (metav1.AddToGroupVersion): looked up under "*/Kind".
META_KINDS = ["DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions", "GetOptions", "ListOptions", "Status"]
SCALARS = {"string", "bool", "int32", "int64", "uint32", "uint64", "bytes", "double", "float", "sint32", "sint64"}


def git_show(git_dir, rev, path):
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{rev}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def git_ls(git_dir, rev, path):
    out = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "--name-only", rev, path + "/"],
                         check=True, capture_output=True, text=True).stdout
    return out.split()


def parse_proto(text):
    """Returns (package, {message: {"fields": [...], "nullable": bool}}) for top-level messages."""
    package = re.search(r"^package ([\w.]+);", text, re.M).group(1)
    messages = {}
    current = None
    comments = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("//"):
            comments.append(line)
            continue
        m = re.match(r"message (\w+) \{", line)
        if m:
            current = {"fields": [], "nullable": any("+protobuf.nullable=true" in c for c in comments)}
            messages[m.group(1)] = current
            comments = []
            continue
        comments = []
        if current is None:
            continue
        if line == "}":
            current = None
            continue
        m = re.match(r"(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)", line)
        if m:
            current["fields"].append({"label": m.group(1), "type": m.group(2), "name": m.group(3),
                                      "number": int(m.group(4)), "map": None})
            continue
        m = re.match(r"map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)", line)
        if m:
            current["fields"].append({"label": "map", "type": None, "name": m.group(3),
                                      "number": int(m.group(4)), "map": (m.group(1), m.group(2))})
    return package, messages


def resolve(type_name, package):
    if type_name in SCALARS:
        return type_name
    if type_name.startswith("."):
        return type_name[1:]
    return package + "." + type_name


def parse_go(files):
    """Go structs of a package: {type: [field dicts in declaration order]} plus non-struct type names."""
    structs = {}
    others = set()
    for text in files:
        lines = text.splitlines()
        i = 0
        while i < len(lines):
            m = re.match(r"^type (\w+) struct \{\s*$", lines[i])
            if not m:
                m2 = re.match(r"^type (\w+) (\S+)", lines[i])
                if m2 and m2.group(2) != "struct":
                    others.add(m2.group(1))
                i += 1
                continue
            fields = []
            depth = 1
            i += 1
            while i < len(lines) and depth > 0:
                line = lines[i].strip()
                i += 1
                if line.startswith("//") or not line:
                    continue
                if depth == 1 and "`" in line:
                    decl, tag = line.split("`", 1)
                    tag = tag.rsplit("`", 1)[0]
                    parts = decl.split()
                    if len(parts) == 1:
                        name, gotype, embedded = parts[0].split(".")[-1].lstrip("*"), parts[0], True
                    else:
                        name, gotype, embedded = parts[0], " ".join(parts[1:]), False
                    tags = dict(re.findall(r'(\w+):"([^"]*)"', tag))
                    fields.append({"name": name, "gotype": gotype, "embedded": embedded, "tags": tags})
                depth += line.count("{") - line.count("}")
            structs[m.group(1)] = fields
    return structs, others


def go_field_for(go_fields, number):
    for f in go_fields:
        pb = f["tags"].get("protobuf")
        if not pb or pb == "-":
            continue
        parts = pb.split(",")
        if len(parts) > 1 and parts[1] == str(number):
            return f
    return None


def field_spec(proto_field, go_field, package, problems, where):
    """One field as "number jsonName type flags": flags r=repeated, o=omit when zero, i=inline."""
    json_tag = go_field["tags"].get("json", "")
    json_parts = json_tag.split(",")
    json_name = json_parts[0]
    if json_name == "-":
        return None
    inline = json_name == "" and (go_field["embedded"] or "inline" in json_parts)
    if json_name == "" and not inline:
        json_name = go_field["name"]
        problems.append(f"{where}: no json name, using Go name {json_name}")
    omit = ("omitempty" in json_parts or "omitzero" in json_parts) and not go_field["gotype"].startswith("*")
    flags = ""
    if proto_field["map"]:
        key, value = proto_field["map"]
        type_ref = f"map<{resolve(key, package)},{resolve(value, package)}>"
    else:
        type_ref = resolve(proto_field["type"], package)
        if proto_field["label"] == "repeated":
            flags += "r"
        elif omit and type_ref in SCALARS:
            flags += "o"
    if inline:
        flags += "i"
    return f"{proto_field['number']} {json_name or '~'} {type_ref}" + (f" {flags}" if flags else "")


def go_files(git_dir, rev, package_dir):
    names = [n for n in git_ls(git_dir, rev, package_dir)
             if n.endswith(".go") and not n.endswith("_test.go") and "/zz_generated" not in n
             and not n.endswith("generated.pb.go") and "swagger_doc" not in n]
    return {n: git_show(git_dir, rev, n) for n in names}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", required=True, help="git dir of k8s.io/api")
    parser.add_argument("--apimachinery", required=True, help="git dir of k8s.io/apimachinery")
    parser.add_argument("--rev", default="v0.36.3", help="release tag of both repositories")
    parser.add_argument("--out", default="src/FluxSharp.LocalCluster/Protobuf/ProtoSchema.g.cs")
    args = parser.parse_args()

    sources = [(args.api, p) for p in API_PACKAGES] + [(args.apimachinery, p) for p in MACHINERY_PACKAGES]
    messages = []  # (full name, "fields" line)
    kinds = []  # "apiVersion/Kind=full name"
    problems = []
    commits = {d: args.rev + " " + subprocess.run(["git", "--git-dir", d, "rev-parse", args.rev + "^{commit}"], check=True,
                                 capture_output=True, text=True).stdout.strip() for d in (args.api, args.apimachinery)}
    for git_dir, package_dir in sources:
        package, protos = parse_proto(git_show(git_dir, args.rev, package_dir + "/generated.proto"))
        files = go_files(git_dir, args.rev, package_dir)
        structs, others = parse_go(files.values())
        for name, message in protos.items():
            full = package + "." + name
            if full in SPECIAL:
                continue
            if name not in structs:
                fields = message["fields"]
                # `type ExtraValue []string`: a proto wrapper around a list; JSON is the bare array.
                if message["nullable"] and name in others and len(fields) == 1 and fields[0]["label"] == "repeated":
                    messages.append((full, "[] " + field_spec(fields[0], {"name": "items", "gotype": "", "embedded": False,
                                                                        "tags": {"json": "items"}}, package, problems, full)))
                else:
                    problems.append(f"{full}: no Go struct, skipped")
                continue
            specs = []
            go_fields = structs[name]
            by_number = {f["number"]: f for f in message["fields"]}
            # Emit in Go declaration order, which is the order encoding/json writes fields in.
            for go_field in go_fields:
                pb = go_field["tags"].get("protobuf")
                if not pb or pb == "-":
                    continue
                number = int(pb.split(",")[1])
                proto_field = by_number.pop(number, None)
                if proto_field is None:
                    problems.append(f"{full}: Go field {go_field['name']} #{number} not in proto")
                    continue
                spec = field_spec(proto_field, go_field, package, problems, f"{full}.{proto_field['name']}")
                if spec:
                    specs.append(spec)
            for leftover in by_number.values():
                problems.append(f"{full}.{leftover['name']}: no Go field, skipped")
            messages.append((full, ";".join(specs)))
        if package_dir.startswith("pkg/apis/meta/"):
            for kind in META_KINDS:
                kinds.append(f"*/{kind}={package}.{kind}")
            continue
        if git_dir != args.api:
            continue
        group = re.search(r'^const GroupName = "([^"]*)"', files[package_dir + "/register.go"], re.M).group(1)
        version = package_dir.split("/")[1]
        api_version = f"{group}/{version}" if group else version
        registered = re.findall(r"&(\w+)\{\}", files[package_dir + "/register.go"])
        emitted = {full for full, _ in messages}
        for kind in registered:
            if f"{package}.{kind}" in emitted:
                kinds.append(f"{api_version}/{kind}={package}.{kind}")

    with open(args.out, "w", encoding="utf-8") as out:
        out.write("// <auto-generated>\n")
        out.write("// Generated by scripts/gen-protobuf-schema.py from k8s.io/api " + commits[args.api]
                  + "\n// and k8s.io/apimachinery " + commits[args.apimachinery] + ". Do not edit.\n")
        out.write("// Message line: \"full.Name=fields\", fields separated by ';', each \"number jsonName type [flags]\";\n")
        out.write("// jsonName ~ = inlined struct; flags r = repeated, o = omitted when zero (Go omitempty on a non-pointer),\n")
        out.write("// i = inlined; a line starting \"[] \" is a list wrapper whose JSON is the bare array.\n")
        out.write("// </auto-generated>\n\n")
        out.write("namespace FluxSharp.LocalCluster.Protobuf;\n\n")
        out.write("internal static class ProtoSchemaData\n{\n")
        out.write("    /// <summary>\"apiVersion/Kind=message\"; \"*/Kind\" for meta/v1 kinds every group version registers.</summary>\n")
        out.write("    internal static readonly string[] Kinds =\n    [\n")
        for k in kinds:
            out.write(f"        \"{k}\",\n")
        out.write("    ];\n\n")
        out.write("    internal static readonly string[] Messages =\n    [\n")
        for full, spec in messages:
            out.write(f"        \"{full}={spec}\",\n")
        out.write("    ];\n}\n")
    for p in problems:
        print("note: " + p, file=sys.stderr)
    print(f"{len(messages)} messages, {len(kinds)} kinds -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
