using System.CommandLine;
using System.Globalization;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace FluxSharp.Cli.Flux;

/// <summary>A failure the user is told about in one line (as flux: "✗ message") with exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>kubectl/flux style global flags: --kubeconfig, --context, -n/--namespace, --timeout.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Kubeconfig = new("--kubeconfig") { Description = "path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)", Recursive = true };
    public static readonly Option<string?> Context = new("--context") { Description = "kubernetes context to use", Recursive = true };
    public static readonly Option<string> Namespace = new("--namespace", "-n") { Description = "the namespace scope for this operation", Recursive = true, DefaultValueFactory = _ => "flux-system" };
    public static readonly Option<string> Timeout = new("--timeout") { Description = "timeout for this operation (Go duration, e.g. 30s, 5m)", Recursive = true, DefaultValueFactory = _ => "5m" };

    /// <summary>Adds the global flags to a flux-like command and everything under it.</summary>
    public static Command With(Command command)
    {
        command.Options.Add(Kubeconfig);
        command.Options.Add(Context);
        command.Options.Add(Namespace);
        command.Options.Add(Timeout);
        return command;
    }

    public static string NamespaceOf(ParseResult parse) => parse.GetValue(Namespace) ?? "flux-system";

    public static TimeSpan TimeoutOf(ParseResult parse) => ParseDuration(parse.GetValue(Timeout) ?? "5m");

    /// <summary>
    /// A client for the kubeconfig and context the flags select; a missing file or context is a <see cref="CliException"/>.
    /// <paramref name="streaming"/> (watches, followed logs) lifts the client's per-request timeout so streams run until cancelled.
    /// </summary>
    public static k8s.Kubernetes Connect(ParseResult parse, bool streaming = false)
    {
        // As kubectl: --kubeconfig, else every existing file in $KUBECONFIG merged (the first wins), else ~/.kube/config.
        var flag = parse.GetValue(Kubeconfig);
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        string[] paths = !string.IsNullOrEmpty(flag) ? [flag]
            : !string.IsNullOrEmpty(env) ? env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            : [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")];
        var files = paths.Where(File.Exists).Select(p => new FileInfo(p)).ToArray();
        var path = string.Join(Path.PathSeparator, paths);
        if (files.Length == 0 || (!string.IsNullOrEmpty(flag) && files.Length != paths.Length))
        {
            throw new CliException($"kubeconfig file \"{path}\" does not exist; pass --kubeconfig or set KUBECONFIG (`fluxsharp dev` writes .fluxsharp/kubeconfig)");
        }

        var context = parse.GetValue(Context);
        try
        {
            var merged = Merge(files.Select(LoadKubeconfig).ToList());
            var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, currentContext: string.IsNullOrEmpty(context) ? null : context);
            if (streaming)
            {
                config.HttpClientTimeout = System.Threading.Timeout.InfiniteTimeSpan;
            }

            return new k8s.Kubernetes(config);
        }
        catch (KubeConfigException e)
        {
            throw new CliException(context is not null && e.Message.Contains(context, StringComparison.Ordinal)
                ? $"context \"{context}\" does not exist in kubeconfig \"{path}\""
                : Invalid(path, e));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            // A certificate file that is missing or unreadable, or *-data that is not base64 PEM.
            throw new CliException(Invalid(path, e));
        }
    }

    /// <summary>One line: the client's message for a failed exec plugin goes on with a stack trace.</summary>
    private static string Invalid(string path, Exception e) => $"invalid kubeconfig \"{path}\": {e.Message.Trim().Split('\n')[0].TrimEnd('\r')}";

    /// <summary>
    /// Reads a kubeconfig with a plain YamlDotNet deserializer: the client's own loader initialises its YAML support for
    /// every Kubernetes model type, seconds of start-up for a command that runs for milliseconds (bench/results/cli.md).
    /// Relative certificate and key paths are resolved against the file's directory, as kubectl does.
    /// </summary>
    private static K8SConfiguration LoadKubeconfig(FileInfo file)
    {
        K8SConfiguration config;
        try
        {
            config = KubeconfigYaml.Deserialize<K8SConfiguration?>(File.ReadAllText(file.FullName)) ?? new K8SConfiguration();
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            // A value of the wrong type says "Exception during deserialization"; what was wrong is the inner message.
            throw new KubeConfigException($"line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }

        var dir = file.DirectoryName ?? ".";
        string? Absolute(string? path) => string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path, dir);
        foreach (var cluster in config.Clusters ?? [])
        {
            if (cluster.ClusterEndpoint is { } endpoint)
            {
                endpoint.CertificateAuthority = Absolute(endpoint.CertificateAuthority);
            }
        }

        foreach (var user in config.Users ?? [])
        {
            if (user.UserCredentials is { } credentials)
            {
                credentials.ClientCertificate = Absolute(credentials.ClientCertificate);
                credentials.ClientKey = Absolute(credentials.ClientKey);
            }
        }

        config.FileName = file.FullName;
        return config;
    }

    private static readonly YamlDotNet.Serialization.IDeserializer KubeconfigYaml = new YamlDotNet.Serialization.DeserializerBuilder().IgnoreUnmatchedProperties().Build();

    /// <summary>kubectl's merge of several kubeconfig files: for each name, and for current-context, the first file wins.</summary>
    private static K8SConfiguration Merge(List<K8SConfiguration> configs)
    {
        var merged = configs[0];
        merged.CurrentContext = configs.Select(c => c.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c));
        merged.Clusters = [.. configs.SelectMany(c => c.Clusters ?? []).DistinctBy(c => c.Name)];
        merged.Contexts = [.. configs.SelectMany(c => c.Contexts ?? []).DistinctBy(c => c.Name)];
        merged.Users = [.. configs.SelectMany(c => c.Users ?? []).DistinctBy(u => u.Name)];
        return merged;
    }

    /// <summary>Go's time.ParseDuration for the units flux users write: ns, us, ms, s, m, h (e.g. 1h30m, 90s, 500ms).</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var s = text.Trim();
        if (s == "0")
        {
            return TimeSpan.Zero;
        }

        double totalMs = 0;
        var i = 0;
        if (s.Length == 0)
        {
            throw new ArgumentException($"--timeout: invalid duration \"{text}\"");
        }

        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            if (start == unitStart || !double.TryParse(s.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                throw new ArgumentException($"--timeout: invalid duration \"{text}\"");
            }

            totalMs += s[unitStart..i] switch
            {
                "ns" => value / 1e6,
                "us" or "µs" => value / 1e3,
                "ms" => value,
                "s" => value * 1e3,
                "m" => value * 60e3,
                "h" => value * 3600e3,
                _ => throw new ArgumentException($"--timeout: invalid duration \"{text}\""),
            };
        }

        return TimeSpan.FromMilliseconds(totalMs);
    }
}
