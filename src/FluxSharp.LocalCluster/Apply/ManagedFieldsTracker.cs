using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>
/// managedFields bookkeeping for every write that is not an apply (the apiserver's Update path):
/// the writer takes ownership of what it added or changed, other managers lose it, and removed
/// fields leave everyone.
/// </summary>
public static class ManagedFieldsTracker
{
    /// <summary>
    /// <paramref name="updated"/> is the object the write produces; its metadata.managedFields is replaced.
    /// Which ownership to start from follows k8s: subresource writes always use the live object's;
    /// otherwise a sent [] or [{}] resets, other sent entries are taken as is, and none falls back to live's.
    /// </summary>
    public static void TrackUpdate(JsonObject? live, JsonObject updated, UpdateRequest request)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(request);
        var managers = StartingManagers(live, updated, request);
        if (updated["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
        }

        Comparison cmp;
        try
        {
            cmp = ObjectComparer.Compare(live ?? [], updated, request.Schema);
        }
        catch (ApiException)
        {
            // The apiserver does not fail a write it cannot track (UpdateNoErrors); it drops managedFields.
            return;
        }

        Ownership.TakeChanges(managers, cmp, self: null, force: true);
        var changes = Ownership.Strip(cmp.Added.Union(cmp.Modified));
        if (!changes.IsEmpty)
        {
            var id = ManagerEntry.MakeId(request.Manager, ManagerEntry.UpdateOperation, request.ApiVersion, request.Subresource);
            var previous = managers.Find(m => m.Id == id);
            if (previous is null)
            {
                managers.Add(new ManagerEntry(request.Manager, ManagerEntry.UpdateOperation, request.ApiVersion, request.Subresource, request.Now, changes));
            }
            else
            {
                previous.Set = previous.Set.Union(changes);
                previous.Time = request.Now;
            }
        }

        Ownership.CapUpdateManagers(managers);
        ManagedFieldsCodec.Store(updated, managers);
    }

    private static List<ManagerEntry> StartingManagers(JsonObject? live, JsonObject updated, UpdateRequest request)
    {
        var sent = ManagedFieldsCodec.Get(updated);
        if (string.IsNullOrEmpty(request.Subresource))
        {
            if (ManagedFieldsCodec.IsReset(sent))
            {
                return [];
            }

            try
            {
                var decoded = ManagedFieldsCodec.Decode(sent);
                if (decoded.Count > 0)
                {
                    return decoded;
                }
            }
            catch (ApiException)
            {
                // Unusable client-sent managedFields: keep the live object's, as k8s does.
            }
        }

        try
        {
            return live is null ? [] : ManagedFieldsCodec.Decode(ManagedFieldsCodec.Get(live));
        }
        catch (ApiException)
        {
            return [];
        }
    }
}
