using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>
/// Server-side apply (structured-merge-diff's Updater.Apply plus the apiserver's field manager wrappers):
/// merges an applied configuration into the live object, prunes what the applier stopped applying and
/// nobody else owns, detects conflicts with other managers, and records ownership in managedFields.
/// </summary>
public static class ServerSideApply
{
    /// <summary>The manager k8s credits with an object's existing fields when it is first applied without managedFields.</summary>
    public const string BeforeFirstApplyManager = "before-first-apply";

    /// <summary>kubectl's client-side apply annotation, which server-side applies by "kubectl" take over and keep in sync.</summary>
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The manager `kubectl apply --server-side` uses; only it gets the client-side apply upgrade path.</summary>
    private const string KubectlManager = "kubectl";

    /// <summary>
    /// Applies <paramref name="config"/> (a whole object incl. apiVersion/kind/metadata) onto <paramref name="live"/>
    /// (null: the apply creates the object). Returns a new object with metadata.managedFields updated; when the
    /// apply changes nothing the result equals <paramref name="live"/> except possibly managedFields, so callers
    /// can compare to skip the write. Throws 409 Conflict (causes FieldManagerConflict) unless forced.
    /// </summary>
    public static JsonObject Apply(JsonObject? live, JsonObject config, ApplyRequest request)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(request);
        if (ManagedFieldsCodec.Get(config) is not null)
        {
            throw ApiException.BadRequest("metadata.managedFields must be nil");
        }

        var schema = request.Schema;
        var managers = DecodeLive(live);
        var before = live ?? [];
        if (live is not null && managers.Count == 0)
        {
            managers.AddRange(CreditExistingFields(live, request));
        }

        // Unstripped while pruning, as in SMD: the config's metadata.name keeps "metadata" owned.
        var configSet = FieldSetBuilder.Build(config, schema);
        var merged = ObjectMerger.Merge(before, config, schema);

        var id = ManagerEntry.MakeId(request.Manager, ManagerEntry.ApplyOperation, request.ApiVersion, request.Subresource);
        var previous = managers.Find(m => m.Id == id);
        var self = new ManagerEntry(request.Manager, ManagerEntry.ApplyOperation, request.ApiVersion, request.Subresource, previous?.Time, configSet);
        if (previous is not null)
        {
            managers.Remove(previous);
        }

        managers.Add(self);
        if (previous is { Set.IsEmpty: false })
        {
            Prune(merged, previous.Set, managers, request);
        }

        var cmp = ObjectComparer.Compare(before, merged, schema);
        Ownership.TakeChanges(managers, cmp, self, request.Force, request.Manager == KubectlManager ? LastAppliedFields(live, schema) : null);
        self.Set = Ownership.Strip(self.Set);
        if (request.Manager == KubectlManager)
        {
            SyncLastApplied(merged, config);
        }

        // Like the apiserver, the applier's timestamp moves only when the apply changed the object.
        if (!cmp.IsSame || self.Time is null)
        {
            self.Time = request.Now;
        }

        Ownership.CapUpdateManagers(managers);
        ManagedFieldsCodec.Store(merged, managers);
        return merged;
    }

    /// <summary>
    /// Removes what the applier owned last time, no longer applies, and nobody else owns. Named struct
    /// fields count as owned when anything beneath them is, so a field is removed whole only when orphaned.
    /// </summary>
    private static void Prune(JsonObject merged, FieldSet lastSet, List<ManagerEntry> managers, ApplyRequest request)
    {
        var owned = new FieldSet();
        foreach (var m in managers)
        {
            owned = owned.Union(m.Set);
        }

        // Identity and bookkeeping fields are never pruned, whatever the sets say.
        var toRemove = Ownership.Strip(lastSet.EnsureNamedFieldsAreMembers(request.Schema)
            .Difference(owned.EnsureNamedFieldsAreMembers(request.Schema)));
        ItemRemover.Remove(merged, toRemove, request.Schema);
    }

    /// <summary>
    /// The fields of the live object's client-side last-applied configuration: conflicts on them don't stop
    /// `kubectl apply --server-side` after `kubectl apply` (the apiserver's lastAppliedManager).
    /// </summary>
    private static FieldSet? LastAppliedFields(JsonObject? live, Schema.TypeSchema schema)
    {
        if (live is null || Objects.Obj.Str(live, "metadata", "annotations", LastAppliedAnnotation) is not { } text)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject lastApplied ? FieldSetBuilder.Build(lastApplied, schema) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// When the object carries a last-applied annotation, a "kubectl" server-side apply rewrites it to the applied
    /// configuration, so a later client-side apply diffs against what was really applied (the apiserver's lastAppliedUpdater).
    /// </summary>
    private static void SyncLastApplied(JsonObject merged, JsonObject config)
    {
        if (Objects.Obj.At(merged, "metadata", "annotations") is not JsonObject annotations || !annotations.ContainsKey(LastAppliedAnnotation))
        {
            return;
        }

        var applied = (JsonObject)Sorted(config)!;
        if (Objects.Obj.At(applied, "metadata", "annotations") is JsonObject appliedAnnotations)
        {
            appliedAnnotations.Remove(LastAppliedAnnotation);
        }

        annotations[LastAppliedAnnotation] = System.Text.Json.JsonSerializer.Serialize(applied, Objects.Obj.JsonOptions);
    }

    /// <summary>A deep copy with object keys in ordinal order, as Go's encoding/json writes maps.</summary>
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    /// <summary>An object nobody owns gets its fields credited to "before-first-apply" so an apply can conflict with them.</summary>
    private static IEnumerable<ManagerEntry> CreditExistingFields(JsonObject live, ApplyRequest request)
    {
        var cmp = ObjectComparer.Compare([], live, request.Schema);
        var set = Ownership.Strip(cmp.Added.Union(cmp.Modified));
        if (!set.IsEmpty)
        {
            yield return new ManagerEntry(BeforeFirstApplyManager, ManagerEntry.UpdateOperation, request.ApiVersion, request.Subresource, request.Now, set);
        }
    }

    /// <summary>Live managedFields; undecodable ones are treated as absent rather than failing the apply.</summary>
    private static List<ManagerEntry> DecodeLive(JsonObject? live)
    {
        if (live is null)
        {
            return [];
        }

        try
        {
            return ManagedFieldsCodec.Decode(ManagedFieldsCodec.Get(live));
        }
        catch (ApiException)
        {
            return [];
        }
    }
}
