using System.Reflection;
using System.Text.Json.Nodes;
using FluxSharp.Cli.Flux;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Install;

/// <summary>Applies the component manifests with server-side apply and waits until FluxSharp is installed and ready.</summary>
internal static class Installer
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>This CLI's version as an image tag ("v0.1.0"): the default of --version.</summary>
    public static string ClientVersion { get; } =
        "v" + (typeof(Installer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <summary>
    /// Applies every object in order (namespace and CRDs first, so the rest can name them), then waits for the CRDs
    /// to be Established and the manager Deployment to be Ready. A failure names the object it stopped at; applying
    /// again completes what was left (server-side apply is idempotent).
    /// </summary>
    public static async Task ApplyAsync(KubeClient client, IReadOnlyList<JsonObject> objects, CancellationToken cancellationToken)
    {
        foreach (var obj in objects)
        {
            var resource = InstallResources.Of(obj);
            var name = (string)obj["metadata"]!["name"]!;
            var ns = resource.Namespaced ? (string?)obj["metadata"]!["namespace"] : null;
            try
            {
                await client.ApplyAsync(resource, ns, name, obj, ComponentManifests.FieldManager, force: true, cancellationToken);
            }
            catch (Exception e) when (KubeApiException.From(e) is { } api)
            {
                throw new CliException($"applying {resource.Kind}/{name} failed: {api.Message}");
            }

            Log.Success($"{resource.Kind}/{(ns is null ? name : $"{ns}/{name}")} applied");
        }
    }

    /// <summary>Waits until every CRD is Established and every Deployment reports its replicas ready at its generation.</summary>
    public static async Task WaitReadyAsync(KubeClient client, IReadOnlyList<JsonObject> objects, CancellationToken cancellationToken)
    {
        foreach (var obj in objects)
        {
            var resource = InstallResources.Of(obj);
            if (resource != InstallResources.Crds && resource != InstallResources.Deployments)
            {
                continue;
            }

            var name = (string)obj["metadata"]!["name"]!;
            var ns = resource.Namespaced ? (string?)obj["metadata"]!["namespace"] : null;
            try
            {
                while (true)
                {
                    var live = await client.GetAsync(resource, ns, name, cancellationToken);
                    if (live is not null && (resource == InstallResources.Crds ? Established(live) : DeploymentReady(live)))
                    {
                        break;
                    }

                    await Task.Delay(PollInterval, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new CliException($"timeout waiting for {resource.Kind}/{name} to be {(resource == InstallResources.Crds ? "established" : "ready")}");
            }

            Log.Success(resource == InstallResources.Crds ? $"{name} established" : $"{name}: deployment ready");
        }
    }

    public static bool Established(JsonObject crd) =>
        crd["status"]?["conditions"] is JsonArray conditions
        && conditions.Any(c => (string?)c?["type"] == "Established" && (string?)c?["status"] == "True");

    /// <summary>As kstatus reads a Deployment: the current generation observed and all replicas updated and ready.</summary>
    public static bool DeploymentReady(JsonObject deployment)
    {
        var generation = (long?)deployment["metadata"]?["generation"] ?? 0;
        var status = deployment["status"];
        var replicas = (long?)deployment["spec"]?["replicas"] ?? 1;
        return status is not null
            && ((long?)status["observedGeneration"] ?? -1) >= generation
            && ((long?)status["readyReplicas"] ?? 0) >= replicas
            && ((long?)status["updatedReplicas"] ?? 0) >= replicas;
    }
}
