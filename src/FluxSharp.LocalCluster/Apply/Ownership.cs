using System.Net;
using System.Text;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>
/// Moves field ownership between managers after a write, as SMD's Updater.update does:
/// fields the write added or changed leave every other manager (a conflict unless forced),
/// fields it removed leave every other manager, and managers left with nothing are dropped.
/// </summary>
internal static class Ownership
{
    /// <summary>The apiserver never tracks these (its stripMetaManager): identity, bookkeeping and "metadata" itself.</summary>
    private static readonly FieldSet Untracked = BuildUntracked();

    private const int MaxUpdateManagers = 10;
    private const string AncientChangesManager = "ancient-changes";

    public static FieldSet Strip(FieldSet set) => set.Difference(Untracked);

    /// <param name="self">The writer's own entry, which keeps what it has; null for updates (the writer is merged in after).</param>
    /// <param name="allowedConflicts">
    /// Fields an unforced apply may take anyway (the apiserver's lastAppliedManager: kubectl's fields from the client-side
    /// last-applied annotation). When every conflict is among them the apply proceeds as forced; otherwise only the rest are reported.
    /// </param>
    public static void TakeChanges(List<ManagerEntry> managers, Comparison cmp, ManagerEntry? self, bool force, FieldSet? allowedConflicts = null)
    {
        var changed = cmp.Modified.Union(cmp.Added);
        List<(ManagerEntry Manager, FieldSet Fields)>? conflicts = null;
        if (!changed.IsEmpty)
        {
            foreach (var m in managers)
            {
                if (ReferenceEquals(m, self))
                {
                    continue;
                }

                var overlap = m.Set.Intersect(changed);
                if (!overlap.IsEmpty)
                {
                    (conflicts ??= []).Add((m, overlap));
                }
            }
        }

        if (conflicts is not null)
        {
            if (!force && allowedConflicts is not null)
            {
                var remaining = conflicts
                    .Select(c => (c.Manager, Fields: c.Fields.Difference(allowedConflicts)))
                    .Where(c => !c.Fields.IsEmpty)
                    .ToList();
                force = remaining.Count == 0;
                if (!force)
                {
                    throw ConflictError(remaining);
                }
            }

            if (!force)
            {
                throw ConflictError(conflicts);
            }

            foreach (var (m, fields) in conflicts)
            {
                m.Set = m.Set.Difference(fields);
            }
        }

        if (!cmp.Removed.IsEmpty)
        {
            foreach (var m in managers)
            {
                if (!ReferenceEquals(m, self))
                {
                    m.Set = m.Set.Difference(cmp.Removed);
                }
            }
        }

        managers.RemoveAll(m => m.Set.IsEmpty);
    }

    /// <summary>
    /// Keeps at most ten Update entries, folding the oldest into per-apiVersion "ancient-changes" entries
    /// (the apiserver's capManagersManager), so objects written by many clients don't grow without bound.
    /// </summary>
    public static void CapUpdateManagers(List<ManagerEntry> managers)
    {
        var updaters = managers.Where(m => !m.IsApply).ToList();
        if (updaters.Count <= MaxUpdateManagers)
        {
            return;
        }

        updaters.Sort((a, b) =>
        {
            var c = (a.Time?.ToUnixTimeSeconds() ?? 0).CompareTo(b.Time?.ToUnixTimeSeconds() ?? 0);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });

        var length = updaters.Count;
        var bucketsSeen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < updaters.Count && length > MaxUpdateManagers; i++)
        {
            var oldest = updaters[i];
            var bucketId = ManagerEntry.MakeId(AncientChangesManager, ManagerEntry.UpdateOperation, oldest.ApiVersion, null);
            if (oldest.Id == bucketId)
            {
                // Already the bucket for its version: it stays and counts as that bucket.
                bucketsSeen.Add(oldest.ApiVersion);
                continue;
            }

            var bucket = managers.Find(m => m.Id == bucketId);
            managers.Remove(oldest);
            if (bucket is null)
            {
                managers.Add(new ManagerEntry(AncientChangesManager, ManagerEntry.UpdateOperation, oldest.ApiVersion, null, oldest.Time, oldest.Set));
            }
            else
            {
                bucket.Set = bucket.Set.Union(oldest.Set);
                bucket.Time = oldest.Time;
            }

            // The first entry folded into a bucket becomes the bucket, so it does not shrink the count.
            if (!bucketsSeen.Add(oldest.ApiVersion))
            {
                length--;
            }
        }
    }

    private static ApiException ConflictError(List<(ManagerEntry Manager, FieldSet Fields)> conflicts)
    {
        conflicts.Sort((a, b) => string.CompareOrdinal(a.Manager.Id, b.Manager.Id));
        var causes = new List<StatusCause>();
        var grouped = new StringBuilder();
        foreach (var (manager, fields) in conflicts)
        {
            var who = manager.Describe();
            grouped.Append(grouped.Length == 0 ? "" : "\n").Append("conflicts with ").Append(who).Append(':');
            foreach (var path in fields.Paths())
            {
                var field = path.ToString();
                causes.Add(new StatusCause("FieldManagerConflict", $"conflict with {who}", field));
                grouped.Append("\n- ").Append(field);
            }
        }

        var message = causes.Count == 1
            ? $"Apply failed with 1 conflict: {causes[0].Message}: {causes[0].Field}"
            : $"Apply failed with {causes.Count} conflicts: {grouped}";
        return new ApiException(HttpStatusCode.Conflict, "Conflict", message, causes);
    }

    private static FieldSet BuildUntracked()
    {
        var set = new FieldSet();
        set.Insert(FieldPath.Of("apiVersion"));
        set.Insert(FieldPath.Of("kind"));
        set.Insert(FieldPath.Of("metadata"));
        foreach (var name in new[] { "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion" })
        {
            set.Insert(FieldPath.Of("metadata", name));
        }

        return set;
    }
}
