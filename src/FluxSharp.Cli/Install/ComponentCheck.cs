using System.Text.Json.Nodes;
using FluxSharp.Cli.Flux;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Install;

/// <summary>
/// `fluxsharp check` on an installed FluxSharp: the manager Deployments (as flux checks its controllers' Deployments),
/// each one ready, with its image and the version of every component it runs.
/// </summary>
internal static class ComponentCheck
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>True or false when manager Deployments exist in <paramref name="ns"/>; null when there are none (e.g. `fluxsharp dev`'s Pod).</summary>
    public static async Task<bool?> RunAsync(KubeClient client, string ns, CancellationToken cancellationToken)
    {
        var path = KubeClient.CollectionPath(InstallResources.Deployments, ns) + "?labelSelector=" + Uri.EscapeDataString(LogsCommand.ManagerSelector);
        List<JsonObject> deployments;
        try
        {
            while (true)
            {
                deployments = ((await client.SendAsync(HttpMethod.Get, path, null, null, cancellationToken))["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                if (deployments.Count == 0)
                {
                    return null;
                }

                // As flux: within --timeout, wait for the Deployments to be ready before reporting.
                if (deployments.All(Installer.DeploymentReady))
                {
                    break;
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            deployments = ((await client.SendAsync(HttpMethod.Get, path, null, null, CancellationToken.None))["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        }

        var ok = true;
        foreach (var deployment in deployments)
        {
            var name = (string?)deployment["metadata"]?["name"];
            if (Installer.DeploymentReady(deployment))
            {
                Log.Success($"{name}: deployment ready");
            }
            else
            {
                Log.Failure($"{name}: deployment not ready");
                ok = false;
            }

            foreach (var container in (deployment["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var image = (string?)container["image"] ?? string.Empty;
                Log.Action(image);
                var version = VersionOf(image);
                foreach (var component in ComponentsOf(container))
                {
                    Log.Success($"{component}: {version}");
                }
            }
        }

        return ok;
    }

    /// <summary>The image's tag ("v0.1.0"), "unknown" when it has none (a digest or the implicit latest).</summary>
    public static string VersionOf(string image)
    {
        var name = image.Split('@')[0];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[(colon + 1)..] : "unknown";
    }

    /// <summary>The components a manager container runs: its --controllers flag, as Flux's component names.</summary>
    private static IEnumerable<string> ComponentsOf(JsonObject container)
    {
        var flag = (container["args"] as JsonArray ?? []).Select(a => (string?)a).FirstOrDefault(a => a?.StartsWith("--controllers=", StringComparison.Ordinal) == true);
        var controllers = flag?["--controllers=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? ["all"];
        return controllers.Contains("all", StringComparer.Ordinal)
            ? InstallComponents.Available
            : controllers.Select(c => c + "-controller");
    }
}
