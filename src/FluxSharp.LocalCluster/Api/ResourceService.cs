using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Storage;

namespace FluxSharp.LocalCluster.Api;

/// <summary>
/// The verbs on stored objects with the real API server's semantics: uid, resourceVersion, generation, status
/// subresource, finalizers and deletionTimestamp, optimistic concurrency, dryRun, managedFields.
/// HTTP-free: the HTTP layer maps requests onto these calls and ApiExceptions onto Status responses.
/// </summary>
public sealed partial class ResourceService
{
    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;

    public ResourceService(ObjectStore store, ResourceRegistry registry, TimeProvider time)
    {
        _store = store;
        _registry = registry;
        _time = time;
    }

    /// <summary>Kind-specific steps (defaults, CRD handling) run around writes.</summary>
    public List<IAdmissionHook> Hooks { get; } = [];

    public ObjectStore Store => _store;

    public ResourceRegistry Registry => _registry;

    private ResourceInfo CoreEvents => _registry.Find(string.Empty, "v1", "events")!;

    /// <summary>The object as version <paramref name="r"/> shows it (versions of a CRD share storage; conversion is None).</summary>
    public static JsonObject ForVersion(JsonObject stored, ResourceInfo r)
    {
        if (EventConversion.IsEventsV1(r) && Obj.Str(stored, "apiVersion") == "v1")
        {
            return EventConversion.ToEventsV1(stored);
        }

        if (Obj.Str(stored, "apiVersion") == r.ApiVersion && Obj.Str(stored, "kind") == r.Kind)
        {
            return stored;
        }

        var copy = Obj.Clone(stored);
        copy["apiVersion"] = r.ApiVersion;
        copy["kind"] = r.Kind;
        return copy;
    }

    internal static ApiException NotFound(ResourceInfo r, string name) => ApiException.NotFound(r.Plural, name, r.Group);

    private static void CheckTypeMeta(ResourceInfo r, JsonObject body)
    {
        var apiVersion = Obj.Str(body, "apiVersion");
        var kind = Obj.Str(body, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != r.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({r.Kind})");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != r.ApiVersion)
        {
            // Other served versions of the same group are converted (None strategy); anything else is a mismatch.
            var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : string.Empty;
            if (group != r.Group)
            {
                throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({r.ApiVersion})");
            }
        }

        body["apiVersion"] = r.ApiVersion;
        body["kind"] = r.Kind;
    }

    private static void CheckNamespace(ResourceInfo r, string? ns, JsonObject body)
    {
        var bodyNs = Obj.Namespace(body);
        if (r.Namespaced && !string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        if (!r.Namespaced && !string.IsNullOrEmpty(bodyNs))
        {
            // Cluster-scoped objects carry no namespace; the real server drops it silently.
            Obj.Metadata(body).Remove("namespace");
        }
    }

    private static string? NsFor(ResourceInfo r, string? ns) => r.Namespaced ? ns : null;

    /// <summary>A write lost a race with another; patches and applies retry, PUTs report 409.</summary>
    private sealed class RetryableConflictException(ResourceInfo r, string name)
        : Exception($"Operation cannot be fulfilled on {r.Plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
}
