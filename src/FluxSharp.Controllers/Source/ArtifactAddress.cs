using FluxSharp.Api;
using FluxSharp.Sources.Artifacts;

namespace FluxSharp.Controllers.Source;

/// <summary>
/// Flux's reconcileStorage "always update URLs": every source reconcile points its artifact in status at the
/// storage's current advertised address, whatever the revision. A manager restarted on another port or with another
/// --storage-adv-addr must not leave consumers downloading from an address nobody serves until the next commit.
/// </summary>
public static class ArtifactAddress
{
    /// <summary>The artifact with its URL for its stored path at <paramref name="storage"/>'s address (unchanged when it has no path).</summary>
    public static Artifact? Advertise(this ArtifactStorage storage, Artifact? artifact)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (artifact is null || artifact.Path.Length == 0)
        {
            return artifact;
        }

        var url = storage.UrlFor(artifact.Path);
        return artifact.Url == url ? artifact : artifact with { Url = url };
    }
}
