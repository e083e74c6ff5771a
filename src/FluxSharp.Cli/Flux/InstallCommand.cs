using System.CommandLine;
using System.Text.RegularExpressions;
using FluxSharp.Cli.Install;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp install`: flux install. Generates the component manifests from the code, applies them with server-side
/// apply and waits until the CRDs are Established and the manager is Ready; --export prints them instead.
/// </summary>
internal static partial class InstallCommand
{
    public static Command Create()
    {
        var export = new Option<bool>("--export") { Description = "write the install manifests to stdout and exit" };
        var components = new Option<string[]>("--components")
        {
            Description = "list of components, accepts comma-separated values",
            DefaultValueFactory = _ => [string.Join(",", InstallComponents.Available)],
            AllowMultipleArgumentsPerToken = false,
        };
        var extra = new Option<string[]>("--components-extra") { Description = "list of components in addition to those supplied or defaulted, accepts comma-separated values" };
        var registry = new Option<string>("--registry") { Description = "container registry where the FluxSharp image is published", DefaultValueFactory = _ => "ghcr.io/fluxsharp" };
        var version = new Option<string>("--version", "-v") { Description = "image tag of the manager (default: this CLI's version)" };
        var command = new Command("install", "Install or upgrade FluxSharp") { export, components, extra, registry, version };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = OptionsOf(parse, parse.GetValue(components) ?? [], parse.GetValue(extra) ?? [], parse.GetValue(registry)!, parse.GetValue(version));
            if (parse.GetValue(export))
            {
                await Console.Out.WriteAsync(ComponentManifests.Yaml(options));
                return 0;
            }

            Log.Generate("generating manifests");
            var objects = ComponentManifests.Objects(options);
            Log.Success("manifests build completed");
            Log.Action($"installing components in {options.Namespace} namespace");
            using var kube = GlobalOptions.Connect(parse);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            var client = new KubeClient(kube);
            await Installer.ApplyAsync(client, objects, timeout.Token);
            Log.Success("install completed");
            Log.Waiting("verifying installation");
            await Installer.WaitReadyAsync(client, objects, timeout.Token);
            Log.Success("install finished");
            return 0;
        });
        return command;
    }

    /// <summary>The install options from the flags; bad values fail before anything is generated.</summary>
    public static InstallOptions OptionsOf(ParseResult parse, string[] components, string[] extra, string registry, string? version)
    {
        var ns = GlobalOptions.NamespaceOf(parse);
        if (!Rfc1123Label().IsMatch(ns))
        {
            throw new CliException($"namespace '{ns}' is invalid, it should adhere to standard defined in RFC 1123");
        }

        if (!RegistryPattern().IsMatch(registry))
        {
            throw new CliException($"registry '{registry}' is not a valid image repository");
        }

        var tag = version ?? Installer.ClientVersion;
        if (!TagPattern().IsMatch(tag))
        {
            throw new CliException($"version '{tag}' is not a valid image tag");
        }

        return new InstallOptions
        {
            Namespace = ns,
            Registry = registry,
            Version = tag,
            Components = InstallComponents.Select(components, extra),
        };
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Rfc1123Label();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9._:/-]*$")]
    private static partial Regex RegistryPattern();

    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();
}
