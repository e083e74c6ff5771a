namespace FluxSharp.Build.Tests;

/// <summary>A repository laid out like fluxcd/flux2-kustomize-helm-example (clusters/, infrastructure/, apps/base + overlays).</summary>
internal static class MultiClusterRepo
{
    public static Dictionary<string, string> Files { get; } = new()
    {
        ["clusters/production/flux-system/kustomization.yaml"] = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - gotk-components.yaml
              - gotk-sync.yaml
            """,
        ["clusters/production/flux-system/gotk-components.yaml"] = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: flux-system
            """,
        ["clusters/production/flux-system/gotk-sync.yaml"] = """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: flux-system
              namespace: flux-system
            spec:
              interval: 1m0s
              ref:
                branch: main
              url: ssh://git@github.com/example/fleet
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: flux-system
              namespace: flux-system
            spec:
              interval: 10m0s
              path: ./clusters/production
              prune: true
              sourceRef:
                kind: GitRepository
                name: flux-system
            """,
        ["clusters/production/infrastructure.yaml"] = """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: infra-controllers
              namespace: flux-system
            spec:
              interval: 1h
              retryInterval: 1m
              timeout: 5m
              sourceRef:
                kind: GitRepository
                name: flux-system
              path: ./infrastructure/controllers
              prune: true
              wait: true
            """,
        ["clusters/production/apps.yaml"] = """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: apps
              namespace: flux-system
            spec:
              interval: 10m0s
              dependsOn:
                - name: infra-controllers
              sourceRef:
                kind: GitRepository
                name: flux-system
              path: ./apps/production
              prune: true
              wait: true
              postBuild:
                substitute:
                  cluster_domain: example.com
            """,
        ["infrastructure/controllers/kustomization.yaml"] = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - ingress-nginx.yaml
            """,
        ["infrastructure/controllers/ingress-nginx.yaml"] = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: ingress-nginx
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: HelmRepository
            metadata:
              name: ingress-nginx
              namespace: ingress-nginx
            spec:
              interval: 24h
              url: https://kubernetes.github.io/ingress-nginx
            ---
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: ingress-nginx
              namespace: ingress-nginx
            spec:
              interval: 30m
              chart:
                spec:
                  chart: ingress-nginx
                  version: "*"
                  sourceRef:
                    kind: HelmRepository
                    name: ingress-nginx
                    namespace: ingress-nginx
              values:
                controller:
                  service:
                    type: "NodePort"
            """,
        ["apps/base/podinfo/kustomization.yaml"] = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: podinfo
            resources:
              - namespace.yaml
              - repository.yaml
              - release.yaml
            """,
        ["apps/base/podinfo/namespace.yaml"] = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: podinfo
            """,
        ["apps/base/podinfo/repository.yaml"] = """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: HelmRepository
            metadata:
              name: podinfo
            spec:
              interval: 5m
              url: https://stefanprodan.github.io/podinfo
            """,
        ["apps/base/podinfo/release.yaml"] = """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: podinfo
            spec:
              releaseName: podinfo
              chart:
                spec:
                  chart: podinfo
                  sourceRef:
                    kind: HelmRepository
                    name: podinfo
              interval: 50m
              install:
                remediation:
                  retries: 3
              values:
                ingress:
                  enabled: true
                  className: nginx
            """,
        ["apps/production/kustomization.yaml"] = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - ../base/podinfo
            patches:
              - path: podinfo-values.yaml
                target:
                  kind: HelmRelease
            """,
        ["apps/production/podinfo-values.yaml"] = """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: podinfo
            spec:
              chart:
                spec:
                  version: ">=6.0.0"
              values:
                ingress:
                  hosts:
                    - host: podinfo.${cluster_domain}
                      paths:
                        - path: /
                          pathType: ImplementationSpecific
            """,
    };
}
