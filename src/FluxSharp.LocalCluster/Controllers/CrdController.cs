using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Api;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Storage;

namespace FluxSharp.LocalCluster.Controllers;

/// <summary>
/// Serves the versions of every CustomResourceDefinition as soon as it is written (synchronously, so a CR can be
/// created right after its CRD), reports NamesAccepted/Established, and removes a deleted CRD's resources.
/// </summary>
internal sealed class CrdController
{
    private const string StorageKey = "apiextensions.k8s.io/customresourcedefinitions";
    private readonly ResourceService _service;

    public CrdController(ResourceService service)
    {
        _service = service;
    }

    public void Attach() => _service.Store.Changed += OnChanged;

    /// <summary>Registers every stored CRD (after a restore from disk).</summary>
    public void SyncAll()
    {
        var (items, _) = _service.Store.List(StorageKey, null);
        foreach (var crd in items)
        {
            Register(crd);
        }
    }

    /// <summary>Builds the served ResourceInfo of each served version of a CRD.</summary>
    public static IReadOnlyList<ResourceInfo> ResourcesOf(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject ?? throw ApiException.BadRequest("CustomResourceDefinition has no spec");
        var group = Obj.Str(spec, "group") ?? string.Empty;
        var names = spec["names"] as JsonObject ?? new JsonObject();
        var kind = Obj.Str(names, "kind") ?? string.Empty;
        var plural = Obj.Str(names, "plural") ?? string.Empty;
        var result = new List<ResourceInfo>();
        if (spec["versions"] is not JsonArray versions)
        {
            return result;
        }

        foreach (var v in versions.OfType<JsonObject>())
        {
            if (v["served"] is JsonValue served && served.TryGetValue<bool>(out var s) && !s)
            {
                continue;
            }

            var subresources = v["subresources"] as JsonObject;
            var scale = subresources?["scale"] as JsonObject;
            var schemaNode = Obj.At(v, "schema", "openAPIV3Schema") as JsonObject;
            result.Add(new ResourceInfo
            {
                Group = group,
                Version = Obj.Str(v, "name") ?? string.Empty,
                Kind = kind,
                Plural = plural,
                Singular = Obj.Str(names, "singular") ?? kind.ToLowerInvariant(),
                Namespaced = Obj.Str(spec, "scope") != "Cluster",
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatus = subresources?["status"] is not null,
                Scale = scale is null ? null : new ScaleSubresource(Obj.Str(scale, "specReplicasPath") ?? ".spec.replicas", Obj.Str(scale, "statusReplicasPath") ?? ".status.replicas", Obj.Str(scale, "labelSelectorPath")),
                StorageVersion = v["storage"] is JsonValue st && st.TryGetValue<bool>(out var isStorage) && isStorage,
                IsCustom = true,
                PrinterColumns = Columns(v["additionalPrinterColumns"] as JsonArray),
                Schema = schemaNode is null ? Schema.TypeSchema.Any() : Seams.CrdSchema(schemaNode),
            });
        }

        return result;
    }

    private static List<PrinterColumn> Columns(JsonArray? columns)
    {
        if (columns is null)
        {
            return [];
        }

        return columns.OfType<JsonObject>().Select(c => new PrinterColumn(
            Obj.Str(c, "name") ?? string.Empty,
            Obj.Str(c, "type") ?? "string",
            Obj.Str(c, "jsonPath") ?? string.Empty,
            Obj.Str(c, "description"),
            Obj.Str(c, "format"),
            (int)(Obj.Long(c, "priority") ?? 0))).ToList();
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? string.Empty).ToList() : [];

    private void OnChanged(WatchEvent ev)
    {
        if (ev.StorageKey != StorageKey)
        {
            return;
        }

        if (ev.Type == WatchEventType.Deleted)
        {
            var name = Obj.Name(ev.Object);
            var gone = ResourcesOf(ev.Object);
            _service.Registry.RemoveCustom(name);
            if (gone.Count > 0)
            {
                _service.Store.DeleteAll(ResourceRegistry.StorageKey(gone[0]));
            }

            return;
        }

        Register(ev.Object);
        if (Obj.IsDeleting(ev.Object))
        {
            return;
        }

        UpdateStatus(ev.Object);
    }

    private void Register(JsonObject crd)
    {
        var resources = ResourcesOf(crd);
        if (resources.Count > 0 && !resources.Any(r => r.StorageVersion))
        {
            resources = resources.Select((r, i) => i == 0 ? r with { StorageVersion = true } : r).ToList();
        }

        _service.Registry.SetCustom(Obj.Name(crd), resources);
    }

    private void UpdateStatus(JsonObject crd)
    {
        var crdResource = _service.Registry.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;
        var now = Obj.Timestamp(DateTimeOffset.UtcNow);
        var desired = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", crd, now),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", crd, now)),
            ["acceptedNames"] = Obj.At(crd, "spec", "names")?.DeepClone(),
            ["storedVersions"] = new JsonArray(ResourcesOf(crd).Where(r => r.StorageVersion).Select(r => (JsonNode?)JsonValue.Create(r.Version)).ToArray()),
        };
        if (Obj.DeepEquals(Strip(crd["status"]), Strip(desired)))
        {
            return;
        }

        var updated = Obj.Clone(crd);
        updated["status"] = desired;
        try
        {
            _service.Update(crdResource, null, Obj.Name(crd), updated, RequestContext.Internal("apiextensions-apiserver"), "status");
        }
        catch (ApiException)
        {
            // Changed again meanwhile: the next event brings it here once more.
        }
    }

    private static JsonObject Condition(string type, string reason, string message, JsonObject crd, string now)
    {
        var existing = (Obj.At(crd, "status", "conditions") as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => Obj.Str(c, "type") == type && Obj.Str(c, "status") == "True");
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = "True",
            ["lastTransitionTime"] = Obj.Str(existing, "lastTransitionTime") ?? now,
            ["reason"] = reason,
            ["message"] = message,
        };
    }

    /// <summary>Compares statuses without transition times.</summary>
    private static JsonNode? Strip(JsonNode? status)
    {
        if (status is not JsonObject o)
        {
            return status;
        }

        var copy = (JsonObject)o.DeepClone();
        if (copy["conditions"] is JsonArray conditions)
        {
            foreach (var c in conditions.OfType<JsonObject>())
            {
                c.Remove("lastTransitionTime");
            }
        }

        return copy;
    }
}
