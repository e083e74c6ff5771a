using System.Diagnostics;
using FluxSharp.Api;
using k8s;
using k8s.Models;

namespace FluxSharp.Cli.Commands;

/// <summary>What `fluxsharp dev` puts into the local cluster: Flux's CRDs, and the GitRepository it syncs from.</summary>
internal static class DevSync
{
    public const string Namespace = "flux-system";
    public const string Name = "flux-system";

    /// <summary>Applies FluxSharp's CRDs (server-side apply, so restarts are no-ops).</summary>
    public static Task InstallCrdsAsync(IKubernetes kube, CancellationToken cancellationToken) =>
        FluxSharp.Kubernetes.Client.CrdInstaller.ApplyAsync(kube, FluxApi.Crds(), "fluxsharp", cancellationToken);

    /// <summary>The flux-system namespace and a GitRepository for the repository to sync.</summary>
    public static async Task ApplySourceAsync(IKubernetes kube, string url, string branch, string? commit, CancellationToken cancellationToken)
    {
        var ns = new V1Patch($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{Namespace}}}"}}""", V1Patch.PatchType.ApplyPatch);
        await kube.CoreV1.PatchNamespaceAsync(ns, Namespace, fieldManager: "fluxsharp", force: true, cancellationToken: cancellationToken);
        var repo = new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "source.toolkit.fluxcd.io/v1",
            ["kind"] = "GitRepository",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = Name, ["namespace"] = Namespace },
            ["spec"] = new System.Text.Json.Nodes.JsonObject
            {
                ["interval"] = "1m",
                ["url"] = url,
                // A detached checkout (as CI makes) has no branch to follow: pin its commit instead.
                ["ref"] = commit is null ? new System.Text.Json.Nodes.JsonObject { ["branch"] = branch } : new System.Text.Json.Nodes.JsonObject { ["commit"] = commit },
            },
        };
        await kube.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(repo.ToJsonString(), V1Patch.PatchType.ApplyPatch), "source.toolkit.fluxcd.io", "v1", Namespace, "gitrepositories", Name, fieldManager: "fluxsharp", force: true, cancellationToken: cancellationToken);
    }

    /// <summary>A Kustomization applying <paramref name="path"/> of the synced repository, pruning and waiting for health.</summary>
    public static async Task ApplyKustomizationAsync(IKubernetes kube, string path, CancellationToken cancellationToken)
    {
        var ks = new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "kustomize.toolkit.fluxcd.io/v1",
            ["kind"] = "Kustomization",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = Name, ["namespace"] = Namespace },
            ["spec"] = new System.Text.Json.Nodes.JsonObject
            {
                ["interval"] = "1m",
                ["path"] = path,
                ["prune"] = true,
                ["wait"] = true,
                ["timeout"] = "2m",
                ["sourceRef"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "GitRepository", ["name"] = Name },
            },
        };
        await kube.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(ks.ToJsonString(), V1Patch.PatchType.ApplyPatch), "kustomize.toolkit.fluxcd.io", "v1", Namespace, "kustomizations", Name, fieldManager: "fluxsharp", force: true, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The git checkout containing the current directory: its file:// URL, current branch, and the commit when
    /// HEAD is detached (Branch is then null); null outside a checkout.
    /// </summary>
    public static async Task<(string Url, string? Branch, string? Commit)?> ThisRepositoryAsync(CancellationToken cancellationToken)
    {
        var root = await GitAsync(["rev-parse", "--show-toplevel"], cancellationToken);
        var branch = await GitAsync(["rev-parse", "--abbrev-ref", "HEAD"], cancellationToken);
        if (root is null || branch is null)
        {
            return null;
        }

        var url = new Uri(root).AbsoluteUri;
        return branch == "HEAD" ? (url, null, await GitAsync(["rev-parse", "HEAD"], cancellationToken)) : (url, branch, null);
    }

    private static async Task<string?> GitAsync(string[] args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync(cancellationToken);
            await p.WaitForExitAsync(cancellationToken);
            return p.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
