using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Kubernetes.Apply;

/// <summary>What was done to one object (Flux's ssa actions).</summary>
public enum ChangeAction
{
    Created,
    Configured,
    Unchanged,
    Deleted,
    Skipped,
    Unknown,
}

/// <summary>The result for one object; <see cref="ToString"/> is Flux's "Kind/namespace/name action".</summary>
public sealed record ChangeSetEntry(InventoryEntry Entry, ChangeAction Action)
{
    public ObjectRef Ref => Entry.Ref;

    /// <summary>Kind/namespace/name.</summary>
    public string Subject => Entry.Ref.ToString();

    public static string ActionName(ChangeAction action) => action.ToString().ToLowerInvariant();

    public override string ToString() => $"{Subject} {ActionName(Action)}";
}

/// <summary>The results of an apply or delete of a set of objects, in the order they were handled.</summary>
public sealed class ChangeSet
{
    private readonly List<ChangeSetEntry> _entries = [];

    public IReadOnlyList<ChangeSetEntry> Entries => _entries;

    public void Add(ChangeSetEntry entry) => _entries.Add(entry);

    public void Append(IEnumerable<ChangeSetEntry> entries) => _entries.AddRange(entries);

    /// <summary>True when something was created, configured or deleted.</summary>
    public bool HasChanges => _entries.Exists(e => e.Action is ChangeAction.Created or ChangeAction.Configured or ChangeAction.Deleted);

    public ChangeAction? ActionFor(string subject) => _entries.Find(e => e.Subject == subject)?.Action;

    /// <summary>Subject → action name, as Flux logs it.</summary>
    public IReadOnlyDictionary<string, string> ToMap() => _entries.GroupBy(e => e.Subject).ToDictionary(g => g.Key, g => ChangeSetEntry.ActionName(g.Last().Action));

    /// <summary>One line per entry that changed something (what Flux puts in its events).</summary>
    public string ChangesSummary() => string.Join('\n', _entries.Where(e => e.Action is not (ChangeAction.Unchanged or ChangeAction.Skipped)));

    public override string ToString() => string.Join('\n', _entries);
}
