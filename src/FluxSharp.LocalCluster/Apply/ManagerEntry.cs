namespace FluxSharp.LocalCluster.Apply;

/// <summary>
/// One managedFields entry while it is being worked on. Its identity (<see cref="Id"/>) is what the
/// apiserver keys managers by: manager, operation and subresource, plus apiVersion for Update entries
/// (an applier keeps one entry whatever version it applies in).
/// </summary>
internal sealed class ManagerEntry
{
    public const string ApplyOperation = "Apply";
    public const string UpdateOperation = "Update";

    public ManagerEntry(string manager, string operation, string apiVersion, string? subresource, DateTimeOffset? time, FieldSet set)
    {
        Manager = manager;
        Operation = operation;
        ApiVersion = apiVersion;
        Subresource = string.IsNullOrEmpty(subresource) ? null : subresource;
        Time = time;
        Set = set;
        Id = MakeId(manager, operation, apiVersion, Subresource);
    }

    public string Manager { get; }

    public string Operation { get; }

    public string ApiVersion { get; }

    public string? Subresource { get; }

    public DateTimeOffset? Time { get; set; }

    public FieldSet Set { get; set; }

    public string Id { get; }

    public bool IsApply => Operation == ApplyOperation;

    public static string MakeId(string manager, string operation, string apiVersion, string? subresource) =>
        operation == ApplyOperation
            ? $"{manager}\n{operation}\n\n{subresource}"
            : $"{manager}\n{operation}\n{apiVersion}\n{subresource}";

    /// <summary>How conflict messages name the manager: "name" [with subresource "s"] [using apiVersion (Update only)].</summary>
    public string Describe()
    {
        var text = Quote(Manager);
        if (Subresource is not null)
        {
            text += $" with subresource {Quote(Subresource)}";
        }

        return IsApply ? text : $"{text} using {ApiVersion}";
    }

    private static string Quote(string s) => PathElement.Canonical(System.Text.Json.Nodes.JsonValue.Create(s));
}
