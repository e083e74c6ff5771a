#!/usr/bin/env python3
"""Captures the protobuf request bodies real kubectl sends, as fixtures for the KubernetesProtobuf tests.

For each case it runs `kubectl create ...` against a throwaway HTTP server on 127.0.0.1 that stores the
POSTed body and answers 201, then runs the same command with `--dry-run=client -o json`: the JSON
kubectl would have sent as application/json (OTHER_CASES, commands with no dry run, carry their expected
JSON here). Writes NAME.pb.b64 (the body, base64) and NAME.json into
tests/FluxSharp.LocalCluster.Tests/Protobuf/Fixtures/.

Usage: scripts/capture-kubectl-protobuf.py [--kubectl PATH]
"""

import argparse
import base64
import http.server
import json
import os
import subprocess
import tempfile
import threading

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "FluxSharp.LocalCluster.Tests",
                        "Protobuf", "Fixtures")

# name -> kubectl arguments after "create". {bin} is a file of non-UTF-8 bytes (lands in binaryData).
CASES = {
    "configmap": ["configmap", "foo", "--from-literal=a=b", "--from-literal=empty=", "--from-file=bin={bin}"],
    "secret-generic": ["secret", "generic", "s1", "--from-literal=user=admin", "--from-literal=pw=s3cr=t"],
    "secret-docker-registry": ["secret", "docker-registry", "reg", "--docker-server=r.example", "--docker-username=u",
                               "--docker-password=p"],
    "namespace": ["namespace", "ns1"],
    "serviceaccount": ["serviceaccount", "sa1"],
    "deployment": ["deployment", "web", "--image=nginx:1.27", "--image=busybox", "--replicas=3", "--port=80"],
    "service-clusterip": ["service", "clusterip", "svc1", "--tcp=80:8080", "--tcp=443:https"],
    "service-nodeport": ["service", "nodeport", "np", "--tcp=80:80", "--node-port=30080"],
    "job": ["job", "j1", "--image=busybox", "--", "echo", "hi"],
    "cronjob": ["cronjob", "cj", "--image=busybox", "--schedule=*/5 * * * *", "--restart=OnFailure", "--", "date"],
    "role": ["role", "r1", "--verb=get,list", "--resource=pods,deployments.apps", "--resource-name=a"],
    "rolebinding": ["rolebinding", "rb", "--role=r1", "--user=alice", "--serviceaccount=default:sa1"],
    "clusterrole": ["clusterrole", "cr", "--verb=get", "--non-resource-url=/healthz"],
    "clusterrole-aggregated": ["clusterrole", "agg", "--aggregation-rule=rbac.example.com/aggregate-to-cr=true"],
    "clusterrolebinding": ["clusterrolebinding", "crb", "--clusterrole=cr", "--group=devs"],
    "quota": ["quota", "q", "--hard=cpu=1,memory=1G,pods=2", "--scopes=NotBestEffort"],
    "priorityclass": ["priorityclass", "high", "--value=1000", "--description=important",
                      "--preemption-policy=Never"],
    "pdb": ["pdb", "p", "--selector=app=web", "--min-available=50%"],
    "pdb-int": ["pdb", "p2", "--selector=app=web", "--max-unavailable=1"],
    "ingress": ["ingress", "ing", "--class=nginx", "--rule=foo.com/bar*=svc1:8080,tls=secret1",
                "--default-backend=svc2:http", "--annotation=a=b"],
}

# Commands without a --dry-run=client -o json form: the JSON they send is written here by hand, from
# what the command's flags set (name -> (kubectl arguments, expected JSON)).
OTHER_CASES = {
    "selfsubjectaccessreview": (
        ["auth", "can-i", "create", "deployments.apps", "--subresource=scale"],
        {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {},
         "spec": {"resourceAttributes": {"namespace": "default", "verb": "create", "group": "apps",
                                         "resource": "deployments", "subresource": "scale"}},
         "status": {"allowed": False}}),
    "tokenrequest": (
        ["create", "token", "sa1", "--duration=1h", "--audience=a", "--audience=b"],
        {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1", "metadata": {},
         "spec": {"audiences": ["a", "b"], "expirationSeconds": 3600}, "status": {"token": ""}}),
}

DISCOVERY = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}]},
    "/apis/apps/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "apps/v1", "resources": [
        {"name": "deployments", "singularName": "deployment", "namespaced": True, "kind": "Deployment",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}]},
}

KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster: {{server: "http://127.0.0.1:{port}"}}
  name: capture
contexts:
- context: {{cluster: capture, user: capture, namespace: default}}
  name: capture
current-context: capture
users:
- name: capture
  user: {{token: capture}}
"""


class Capture(http.server.BaseHTTPRequestHandler):
    bodies = []

    def log_message(self, *args):
        pass

    def answer(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        # Just enough legacy discovery for `create role` to map --resource=pods,deployments.apps.
        path = self.path.split("?")[0]
        if path in DISCOVERY:
            self.answer(200, DISCOVERY[path])
        else:
            self.answer(404, {"apiVersion": "v1", "kind": "Status", "status": "Failure", "reason": "NotFound", "code": 404})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Capture.bodies.append((self.headers.get("Content-Type"), body))
        # Any object with a name satisfies kubectl's "x/y created" message.
        self.answer(201, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "captured"}})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubectl", default="kubectl")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.makedirs(FIXTURES, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = os.path.join(tmp, "kubeconfig")
        with open(kubeconfig, "w") as f:
            f.write(KUBECONFIG.format(port=server.server_address[1]))
        binary = os.path.join(tmp, "bin")
        with open(binary, "wb") as f:
            f.write(b"\x00\xff\xfe\x01binary")
        env = dict(os.environ, KUBECONFIG=kubeconfig)
        for name, case in CASES.items():
            argv = [a.replace("{bin}", binary) for a in case]
            Capture.bodies.clear()
            run = subprocess.run([args.kubectl, "create", *argv], env=env, capture_output=True, text=True)
            if run.returncode != 0:
                raise SystemExit(f"{name}: kubectl failed: {run.stderr}")
            content_type, body = Capture.bodies[-1]
            assert content_type == "application/vnd.kubernetes.protobuf", (name, content_type)
            expected = subprocess.run([args.kubectl, "create", "--dry-run=client", "-o", "json", *argv], env=env,
                                      check=True, capture_output=True, text=True).stdout
            with open(os.path.join(FIXTURES, name + ".pb.b64"), "w") as f:
                f.write(base64.b64encode(body).decode() + "\n")
            with open(os.path.join(FIXTURES, name + ".json"), "w") as f:
                f.write(expected)
            print(f"{name}: {len(body)} bytes")
        for name, (argv, expected) in OTHER_CASES.items():
            Capture.bodies.clear()
            # The capture server's answer is not what these commands expect; only the request matters.
            subprocess.run([args.kubectl, *argv], env=env, capture_output=True)
            content_type, body = Capture.bodies[-1]
            assert content_type == "application/vnd.kubernetes.protobuf", (name, content_type)
            with open(os.path.join(FIXTURES, name + ".pb.b64"), "w") as f:
                f.write(base64.b64encode(body).decode() + "\n")
            with open(os.path.join(FIXTURES, name + ".json"), "w") as f:
                f.write(json.dumps(expected, indent=4) + "\n")
            print(f"{name}: {len(body)} bytes")
    server.shutdown()


if __name__ == "__main__":
    main()
