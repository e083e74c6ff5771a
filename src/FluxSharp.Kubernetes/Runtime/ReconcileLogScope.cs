using System.Collections;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>
/// The logging scope of one reconcile, with the keys Flux's controllers (controller-runtime) put on every line
/// they log while reconciling: controller, controllerGroup, controllerKind, the object as {"Kind": {name, namespace}},
/// name, namespace and reconcileID. JSON loggers write them as fields; `flux logs` filters on them.
/// </summary>
public sealed class ReconcileLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _fields;
    private readonly string _text;

    public ReconcileLogScope(ApiResource resource, ObjectKey key, string reconcileId)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var ns = key.Namespace ?? string.Empty;
        _fields =
        [
            new("controller", resource.Kind.ToLowerInvariant()),
            new("controllerGroup", resource.Group),
            new("controllerKind", resource.Kind),
            new(resource.Kind, new Dictionary<string, string> { ["name"] = key.Name, ["namespace"] = ns }),
            new("namespace", ns),
            new("name", key.Name),
            new("reconcileID", reconcileId),
        ];
        _text = $"{resource.Kind} {key}";
    }

    public int Count => _fields.Length;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _text;
}
