using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Api.Source.V1;
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
            PendingKind.OCIRepository.Command("oci", "Create or update an OCIRepository"),
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
            PendingKind.Receiver.Command("receiver", "Create or update a Receiver resource"),
            CreateSecretCommand.Create(),
        };
    }

    private static Command SourceGit(Option<string?> fetchTimeout)
    {
        var name = NameArgument("GitRepository");
        var url = new Option<string?>("--url") { Description = "git address, e.g. ssh://git@host/org/repository" };
        var branch = new Option<string?>("--branch") { Description = "git branch" };
        var tag = new Option<string?>("--tag") { Description = "git tag" };
        var semver = new Option<string?>("--tag-semver") { Description = "git tag semver range" };
        var refName = new Option<string?>("--ref-name") { Description = "git reference name" };
        var commit = new Option<string?>("--commit") { Description = "git commit" };
        var secretRef = new Option<string?>("--secret-ref") { Description = "the name of an existing secret containing SSH or basic credentials" };
        var provider = new Option<string?>("--provider") { Description = "the Git provider name: generic|github|aws|azure" };
        provider.AcceptOnlyFromAmong(GitProviders.Generic, GitProviders.GitHub, GitProviders.Aws, GitProviders.Azure);
        var recurse = new Option<bool>("--recurse-submodules") { Description = "when enabled, configures the GitRepository source to initialize and include Git submodules in the artifact it produces" };
        var ignorePaths = new Option<string[]>("--ignore-paths") { Description = "set paths to ignore in git resource (can specify multiple paths with commas: path1,path2)" };
        var sparse = new Option<string[]>("--sparse-checkout-paths") { Description = "set paths to sparse checkout in git resource (can specify multiple paths with commas: path1,path2)" };
        var command = new Command("git", "Create or update a GitRepository source")
        {
            name, url, branch, tag, semver, refName, commit, secretRef, provider, recurse, ignorePaths, sparse,
        };
        command.SetAction((parse, ct) =>
        {
            var objectName = ValidName(parse.GetValue(name));
            var address = parse.GetValue(url);
            if (string.IsNullOrEmpty(address))
            {
                throw new CliException("url is required");
            }

            ValidateGitUrl(address);
            string? Value(Option<string?> o) => parse.GetValue(o) is { Length: > 0 } v ? v : null;
            if (Value(branch) is null && Value(tag) is null && Value(semver) is null && Value(commit) is null && Value(refName) is null)
            {
                throw new CliException("a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver");
            }

            // One ref field, in flux's precedence; a commit may keep its branch (a shallow clone of that branch).
            var reference = Value(commit) is { } sha ? new GitRepositoryRef { Commit = sha, Branch = Value(branch) }
                : Value(refName) is { } refn ? new GitRepositoryRef { Name = refn }
                : Value(semver) is { } range ? new GitRepositoryRef { SemVer = range }
                : Value(tag) is { } t ? new GitRepositoryRef { Tag = t }
                : new GitRepositoryRef { Branch = Value(branch) };
            var ignore = List(parse.GetValue(ignorePaths));
            var sparsePaths = List(parse.GetValue(sparse));
            var repository = new GitRepository
            {
                Metadata = Metadata(parse, objectName),
                Spec = new GitRepositorySpec
                {
                    Url = address,
                    Interval = IntervalOf(parse),
                    Timeout = Value(fetchTimeout) is { } ft ? DurationFlag("--fetch-timeout", ft) : null,
                    Reference = reference,
                    SecretRef = Value(secretRef) is { } secret ? new LocalObjectReference { Name = secret } : null,
                    Provider = Value(provider),
                    RecurseSubmodules = parse.GetValue(recurse),
                    Ignore = ignore.Count > 0 ? string.Join('\n', ignore) : null,
                    SparseCheckout = sparsePaths.Count > 0 ? sparsePaths : null,
                },
            };
            return CreateOrExportAsync(parse, FluxKind.GitRepository, ToJson(repository), ct);
        });
        return command;
    }

    private static Command Kustomization()
    {
        var name = NameArgument("Kustomization");
        var source = new Option<string?>("--source") { Description = "source that contains the Kubernetes manifests in the format '[<kind>/]<name>.<namespace>', where kind must be one of: (OCIRepository, GitRepository, Bucket), if kind is not specified it defaults to GitRepository" };
        var path = new Option<string>("--path") { Description = "path to the directory containing a kustomization.yaml file", DefaultValueFactory = _ => "./" };
        var prune = new Option<bool>("--prune") { Description = "enable garbage collection" };
        var wait = new Option<bool>("--wait") { Description = "enable health checking of all the applied resources" };
        var healthCheck = new Option<string[]>("--health-check") { Description = "workload to be included in the health assessment, in the format '<kind>/<name>.<namespace>'" };
        var healthTimeout = new Option<string>("--health-check-timeout") { Description = "timeout of health checking operations", DefaultValueFactory = _ => "2m" };
        var dependsOn = new Option<string[]>("--depends-on") { Description = "Kustomization that must be ready before this Kustomization can be applied, supported formats '<name>' and '<namespace>/<name>', also accepts comma-separated values" };
        var serviceAccount = new Option<string?>("--service-account") { Description = "the name of the service account to impersonate when reconciling this Kustomization" };
        var targetNamespace = new Option<string?>("--target-namespace") { Description = "overrides the namespace of all Kustomization objects reconciled by this Kustomization" };
        var kubeConfigSecret = new Option<string?>("--kubeconfig-secret-ref") { Description = "the name of the Kubernetes Secret that contains a key with the kubeconfig file for connecting to a remote cluster" };
        var retryInterval = new Option<string?>("--retry-interval") { Description = "the interval at which to retry a previously failed reconciliation" };
        var command = new Command("kustomization", "Create or update a Kustomization resource")
        {
            name, source, path, prune, wait, healthCheck, healthTimeout, dependsOn, serviceAccount, targetNamespace, kubeConfigSecret, retryInterval,
        };
        command.Aliases.Add("ks");
        command.SetAction((parse, ct) =>
        {
            var objectName = ValidName(parse.GetValue(name));
            if (string.IsNullOrWhiteSpace(parse.GetValue(source)))
            {
                throw new CliException("source is required");
            }

            var sourceRef = ParseSource(parse.GetValue(source)!);
            var timeout = DurationFlag("--health-check-timeout", parse.GetValue(healthTimeout) ?? "2m");
            var checks = parse.GetValue(wait) ? [] : List(parse.GetValue(healthCheck)).Select(ParseHealthCheck).ToList();
            var dependencies = List(parse.GetValue(dependsOn)).Select(d => d.Split('/') is [var ns, var n, ..] ? new DependencyReference { Namespace = ns, Name = n } : new DependencyReference { Name = d }).ToList();
            var kustomization = new Kustomization
            {
                Metadata = Metadata(parse, objectName),
                Spec = new KustomizationSpec
                {
                    Interval = IntervalOf(parse),
                    Path = SafeRelativePath(parse.GetValue(path) ?? "./"),
                    Prune = parse.GetValue(prune),
                    SourceRef = sourceRef,
                    TargetNamespace = parse.GetValue(targetNamespace) is { Length: > 0 } target ? target : null,
                    DependsOn = dependencies.Count > 0 ? dependencies : null,
                    HealthChecks = checks.Count > 0 ? checks : null,
                    Wait = parse.GetValue(wait),
                    // flux bounds health checking by --health-check-timeout whenever there is any.
                    Timeout = parse.GetValue(wait) || checks.Count > 0 ? timeout : null,
                    ServiceAccountName = parse.GetValue(serviceAccount) is { Length: > 0 } sa ? sa : null,
                    KubeConfig = parse.GetValue(kubeConfigSecret) is { Length: > 0 } kc ? new KubeConfigReference { SecretRef = new SecretKeyReference { Name = kc } } : null,
                    RetryInterval = parse.GetValue(retryInterval) is { Length: > 0 } retry && DurationFlag("--retry-interval", retry) is not "0s" and var every ? every : null,
                },
            };
            if (!parse.GetValue(Export) && sourceRef.Kind != FluxKind.GitRepository.Kind)
            {
                // Nothing half-made: a Kustomization whose source kind FluxSharp cannot serve would never get Ready.
                throw (sourceRef.Kind == "OCIRepository" ? PendingKind.OCIRepository : PendingKind.Bucket).NotSupported();
            }

            return CreateOrExportAsync(parse, FluxKind.Kustomization, ToJson(kustomization), ct);
        });
        return command;
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
        var what = kind == FluxKind.GitRepository ? "GitRepository source" : kind.Kind;
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
            if (kind == FluxKind.GitRepository)
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

    private static void ValidateGitUrl(string url)
    {
        var scheme = UrlScheme().Match(url) is { Success: true } m ? m.Groups[1].Value : string.Empty;
        if (scheme is not ("ssh" or "http" or "https" or "file"))
        {
            throw new CliException($"git URL scheme '{scheme}' not supported, can be: ssh, http, https and file");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (scheme != "file" && uri.Host.Length == 0))
        {
            // The URL may carry user:password@; it is never printed with it.
            throw new CliException($"git URL parse failed: \"{FluxSharp.Sources.Git.GitSanitizer.RedactUrl(url)}\" is not a valid URL");
        }
    }

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

    /// <summary>flux's --source: [Kind/]name[.namespace], the kind GitRepository when not given, matched case-insensitively.</summary>
    private static CrossNamespaceSourceReference ParseSource(string text)
    {
        string[] kinds = ["OCIRepository", "GitRepository", "Bucket"];
        var (kind, name) = text.Split('/') is [var k, var n] ? (k, n) : (string.Empty, text);
        string? ns = null;
        if (name.Split('.') is { Length: > 1 } parts)
        {
            name = string.Join('.', parts[..^1]);
            ns = parts[^1];
        }

        if (name.Length == 0)
        {
            throw new ArgumentException($"--source: no name given for source of kind '{kind}'");
        }

        if (kind.Length == 0)
        {
            if (kinds.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"--source: no kind specified for source '{name}'");
            }

            kind = FluxKind.GitRepository.Kind;
        }

        var clean = kinds.FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--source: source kind '{kind}' is not supported, must be one of: {string.Join(", ", kinds)}");
        return new CrossNamespaceSourceReference { Kind = clean, Name = name, Namespace = string.IsNullOrEmpty(ns) ? null : ns };
    }

    private static NamespacedObjectKindReference ParseHealthCheck(string check)
    {
        if (check.Split('/') is not [var kind, var nameNs])
        {
            throw new CliException($"invalid health check '{check}' must be in the format 'kind/name.namespace'");
        }

        if (kind is not ("Deployment" or "DaemonSet" or "StatefulSet" or "HelmRelease"))
        {
            throw new CliException($"invalid health check kind '{kind}' can be HelmRelease, Deployment, DaemonSet or StatefulSet");
        }

        if (nameNs.Split('.') is not [var name, var ns])
        {
            throw new CliException($"invalid health check '{check}' must be in the format 'kind/name.namespace'");
        }

        return new NamespacedObjectKindReference { ApiVersion = kind == "HelmRelease" ? "helm.toolkit.fluxcd.io/v2" : null, Kind = kind, Name = name, Namespace = ns };
    }

    /// <summary>flux's SafeRelativePath: the path flattened inside the source root ("..", "." and empty segments dropped), with a "./" prefix.</summary>
    private static string SafeRelativePath(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Trim().Replace('\\', '/').Split('/'))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment is not ("" or "."))
            {
                segments.Add(segment);
            }
        }

        return "./" + string.Join('/', segments);
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9\\-]){0,61}[a-z0-9]$")]
    private static partial Regex ObjectName();

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.\\-]*)://")]
    private static partial Regex UrlScheme();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
