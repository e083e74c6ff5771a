using FluxSharp.LocalCluster.Schema;

namespace FluxSharp.LocalCluster.Apply;

/// <summary>A server-side apply (PATCH application/apply-patch+yaml) by <paramref name="Manager"/>.</summary>
/// <param name="ApiVersion">The apiVersion the manager wrote in; recorded in its managedFields entry.</param>
/// <param name="Subresource">"status", "scale"... when the apply targets a subresource; recorded in the entry.</param>
public sealed record ApplyRequest(string Manager, bool Force, string ApiVersion, TypeSchema Schema, DateTimeOffset Now, string? Subresource = null);

/// <summary>Any other write (create, update, json/merge/strategic patch) by <paramref name="Manager"/>.</summary>
public sealed record UpdateRequest(string Manager, string ApiVersion, TypeSchema Schema, DateTimeOffset Now, string? Subresource = null);
