using System.Globalization;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Objects;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Selectors;
using FluxSharp.LocalCluster.Storage;

namespace FluxSharp.LocalCluster.Api;

// get and list.
public sealed partial class ResourceService
{
    public JsonObject Get(ResourceInfo r, string? ns, string name)
    {
        var stored = _store.Get(ResourceRegistry.StorageKey(r), NsFor(r, ns), name) ?? throw NotFound(r, name);
        return ForVersion(stored, r);
    }

    public JsonObject? TryGet(ResourceInfo r, string? ns, string name)
    {
        var stored = _store.Get(ResourceRegistry.StorageKey(r), NsFor(r, ns), name);
        return stored is null ? null : ForVersion(stored, r);
    }

    /// <summary>A list with limit/continue paging; continue tokens carry the last key returned.</summary>
    public JsonObject List(ResourceInfo r, string? ns, LabelSelector labels, FieldSelector fields, int? limit, string? continueToken)
    {
        string? startAfter = null;
        if (!string.IsNullOrEmpty(continueToken))
        {
            try
            {
                startAfter = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(continueToken));
            }
            catch (FormatException)
            {
                throw ApiException.BadRequest("continue key is not valid: illegal base64 data");
            }
        }

        var (items, rv) = _store.List(ResourceRegistry.StorageKey(r), r.Namespaced ? ns : null, startAfter);
        var result = new JsonArray();
        var matched = items.Where(o => labels.Matches(o) && fields.Matches(o)).ToList();
        var take = limit is > 0 ? Math.Min(limit.Value, matched.Count) : matched.Count;
        for (var i = 0; i < take; i++)
        {
            // Stored objects must never gain a parent; a version view is already a copy.
            var shown = ForVersion(matched[i], r);
            result.Add(ReferenceEquals(shown, matched[i]) ? Obj.Clone(shown) : shown);
        }

        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (take < matched.Count)
        {
            var last = matched[take - 1];
            meta["continue"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ObjectStore.ObjectKey(Obj.Namespace(last), Obj.Name(last))));
            meta["remainingItemCount"] = matched.Count - take;
        }

        return new JsonObject
        {
            ["kind"] = r.ListKind,
            ["apiVersion"] = r.ApiVersion,
            ["metadata"] = meta,
            ["items"] = result,
        };
    }
}
