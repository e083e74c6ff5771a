using System.Globalization;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Flux;

/// <summary>A Flux kind the CLI handles: how flux names it in messages and where its revision is.</summary>
internal sealed record FluxKind(string Kind, ApiResource Resource, string CliName, string RevisionVerb, Func<JsonObject, string> Revision)
{
    public static readonly FluxKind GitRepository = new(
        "GitRepository",
        FluxResources.GitRepositories,
        "source git",
        "fetched revision",
        o => (string?)o["status"]?["artifact"]?["revision"] ?? string.Empty);

    public static readonly FluxKind OCIRepository = new(
        "OCIRepository",
        FluxResources.OCIRepositories,
        "source oci",
        "fetched revision",
        o => (string?)o["status"]?["artifact"]?["revision"] ?? string.Empty);

    public static readonly FluxKind Kustomization = new(
        "Kustomization",
        FluxResources.Kustomizations,
        "kustomization",
        "applied revision",
        o => (string?)o["status"]?["lastAppliedRevision"] ?? string.Empty);

    /// <summary>Receivers have no revision: flux prints their webhook path instead.</summary>
    public static readonly FluxKind Receiver = new(
        "Receiver",
        FluxResources.Receivers,
        "receiver",
        string.Empty,
        _ => string.Empty);

    /// <summary>Whether flux shows a revision for the kind (a REVISION column, "applied revision ..." lines).</summary>
    public bool HasRevision => RevisionVerb.Length > 0;

    public static string NameOf(JsonObject o) => (string?)o["metadata"]?["name"] ?? string.Empty;

    public static string NamespaceOf(JsonObject o) => (string?)o["metadata"]?["namespace"] ?? string.Empty;

    public static bool Suspended(JsonObject o) => (bool?)o["spec"]?["suspend"] ?? false;

    public static JsonObject? Condition(JsonObject o, string type) =>
        (o["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => string.Equals((string?)c["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>flux's statusAndMessage: the Ready condition, or False/"waiting to be reconciled" without one.</summary>
    public static (string Status, string Message) ReadyOf(JsonObject o) =>
        Condition(o, "Ready") is { } c ? ((string?)c["status"] ?? "Unknown", (string?)c["message"] ?? string.Empty) : ("False", "waiting to be reconciled");

    /// <summary>Go's time.RFC3339Nano, as flux writes requestedAt.</summary>
    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture);

    /// <summary>The object, or a <see cref="CliException"/> worded like kubectl's NotFound.</summary>
    public async Task<JsonObject> GetAsync(ResourceClient client, string ns, string name, CancellationToken cancellationToken) =>
        await Call(() => client.GetAsync(ns, name, cancellationToken))
        ?? throw new CliException($"{Resource} \"{name}\" not found in {ns} namespace; list them with `fluxsharp get {CliName} -n {ns}`");

    /// <summary>flux's "resource is suspended", saying how to resume it.</summary>
    public CliException SuspendedError(string ns, string name) =>
        new($"resource is suspended; run `fluxsharp resume {CliName} {name} -n {ns}` first");

    public async Task<List<JsonObject>> ListAsync(ResourceClient client, string? ns, CancellationToken cancellationToken) =>
        (await Call(() => client.ListAsync(ns, cancellationToken))).Items;

    public Task<JsonObject> PatchAsync(ResourceClient client, string ns, string name, JsonObject patch, CancellationToken cancellationToken) =>
        Call(() => client.MergePatchAsync(ns, name, patch, status: false, fieldManager: "flux-client-side-action", cancellationToken));

    /// <summary>
    /// Polls until the object has handled <paramref name="requestedAt"/> (null: any) and is Ready=True, as `flux reconcile` does;
    /// Ready=False once handled is a <see cref="CliException"/> with its message. Shows progress while it waits.
    /// </summary>
    public async Task<JsonObject> WaitReadyAsync(ResourceClient client, string ns, string name, string? requestedAt, CancellationToken cancellationToken)
    {
        var progress = new Log.Progress($"{Kind} {ns}/{name}");
        await using (progress)
        {
            while (true)
            {
                var obj = await GetAsync(client, ns, name, cancellationToken);
                var handled = requestedAt is null || (string?)obj["status"]?["lastHandledReconcileAt"] == requestedAt;
                var generation = (long?)obj["metadata"]?["generation"] ?? 0;

                // As flux: Ready speaks of the latest generation when its own observedGeneration says so (a failed
                // run leaves status.observedGeneration behind); the status' is the fallback.
                var observed = (long?)Condition(obj, "Ready")?["observedGeneration"] is { } readyGeneration and not 0
                    ? readyGeneration
                    : (long?)obj["status"]?["observedGeneration"] ?? -1;
                // Reconciling with ProgressingWithRetry is a failed attempt waiting for its retry, as flux reads it.
                var reconciling = Condition(obj, "Reconciling") is { } r && (string?)r["status"] == "True" && (string?)r["reason"] != "ProgressingWithRetry";
                if (handled && observed >= generation)
                {
                    var (status, message) = ReadyOf(obj);
                    if (!reconciling)
                    {
                        if (status == "True")
                        {
                            return obj;
                        }

                        if (status == "False" && Condition(obj, "Ready") is not null)
                        {
                            throw new CliException(message);
                        }
                    }

                    // Not there yet: say what Ready reports once the controller has finished a run (work in progress
                    // is not news, as flux prints nothing for it).
                    if (!reconciling)
                    {
                        progress.Report($"Ready={status}: {message}");
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    /// <summary>API failures become one line: the server's message, or why the cluster could not be reached.</summary>
    internal static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (KubeApiException.From(e) is { } api)
        {
            // Our client's errors and the official client's typed calls' alike: the server's message.
            throw new CliException(api.Message);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"unable to connect to the cluster: {e.Message}; is `fluxsharp dev` running? check --kubeconfig/KUBECONFIG");
        }
    }
}
