using System.Globalization;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Notification.V1;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Controllers.Notification.Receivers;

/// <summary>
/// Asks the objects a Receiver lists to reconcile now: sets <c>reconcile.fluxcd.io/requestedAt</c> on each (by name,
/// or every object of the kind matching <c>matchLabels</c> when the name is <c>*</c>), after the resource filters.
/// A missing apiVersion takes Flux's default for the kind (Flux has none for Kustomization and HelmRelease).
/// </summary>
public sealed class ReconcileRequester(KubeClient client, ResourceMapper mapper, TimeProvider time)
{
    /// <summary>The apiVersion notification-controller assumes when a resource reference has none.</summary>
    private static readonly Dictionary<string, string> DefaultApiVersions = new(StringComparer.Ordinal)
    {
        ["Bucket"] = "source.toolkit.fluxcd.io/v1",
        ["HelmChart"] = "source.toolkit.fluxcd.io/v1",
        ["HelmRepository"] = "source.toolkit.fluxcd.io/v1",
        ["GitRepository"] = "source.toolkit.fluxcd.io/v1",
        ["OCIRepository"] = "source.toolkit.fluxcd.io/v1",
        ["ImageRepository"] = "image.toolkit.fluxcd.io/v1",
        ["ArtifactGenerator"] = "source.extensions.fluxcd.io/v1beta1",
    };

    /// <summary>The objects annotated (kind/namespace/name); throws <see cref="InvalidOperationException"/> naming the reference on failure.</summary>
    public async Task<IReadOnlyList<string>> RequestAsync(ReceiverResource resource, string receiverNamespace, Func<JsonObject, bool> accept, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(accept);
        var ns = string.IsNullOrEmpty(resource.Namespace) ? receiverNamespace : resource.Namespace;
        var apiVersion = !string.IsNullOrEmpty(resource.ApiVersion) ? resource.ApiVersion
            : DefaultApiVersions.TryGetValue(resource.Kind, out var known) ? known
            : throw new InvalidOperationException($"apiVersion must be specified for kind \"{resource.Kind}\"");
        var api = await mapper.TryMapAsync(apiVersion, resource.Kind, cancellationToken)
            ?? throw new InvalidOperationException($"the API does not serve {apiVersion} {resource.Kind}");

        List<JsonObject> targets;
        if (resource.Name == "*")
        {
            if (resource.MatchLabels is null)
            {
                throw new InvalidOperationException("matchLabels field not set when using wildcard '*' as name");
            }

            var selector = string.Join(',', resource.MatchLabels.Select(kv => kv.Key + "=" + kv.Value));
            var list = await client.SendAsync(HttpMethod.Get, KubeClient.CollectionPath(api, ns) + "?labelSelector=" + Uri.EscapeDataString(selector), null, null, cancellationToken);
            targets = (list["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            foreach (var item in targets)
            {
                // List items carry no apiVersion/kind; filters read them.
                item["apiVersion"] = apiVersion;
                item["kind"] = resource.Kind;
            }
        }
        else
        {
            var one = await client.GetAsync(api, ns, resource.Name, cancellationToken)
                ?? throw new InvalidOperationException($"unable to read {resource.Kind} \"{ns}/{resource.Name}\": not found");
            targets = [one];
        }

        var annotated = new List<string>();
        foreach (var target in targets.Where(accept))
        {
            var name = (string?)target["metadata"]?["name"] ?? string.Empty;
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [FluxAnnotations.ReconcileRequestedAt] = Now() } } };
            await client.MergePatchAsync(api, ns, name, patch, status: false, FluxNames.NotificationController, cancellationToken);
            annotated.Add($"{resource.Kind}/{ns}/{name}");
        }

        return annotated;
    }

    /// <summary>The time as Go's time.String writes it (Flux's metav1.Now().String()); any new value asks for a reconcile.</summary>
    private string Now()
    {
        var now = time.GetUtcNow();
        var fraction = now.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        return now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : string.Empty) + " +0000 UTC";
    }
}
