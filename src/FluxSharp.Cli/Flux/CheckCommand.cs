using System.CommandLine;
using System.Net;
using FluxSharp.Kubernetes.Client;
using k8s;
using k8s.Models;
using Semver;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp check [--pre]`: flux's checks. --pre checks the Kubernetes version only; without it, also that the
/// manager's Pods are Ready and that FluxSharp's CRDs are installed and Established. Any failure: "✗ check failed", exit 1.
/// </summary>
internal static class CheckCommand
{
    /// <summary>The oldest Kubernetes FluxSharp supports: flux 2.7's constraint (the API level the local control plane serves).</summary>
    public const string KubernetesConstraint = ">=1.32.0-0";

    private static readonly SemVersion MinimumKubernetes = SemVersion.Parse("1.32.0-0", SemVersionStyles.Strict);

    public static Command Create()
    {
        var pre = new Option<bool>("--pre") { Description = "only run pre-installation checks" };
        var command = new Command("check", "Check requirements and installation") { pre };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Log.Action("checking prerequisites");
            using var kube = GlobalOptions.Connect(parse);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            var ok = await KubernetesCheckAsync(kube, timeout.Token);
            if (parse.GetValue(pre))
            {
                if (!ok)
                {
                    return 1;
                }

                Log.Success("prerequisites checks passed");
                return 0;
            }

            if (ok)
            {
                Log.Action("checking controllers");
                // An installed FluxSharp has manager Deployments (checked with each component's version); `fluxsharp dev` only a Pod.
                ok &= await Install.ComponentCheck.RunAsync(new KubeClient(kube), GlobalOptions.NamespaceOf(parse), timeout.Token)
                    ?? await ManagerCheckAsync(kube, GlobalOptions.NamespaceOf(parse), timeout.Token);
                Log.Action("checking crds");
                ok &= await CrdsCheckAsync(kube, timeout.Token);
            }

            if (!ok)
            {
                Log.Failure("check failed");
                return 1;
            }

            Log.Success("all checks passed");
            return 0;
        });
        return command;
    }

    private static async Task<bool> KubernetesCheckAsync(k8s.Kubernetes kube, CancellationToken cancellationToken)
    {
        VersionInfo info;
        try
        {
            info = await kube.Version.GetCodeAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException || KubeApiException.From(e) is not null)
        {
            Log.Failure($"Kubernetes API call failed: {KubeApiException.From(e)?.Message ?? e.Message}");
            return false;
        }

        if (!SemVersion.TryParse(info.GitVersion?.TrimStart('v'), SemVersionStyles.Any, out var version))
        {
            Log.Failure("Kubernetes version can't be determined");
            return false;
        }

        if (version.ComparePrecedenceTo(MinimumKubernetes) < 0)
        {
            Log.Failure($"Kubernetes version {info.GitVersion} does not match {KubernetesConstraint}");
            return false;
        }

        Log.Success($"Kubernetes {version} {KubernetesConstraint}");
        return true;
    }

    /// <summary>The manager's Pods (as `fluxsharp logs` finds them) must be Ready; like flux, waits for them within --timeout.</summary>
    private static async Task<bool> ManagerCheckAsync(k8s.Kubernetes kube, string ns, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var pods = (await kube.CoreV1.ListNamespacedPodAsync(ns, labelSelector: LogsCommand.ManagerSelector, cancellationToken: cancellationToken)).Items;
                if (pods.Count == 0)
                {
                    Log.Failure($"no controllers found in the '{ns}' namespace with the label selector '{LogsCommand.ManagerSelector}'");
                    return false;
                }

                var notReady = pods.Where(p => !Ready(p)).ToList();
                if (notReady.Count == 0 || cancellationToken.IsCancellationRequested)
                {
                    foreach (var pod in pods)
                    {
                        if (Ready(pod))
                        {
                            Log.Success($"{pod.Metadata.Name}: pod ready");
                        }
                        else
                        {
                            Log.Failure($"{pod.Metadata.Name}: pod not ready");
                        }

                        foreach (var container in pod.Spec?.Containers ?? [])
                        {
                            Log.Action(container.Image ?? container.Name);
                        }
                    }

                    return notReady.Count == 0;
                }

                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Failure("timed out waiting for the manager's pods to be ready");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException || KubeApiException.From(e) is not null)
        {
            Log.Failure($"checking failed: {KubeApiException.From(e)?.Message ?? e.Message}");
            return false;
        }
    }

    private static bool Ready(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>Each CRD FluxSharp serves is installed and Established: "✔ name/storedVersion", as flux prints it.</summary>
    private static async Task<bool> CrdsCheckAsync(k8s.Kubernetes kube, CancellationToken cancellationToken)
    {
        var ok = true;
        foreach (var kind in FluxKinds.Served)
        {
            var name = kind.Resource.ToString();
            try
            {
                var crd = await kube.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: cancellationToken);
                var established = crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true;
                var stored = crd.Status?.StoredVersions?.LastOrDefault() ?? crd.Spec.Versions.FirstOrDefault(v => v.Storage)?.Name;
                if (!established)
                {
                    Log.Failure($"{name} is not established");
                    ok = false;
                }
                else if (stored is null)
                {
                    Log.Failure($"no stored versions for {name}");
                    ok = false;
                }
                else
                {
                    Log.Success($"{name}/{stored}");
                }
            }
            catch (Exception e) when (KubeApiException.From(e) is { IsNotFound: true })
            {
                Log.Failure($"{name} not found");
                ok = false;
            }
            catch (Exception e) when (e is HttpRequestException || KubeApiException.From(e) is not null)
            {
                Log.Failure($"checking failed: {KubeApiException.From(e)?.Message ?? e.Message}");
                ok = false;
            }
        }

        return ok;
    }
}
