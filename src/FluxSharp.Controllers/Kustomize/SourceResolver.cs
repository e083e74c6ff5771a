using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Status;
using k8s;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>The artifact a Kustomization applies: where to download it and what it must hash to.</summary>
public sealed record SourceArtifact(string Url, string Digest, string Revision, string SourceDisplay);

/// <summary>Why the source can't be used yet; <see cref="Reason"/> is Flux's (ArtifactFailed, DependencyNotReady...).</summary>
public sealed class SourceNotReadyException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>Finds the Kustomization's source object and its current artifact.</summary>
public sealed class SourceResolver(IKubernetes kube)
{
    private static readonly Dictionary<string, ApiResource> Sources = new(StringComparer.Ordinal)
    {
        [FluxResources.GitRepositories.Kind] = FluxResources.GitRepositories,
        [FluxResources.OCIRepositories.Kind] = FluxResources.OCIRepositories,
        ["Bucket"] = new("source.toolkit.fluxcd.io", "v1", "buckets", "Bucket"),
        ["ExternalArtifact"] = new("source.toolkit.fluxcd.io", "v1", "externalartifacts", "ExternalArtifact"),
    };

    public async Task<SourceArtifact> ResolveAsync(Kustomization ks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ks);
        var reference = ks.Spec.SourceRef;
        var ns = string.IsNullOrEmpty(reference.Namespace) ? ks.Metadata.NamespaceProperty : reference.Namespace;
        var display = $"{reference.Kind}/{ns}/{reference.Name}";
        if (!Sources.TryGetValue(reference.Kind, out var resource))
        {
            throw new SourceNotReadyException(ConditionReasons.ArtifactFailed, $"spec.sourceRef.kind \"{reference.Kind}\" is not supported (GitRepository, OCIRepository, Bucket, ExternalArtifact)");
        }

        var source = await new ResourceClient(kube, resource).GetAsync(ns, reference.Name, cancellationToken)
            ?? throw new SourceNotReadyException(ConditionReasons.ArtifactFailed, $"Source '{display}' not found");
        var artifact = source["status"]?["artifact"];
        var url = (string?)artifact?["url"];
        var digest = (string?)artifact?["digest"];
        var revision = (string?)artifact?["revision"];
        if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(revision))
        {
            var ready = source["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == ConditionTypes.Ready);
            var why = (string?)ready?["message"];
            throw new SourceNotReadyException(ConditionReasons.ArtifactFailed, $"Source artifact not found, retrying in the retry interval: '{display}' is not ready" + (string.IsNullOrEmpty(why) ? string.Empty : $": {why}"));
        }

        return new SourceArtifact(url, digest ?? string.Empty, revision, display);
    }
}

/// <summary>dependsOn: every listed Kustomization must be Ready for its current generation.</summary>
public sealed class DependencyChecker(IKubernetes kube)
{
    /// <summary>Null when every dependency is ready; otherwise a message naming the first one that isn't.</summary>
    public async Task<string?> FirstNotReadyAsync(Kustomization ks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ks);
        var client = new ResourceClient(kube, FluxResources.Kustomizations);
        foreach (var dep in ks.Spec.DependsOn ?? [])
        {
            var ns = string.IsNullOrEmpty(dep.Namespace) ? ks.Metadata.NamespaceProperty : dep.Namespace;
            if (ns == ks.Metadata.NamespaceProperty && dep.Name == ks.Metadata.Name)
            {
                return $"dependency '{ns}/{dep.Name}' is the Kustomization itself";
            }

            var obj = await client.GetAsync(ns, dep.Name, cancellationToken);
            if (obj is null)
            {
                return $"dependency '{ns}/{dep.Name}' not found";
            }

            var generation = (long?)obj["metadata"]?["generation"];
            var observed = (long?)obj["status"]?["observedGeneration"];
            var ready = obj["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == ConditionTypes.Ready);
            if (observed != generation || (string?)ready?["status"] != ConditionStatus.True)
            {
                return $"dependency '{ns}/{dep.Name}' is not ready";
            }
        }

        return null;
    }
}
