using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api.Kustomize.V1;
using k8s;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>
/// Built manifests by (artifact digest, the spec fields that shape the build, substitution variables).
/// Small and bounded: the least recently used build goes first. Entries are never handed out to be mutated.
/// </summary>
internal sealed class BuildCache(int capacity)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, IReadOnlyList<JsonObject> Objects)>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, IReadOnlyList<JsonObject> Objects)> _order = new();

    /// <summary>The owner (its labels go on every object), the digest, and every spec field that shapes the build.</summary>
    public static string Key(string owner, string digest, KustomizationSpec spec, IReadOnlyDictionary<string, string>? variables)
    {
        var shape = spec with { Interval = string.Empty, RetryInterval = null, Timeout = null, Suspend = null, Wait = null, HealthChecks = null, HealthCheckExprs = null, Prune = false, Force = null, DependsOn = null };
        var text = new StringBuilder(owner).Append('\n').Append(digest).Append('\n').Append(KubernetesJson.Serialize(shape)).Append('\n');
        foreach (var (k, v) in (variables ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            text.Append(k).Append('=').Append(v).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public bool TryGet(string key, out IReadOnlyList<JsonObject> objects)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                objects = node.Value.Objects;
                return true;
            }

            objects = [];
            return false;
        }
    }

    public void Set(string key, IReadOnlyList<JsonObject> objects)
    {
        lock (_lock)
        {
            if (_index.Remove(key, out var existing))
            {
                _order.Remove(existing);
            }

            _index[key] = _order.AddFirst((key, objects));
            while (_order.Count > capacity)
            {
                _index.Remove(_order.Last!.Value.Key);
                _order.RemoveLast();
            }
        }
    }
}
