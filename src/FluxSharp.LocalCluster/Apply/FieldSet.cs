using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>
/// A set of field paths stored as a tree, the model behind managedFields' fieldsV1.
/// Each node maps path elements to an entry that may be a member (the path itself is in the set)
/// and/or have children (longer paths are in the set). Set operations return new sets.
/// Invariant: an entry is stored only when it is a member or has a non-empty child set.
/// </summary>
public sealed class FieldSet
{
    private Dictionary<PathElement, Entry>? entries;

    public bool IsEmpty => entries is null || entries.Count == 0;

    /// <summary>Parses a fieldsV1 object such as {"f:spec":{"f:replicas":{}}}.</summary>
    public static FieldSet Parse(JsonObject fieldsV1)
    {
        ArgumentNullException.ThrowIfNull(fieldsV1);
        return ParseNode(fieldsV1, out _);
    }

    /// <summary>The field set of a whole object: what an applier of <paramref name="value"/> owns.</summary>
    public static FieldSet FromObject(JsonObject value, TypeSchema schema) => FieldSetBuilder.Build(value, schema);

    /// <summary>Adds a path (a no-op for the empty path). Only builders call this: sets share subtrees once built.</summary>
    internal void Insert(IReadOnlyList<PathElement> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Count == 0)
        {
            return;
        }

        var node = this;
        for (var i = 0; i < path.Count - 1; i++)
        {
            var entry = node.GetOrAdd(path[i]);
            node = entry.Children ??= new FieldSet();
        }

        node.GetOrAdd(path[^1]).Member = true;
    }

    public bool Contains(IReadOnlyList<PathElement> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var node = this;
        for (var i = 0; i < path.Count; i++)
        {
            if (node?.entries is null || !node.entries.TryGetValue(path[i], out var entry))
            {
                return false;
            }

            if (i == path.Count - 1)
            {
                return entry.Member;
            }

            node = entry.Children;
        }

        return false;
    }

    public FieldSet Union(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty)
        {
            return Clone();
        }

        var result = Clone();
        foreach (var (pe, theirs) in other.entries!)
        {
            var mine = result.GetOrAdd(pe);
            mine.Member |= theirs.Member;
            if (theirs.Children is { IsEmpty: false })
            {
                mine.Children = mine.Children is null ? theirs.Children : mine.Children.Union(theirs.Children);
            }
        }

        return result;
    }

    /// <summary>Paths in this set and not in <paramref name="other"/> (member-wise, like SMD's Difference).</summary>
    public FieldSet Difference(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new FieldSet();
        if (IsEmpty)
        {
            return result;
        }

        foreach (var (pe, mine) in entries!)
        {
            Entry? theirs = null;
            other.entries?.TryGetValue(pe, out theirs);
            var member = mine.Member && theirs?.Member != true;
            var children = mine.Children;
            if (children is not null && theirs?.Children is { IsEmpty: false } theirChildren)
            {
                children = children.Difference(theirChildren);
            }

            result.Put(pe, member, children);
        }

        return result;
    }

    public FieldSet Intersect(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new FieldSet();
        if (IsEmpty || other.IsEmpty)
        {
            return result;
        }

        var (small, large) = entries!.Count <= other.entries!.Count ? (this, other) : (other, this);
        foreach (var (pe, a) in small.entries!)
        {
            if (!large.entries!.TryGetValue(pe, out var b))
            {
                continue;
            }

            var children = a.Children is not null && b.Children is not null ? a.Children.Intersect(b.Children) : null;
            result.Put(pe, a.Member && b.Member, children);
        }

        return result;
    }

    /// <summary>Every path that is a member, in SMD's iteration order (a node's members, then its children).</summary>
    public IEnumerable<FieldPath> Paths()
    {
        var result = new List<FieldPath>();
        CollectPaths(new List<PathElement>(), result);
        return result;
    }

    /// <summary>Serializes to the fieldsV1 format, keys in SMD's order and "." marking a member that has children.</summary>
    public JsonObject ToJson() => ToJson(includeSelf: false);

    /// <summary>Formats a path like .spec.template.spec.containers[name="app"].image</summary>
    public static string FormatPath(IEnumerable<PathElement> path) => new FieldPath(path).ToString();

    public override string ToString() => ToJson().ToJsonString(PathElement.CanonicalOptions);

    internal FieldSet? Child(PathElement pe) =>
        entries is not null && entries.TryGetValue(pe, out var entry) ? entry.Children : null;

    internal bool HasMember(PathElement pe) =>
        entries is not null && entries.TryGetValue(pe, out var entry) && entry.Member;

    /// <summary>
    /// SMD's EnsureNamedFieldsAreMembers: a declared struct field with owned children counts as owned itself,
    /// so pruning can remove the whole field once nobody owns anything beneath it.
    /// </summary>
    internal FieldSet EnsureNamedFieldsAreMembers(TypeSchema schema)
    {
        var result = new FieldSet();
        if (IsEmpty)
        {
            return result;
        }

        foreach (var (pe, entry) in entries!)
        {
            var childSchema = SchemaShape.ChildSchema(schema, pe, out var declared);
            var children = entry.Children?.EnsureNamedFieldsAreMembers(childSchema);
            var hasChildren = children is { IsEmpty: false };
            result.Put(pe, entry.Member || (declared && hasChildren), children);
        }

        return result;
    }

    /// <summary>Copies the top level only; built sets are never mutated, so subtrees are shared.</summary>
    internal FieldSet Clone()
    {
        var result = new FieldSet();
        if (IsEmpty)
        {
            return result;
        }

        result.entries = new Dictionary<PathElement, Entry>(entries!.Count);
        foreach (var (pe, entry) in entries)
        {
            result.entries[pe] = new Entry { Member = entry.Member, Children = entry.Children };
        }

        return result;
    }

    internal IEnumerable<KeyValuePair<PathElement, (bool Member, FieldSet? Children)>> Entries() =>
        entries is null ? [] : entries.Select(e => KeyValuePair.Create(e.Key, (e.Value.Member, e.Value.Children)));

    private static FieldSet ParseNode(JsonObject node, out bool isMember)
    {
        isMember = node.Count == 0;
        var set = new FieldSet();
        foreach (var (key, value) in node)
        {
            if (key == ".")
            {
                isMember = true;
                continue;
            }

            if (value is not JsonObject child)
            {
                throw ApiException.BadRequest($"invalid managedFields: value of \"{key}\" must be an object");
            }

            var pe = PathElement.ParseFieldsV1Key(key);
            var children = ParseNode(child, out var childIsMember);
            set.Put(pe, childIsMember, children);
        }

        return set;
    }

    private JsonObject ToJson(bool includeSelf)
    {
        var json = new JsonObject();
        if (includeSelf)
        {
            json["."] = new JsonObject();
        }

        if (IsEmpty)
        {
            return json;
        }

        var keys = entries!.Keys.ToArray();
        Array.Sort(keys, static (a, b) => a.CompareTo(b));
        foreach (var pe in keys)
        {
            var entry = entries[pe];
            json[pe.ToFieldsV1Key()] = entry.Children is { IsEmpty: false } children
                ? children.ToJson(entry.Member)
                : new JsonObject();
        }

        return json;
    }

    private void CollectPaths(List<PathElement> prefix, List<FieldPath> into)
    {
        if (IsEmpty)
        {
            return;
        }

        var keys = entries!.Keys.ToArray();
        Array.Sort(keys, static (a, b) => a.CompareTo(b));
        foreach (var pe in keys)
        {
            if (entries[pe].Member)
            {
                prefix.Add(pe);
                into.Add(new FieldPath(prefix));
                prefix.RemoveAt(prefix.Count - 1);
            }
        }

        foreach (var pe in keys)
        {
            if (entries[pe].Children is { } children)
            {
                prefix.Add(pe);
                children.CollectPaths(prefix, into);
                prefix.RemoveAt(prefix.Count - 1);
            }
        }
    }

    private Entry GetOrAdd(PathElement pe)
    {
        entries ??= [];
        if (!entries.TryGetValue(pe, out var entry))
        {
            entry = new Entry();
            entries[pe] = entry;
        }

        return entry;
    }

    /// <summary>Stores an entry only when it carries something, keeping the invariant.</summary>
    private void Put(PathElement pe, bool member, FieldSet? children)
    {
        if (children is { IsEmpty: true })
        {
            children = null;
        }

        if (!member && children is null)
        {
            return;
        }

        entries ??= [];
        entries[pe] = new Entry { Member = member, Children = children };
    }

    private sealed class Entry
    {
        public bool Member { get; set; }

        public FieldSet? Children { get; set; }
    }
}
