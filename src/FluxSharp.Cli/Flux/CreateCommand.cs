using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluxSharp.Api;
using FluxSharp.Kubernetes.Client;
using k8s;
using k8s.Models;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp create source git NAME` and `fluxsharp create kustomization NAME`: build the object as flux does, then
/// print it (--export, no cluster needed) or create-or-update it and wait for Ready. Other kinds say not supported.
/// </summary>
internal static partial class CreateCommand
{
    // The one namespace create makes when it is missing, as `flux install` would have.
    private const string FluxNamespace = "flux-system";

    private static readonly Option<string> Interval = new("--interval") { Description = "source sync interval", DefaultValueFactory = _ => "1m", Recursive = true };
    private static readonly Option<bool> Export = new("--export") { Description = "export in YAML format to stdout", Recursive = true };
    private static readonly Option<string[]> Labels = new("--label") { Description = "set labels on the resource (can specify multiple labels with commas: label1=value1,label2=value2)", Recursive = true };

    public static Command Create()
    {
        var fetchTimeout = new Option<string?>("--fetch-timeout") { Description = "set a timeout for fetch operations performed by source-controller (e.g. 'git clone')", Recursive = true };
        var source = new Command("source", "Create or update sources")
        {
            fetchTimeout,
            SourceGit(fetchTimeout),
            SourceOci(fetchTimeout),
            PendingKind.HelmRepository.Command("helm", "Create or update a HelmRepository source"),
            PendingKind.HelmChart.Command("chart", "Create or update a HelmChart source"),
            PendingKind.Bucket.Command("bucket", "Create or update a Bucket source"),
        };
        var image = new Command("image", "Create or update resources dealing with image automation")
        {
            PendingKind.ImageRepository.Command("repository", "Create or update an ImageRepository object"),
            PendingKind.ImagePolicy.Command("policy", "Create or update an ImagePolicy object"),
            PendingKind.ImageUpdateAutomation.Command("update", "Create or update an ImageUpdateAutomation object"),
        };
        return new Command("create", "Create or update sources and resources")
        {
            Interval, Export, Labels, source, Kustomization(), image,
            PendingKind.HelmRelease.Command("helmrelease", "Create or update a HelmRelease resource", "hr"),
            PendingKind.Alert.Command("alert", "Create or update an Alert resource"),
            PendingKind.Provider.Command("alert-provider", "Create or update a Provider resource"),
            Receiver(),
            CreateSecretCommand.Create(),
        };
    }

    /// <summary>--export prints the object; otherwise it is created or updated (as flux: get, then create or update) and awaited.</summary>
    private static async Task<int> CreateOrExportAsync(ParseResult parse, FluxKind kind, JsonObject obj, CancellationToken cancellationToken)
    {
        obj = FluxExport.Clean(obj);
        if (parse.GetValue(Export))
        {
            Console.Out.Write(FluxExport.Yaml([obj]));
            return 0;
        }

        // flux calls the GitRepository "GitRepository source" in these messages, the Kustomization just "Kustomization".
        var what = kind == FluxKind.GitRepository ? "GitRepository source" : kind == FluxKind.OCIRepository ? "OCIRepository source" : kind.Kind;
        var name = FluxKind.NameOf(obj);
        return await ReconcileCommand.Run(parse, async (kube, ns, token) =>
        {
            Log.Generate($"generating {what}");
            Log.Action($"applying {what}");
            var created = await UpsertAsync(kube, kind, ns, obj, token);
            Log.Success($"{what} {(created ? "created" : "updated")}");
            Log.Waiting($"waiting for {what} reconciliation");
            var ready = await kind.WaitReadyAsync(new ResourceClient(kube, kind.Resource), ns, name, null, token);
            var revision = kind.Revision(ready);
            if (kind == FluxKind.Receiver)
            {
                Log.Success($"{what} {name} is ready");
                Log.Success($"generated webhook URL {(string?)ready["status"]?["webhookPath"]}");
            }
            else if (kind == FluxKind.GitRepository || kind == FluxKind.OCIRepository)
            {
                Log.Success($"{what} reconciliation completed");
                if (revision.Length == 0)
                {
                    throw new CliException($"{what} reconciliation completed but no artifact was found");
                }

                Log.Success($"fetched revision: {revision}");
            }
            else
            {
                Log.Success($"{what} {name} is ready");
                Log.Success($"applied revision {revision}");
            }
        }, cancellationToken);
    }

    /// <summary>Creates the object, or replaces an existing one's labels and spec; true when created.</summary>
    private static async Task<bool> UpsertAsync(k8s.Kubernetes kube, FluxKind kind, string ns, JsonObject obj, CancellationToken cancellationToken)
    {
        var resource = kind.Resource;
        var name = FluxKind.NameOf(obj);
        var existing = await FluxKind.Call(() => new ResourceClient(kube, resource).GetAsync(ns, name, cancellationToken));
        if (existing is null)
        {
            await CreateAsync(kube, resource, ns, obj, cancellationToken);
            return true;
        }

        var metadata = (JsonObject)existing["metadata"]!;
        metadata.Remove("labels");
        if (obj["metadata"]?["labels"] is { } labels)
        {
            metadata["labels"] = labels.DeepClone();
        }

        existing["spec"] = obj["spec"]?.DeepClone();
        await FluxKind.Call(() => kube.CustomObjects.ReplaceNamespacedCustomObjectAsync(existing, resource.Group, resource.Version, ns, resource.Plural, name, cancellationToken: cancellationToken));
        return false;
    }

    /// <summary>
    /// Creates the object. flux-system is the namespace `flux install` makes; on a cluster with only the CRDs applied
    /// (the README's quickstart) create makes it too, and says so. It is made only when the API answers that this
    /// namespace is missing (no read of namespaces, which a namespaced role may not allow); any other namespace
    /// stays the API's "not found".
    /// </summary>
    private static async Task CreateAsync(k8s.Kubernetes kube, ApiResource resource, string ns, JsonObject obj, CancellationToken cancellationToken)
    {
        Task<JsonObject> Create() => new ResourceClient(kube, resource).CreateAsync(ns, obj, null, cancellationToken);
        async Task<bool> CreatedUnlessNoFluxNamespace()
        {
            try
            {
                await Create();
                return true;
            }
            catch (KubeApiException e) when (ns == FluxNamespace && IsNamespaceNotFound(e))
            {
                return false;
            }
        }

        if (await FluxKind.Call(CreatedUnlessNoFluxNamespace))
        {
            return;
        }

        Log.Action($"creating namespace {ns} (not found; `flux install` would have made it)");
        var body = new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } };
        await FluxKind.Call(async () =>
        {
            try
            {
                return await kube.CoreV1.CreateNamespaceAsync(body, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (KubeApiException.From(e) is { IsConflict: true })
            {
                return body; // made meanwhile
            }
        });
        await FluxKind.Call(Create);
    }

    /// <summary>The API's 404 for a missing namespace (details.kind "namespaces"), not for a missing resource type.</summary>
    private static bool IsNamespaceNotFound(KubeApiException e) => e.IsNotFound && e.Details.Kind == "namespaces";

    public static Argument<string?> NameArgument(string kind) => new("name") { Description = $"the {kind}'s name", Arity = ArgumentArity.ZeroOrOne };

    /// <summary>flux's object name rule (RFC 1123 label, at least two characters).</summary>
    public static string ValidName(string? name) =>
        string.IsNullOrEmpty(name) ? throw new CliException("name is required")
        : ObjectName().IsMatch(name) ? name
        : throw new CliException($"name '{name}' is invalid, it should adhere to standard defined in RFC 1123, the name can only contain alphanumeric characters or '-'");

    public static V1ObjectMeta Metadata(ParseResult parse, string name)
    {
        var labels = ParseLabels(List(parse.GetValue(Labels)));
        return new V1ObjectMeta { Name = name, NamespaceProperty = GlobalOptions.NamespaceOf(parse), Labels = labels.Count > 0 ? labels : null };
    }

    public static bool Exporting(ParseResult parse) => parse.GetValue(Export);

    public static JsonObject ToJson(object value) => (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(value))!;

    /// <summary>A repeatable flag whose values may also be comma-separated (cobra's StringSlice).</summary>
    public static List<string> List(string[]? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    private static string IntervalOf(ParseResult parse) => DurationFlag("--interval", parse.GetValue(Interval) ?? "1m");

    /// <summary>A Go duration flag as flux's types write it ("1m" becomes "1m0s"); a bad value is a flag error (exit 2).</summary>
    private static string DurationFlag(string flag, string text) =>
        GoDuration.TryParse(text, out var value) ? FluxExport.FormatDuration(value) : throw InvalidDuration(flag, text);

    private static ArgumentException InvalidDuration(string flag, string text) => new($"{flag}: invalid duration \"{text}\"");

    /// <summary>flux's label rules: key=value, a qualified name and a valid label value.</summary>
    private static Dictionary<string, string> ParseLabels(List<string> labels)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var parts = label.Split('=');
            if (parts.Length != 2)
            {
                throw new CliException($"invalid label format '{label}', must be key=value");
            }

            var (key, value) = (parts[0], parts[1]);
            var slash = key.LastIndexOf('/');
            var (prefix, keyName) = slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
            if (keyName.Length is 0 or > 63 || !LabelValue().IsMatch(keyName) || (prefix is not null && (prefix.Length is 0 or > 253 || !DnsSubdomain().IsMatch(prefix))))
            {
                throw new CliException($"invalid label '{key}': a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'");
            }

            if (value.Length > 63 || (value.Length > 0 && !LabelValue().IsMatch(value)))
            {
                throw new CliException($"invalid label value '{value}': a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)");
            }

            result[key] = value;
        }

        return result;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9\\-]){0,61}[a-z0-9]$")]
    private static partial Regex ObjectName();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
