using System.CommandLine;
using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;

namespace FluxSharp.Cli.Flux;

// create kustomization.
internal static partial class CreateCommand
{
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
            if (!parse.GetValue(Export) && sourceRef.Kind is not ("GitRepository" or "OCIRepository"))
            {
                // Nothing half-made: a Kustomization whose source kind FluxSharp cannot serve would never get Ready.
                throw PendingKind.Bucket.NotSupported();
            }

            return CreateOrExportAsync(parse, FluxKind.Kustomization, ToJson(kustomization), ct);
        });
        return command;
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
}
