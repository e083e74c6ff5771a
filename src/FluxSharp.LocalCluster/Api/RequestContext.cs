namespace FluxSharp.LocalCluster.Api;

/// <summary>How unknown fields in a write are treated (the fieldValidation query parameter).</summary>
public enum FieldValidation
{
    Ignore,
    Warn,
    Strict,
}

/// <summary>Per-request options that every write honours.</summary>
public sealed class RequestContext
{
    /// <summary>The impersonated identity; null for the (unimpersonated) cluster admin.</summary>
    public Authorization.UserInfo? User { get; init; }

    public bool DryRun { get; init; }

    /// <summary>The field manager for managedFields (fieldManager parameter, else derived from the User-Agent).</summary>
    public string FieldManager { get; init; } = "unknown";

    public FieldValidation FieldValidation { get; init; } = FieldValidation.Warn;

    /// <summary>Warnings returned to the client as `Warning: 299 - "..."` headers.</summary>
    public List<string> Warnings { get; } = [];

    public static RequestContext Internal(string manager) => new() { FieldManager = manager, FieldValidation = FieldValidation.Ignore };
}
