using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Cli.Install;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Sources.Git;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp bootstrap git`: flux bootstrap git. Writes the component and sync manifests to
/// &lt;path&gt;/flux-system/ of the repository (a commit only when something changed), creates the flux-system Secret,
/// installs the components, applies the sync objects and waits until they are Ready: from then on FluxSharp
/// manages itself from Git. Keys and passwords are never printed.
/// </summary>
internal static class BootstrapCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Git repository URL (ssh://, http(s):// or file://)" };
        var branch = new Option<string>("--branch") { Description = "Git branch", DefaultValueFactory = _ => "main" };
        var path = new Option<string>("--path") { Description = "path relative to the repository root, e.g. clusters/my-cluster" };
        var privateKeyFile = new Option<string?>("--private-key-file") { Description = "path to a private key file used for authenticating to the Git SSH server" };
        var keyAlgorithm = new Option<string>("--ssh-key-algorithm") { Description = "SSH public key algorithm (rsa, ecdsa, ed25519)", DefaultValueFactory = _ => "ecdsa" };
        var username = new Option<string>("--username", "-u") { Description = "basic authentication username", DefaultValueFactory = _ => "git" };
        var password = new Option<string?>("--password", "-p") { Description = "basic authentication password" };
        var tokenAuth = new Option<bool>("--token-auth") { Description = "when enabled, the password is used as a bearer token instead of basic authentication" };
        var authorName = new Option<string>("--author-name") { Description = "author name for Git commits", DefaultValueFactory = _ => "Flux" };
        var authorEmail = new Option<string>("--author-email") { Description = "author email for Git commits" };
        var silent = new Option<bool>("--silent", "-s") { Description = "assumes the deploy key is already setup, skips confirmation" };
        var components = new Option<string[]>("--components") { Description = "list of components, accepts comma-separated values", DefaultValueFactory = _ => [string.Join(",", InstallComponents.Available)] };
        var extra = new Option<string[]>("--components-extra") { Description = "list of components in addition to those supplied or defaulted, accepts comma-separated values" };
        var registry = new Option<string>("--registry") { Description = "container registry where the FluxSharp image is published", DefaultValueFactory = _ => "ghcr.io/fluxsharp" };
        var version = new Option<string>("--version", "-v") { Description = "image tag of the manager (default: this CLI's version)" };
        var git = new Command("git", "Deploy FluxSharp on a cluster connected to a Git repository")
        {
            url, branch, path, privateKeyFile, keyAlgorithm, username, password, tokenAuth, authorName, authorEmail, silent, components, extra, registry, version,
        };
        git.SetAction(async (parse, cancellationToken) =>
        {
            var repoUrl = parse.GetValue(url) ?? throw new CliException("url is required");
            var clusterPath = (parse.GetValue(path) ?? throw new CliException("path is required")).Trim().Trim('/');
            if (clusterPath.Length == 0 || clusterPath.Split('/').Any(s => s is ".." or "."))
            {
                throw new CliException($"path '{clusterPath}' must be a directory inside the repository, e.g. clusters/my-cluster");
            }

            var options = InstallCommand.OptionsOf(parse, parse.GetValue(components) ?? [], parse.GetValue(extra) ?? [], parse.GetValue(registry)!, parse.GetValue(version));
            var transport = TransportOf(repoUrl);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            var (auth, secret) = await CredentialsAsync(
                transport, repoUrl, parse.GetValue(privateKeyFile), parse.GetValue(keyAlgorithm)!, parse.GetValue(username)!, parse.GetValue(password), parse.GetValue(tokenAuth), parse.GetValue(silent), timeout.Token);

            var sync = SyncManifests.Objects(options.Namespace, repoUrl, parse.GetValue(branch)!, clusterPath, secret is null ? null : SyncManifests.Name);
            var dir = $"{clusterPath}/flux-system";
            var files = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [$"{dir}/gotk-components.yaml"] = ComponentManifests.Yaml(options),
                [$"{dir}/gotk-sync.yaml"] = SyncManifests.SyncYaml(sync),
                [$"{dir}/kustomization.yaml"] = SyncManifests.KustomizationYaml,
            };
            Log.Action("cloning branch \"" + parse.GetValue(branch) + "\" from Git repository \"" + GitSanitizer.RedactUrl(repoUrl) + "\"");
            var work = Path.Combine(Path.GetTempPath(), "fluxsharp-bootstrap-" + Guid.NewGuid().ToString("N")[..12]);
            GitPushResult pushed;
            try
            {
                pushed = await new GitClient().CommitAndPushAsync(
                    new GitPushRequest(repoUrl, parse.GetValue(branch)!)
                    {
                        Auth = auth,
                        Files = files,
                        AuthorName = parse.GetValue(authorName)!,
                        AuthorEmail = parse.GetValue(authorEmail) ?? string.Empty,
                        Message = $"Add FluxSharp {options.Version} component and sync manifests",
                        Timeout = GlobalOptions.TimeoutOf(parse),
                    },
                    work,
                    timeout.Token);
            }
            catch (GitOperationException e)
            {
                throw new CliException($"pushing the manifests to the Git repository failed: {e.Message}");
            }
            finally
            {
                DeleteQuietly(work);
            }

            if (pushed.Committed)
            {
                Log.Success($"committed component and sync manifests to \"{parse.GetValue(branch)}\" (\"{pushed.Commit}\")");
                Log.Success("pushed component and sync manifests");
            }
            else
            {
                Log.Success("component and sync manifests are up to date");
            }

            using var kube = GlobalOptions.Connect(parse);
            var client = new KubeClient(kube);
            Log.Action("installing components in \"" + options.Namespace + "\" namespace");
            var objects = ComponentManifests.Objects(options);
            await Installer.ApplyAsync(client, objects, timeout.Token);
            await Installer.WaitReadyAsync(client, objects, timeout.Token);
            if (secret is not null)
            {
                Log.Action("configuring deploy key");
                secret["metadata"] = new JsonObject { ["name"] = SyncManifests.Name, ["namespace"] = options.Namespace };
                await ApplyOrFailAsync(client, new ApiResource("", "v1", "secrets", "Secret"), options.Namespace, secret, timeout.Token);
                Log.Success("configured deploy key \"flux-system\" for \"" + GitSanitizer.RedactUrl(repoUrl) + "\"");
            }

            Log.Action("applying source secret and sync manifests");
            await ApplyOrFailAsync(client, FluxResources.GitRepositories, options.Namespace, sync[0], timeout.Token);
            await ApplyOrFailAsync(client, FluxResources.Kustomizations, options.Namespace, sync[1], timeout.Token);
            Log.Success("reconciled sync configuration");
            Log.Waiting("waiting for GitRepository \"" + options.Namespace + "/flux-system\" to be reconciled");
            await WaitReadyAsync(client, FluxResources.GitRepositories, options.Namespace, timeout.Token);
            Log.Success("GitRepository reconciled successfully");
            Log.Waiting("waiting for Kustomization \"" + options.Namespace + "/flux-system\" to be reconciled");
            await WaitReadyAsync(client, FluxResources.Kustomizations, options.Namespace, timeout.Token);
            Log.Success("Kustomization reconciled successfully");
            Log.Success("bootstrap finished");
            return 0;
        });
        return new Command("bootstrap", "Deploy FluxSharp on a cluster the GitOps way") { git };
    }

    private static GitTransport TransportOf(string url)
    {
        try
        {
            return GitAuth.TransportOf(url);
        }
        catch (GitOperationException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>The credentials git uses and the flux-system Secret's data (null for file://, which needs none).</summary>
    private static async Task<(GitAuth? Auth, JsonObject? Secret)> CredentialsAsync(
        GitTransport transport, string url, string? keyFile, string algorithm, string username, string? password, bool tokenAuth, bool silent, CancellationToken cancellationToken)
    {
        switch (transport)
        {
            case GitTransport.File:
                return (null, null);
            case GitTransport.Http or GitTransport.Https:
                if (string.IsNullOrEmpty(password))
                {
                    return (null, null);
                }

                var http = tokenAuth ? new GitAuth { Transport = transport, BearerToken = password } : GitAuth.Basic(url, username, password);
                var data = tokenAuth ? new JsonObject { ["bearerToken"] = password } : new JsonObject { ["username"] = username, ["password"] = password };
                return (http, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["type"] = "Opaque", ["stringData"] = data });
            default:
                var key = keyFile is not null ? await ReadKeyAsync(keyFile, cancellationToken) : await GenerateKeyAsync(algorithm, cancellationToken);
                var publicKey = await RunAsync("ssh-keygen", ["-y", "-f", key.Path], cancellationToken);
                if (keyFile is null)
                {
                    DeleteQuietly(Path.GetDirectoryName(key.Path)!);
                    // As flux: the generated deploy key's public half is printed for the user to add (read-only) to the repository.
                    Log.Action($"deploy key: {publicKey.Trim()}");
                    if (!silent)
                    {
                        Log.Action("please make sure the deploy key has read access to the repository");
                    }
                }

                var uri = new Uri(url);
                var knownHosts = await RunAsync("ssh-keyscan", ["-p", (uri.Port > 0 ? uri.Port : 22).ToString(System.Globalization.CultureInfo.InvariantCulture), uri.Host], cancellationToken);
                var ssh = new GitAuth { Transport = transport, Identity = key.Bytes, KnownHosts = Encoding.UTF8.GetBytes(knownHosts) };
                return (ssh, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Secret",
                    ["type"] = "Opaque",
                    ["stringData"] = new JsonObject { ["identity"] = Encoding.UTF8.GetString(key.Bytes), ["identity.pub"] = publicKey, ["known_hosts"] = knownHosts },
                });
        }
    }

    private static async Task<(string Path, byte[] Bytes)> ReadKeyAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            return (file, await File.ReadAllBytesAsync(file, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"unable to read private key file {file}: {e.Message}");
        }
    }

    private static async Task<(string Path, byte[] Bytes)> GenerateKeyAsync(string algorithm, CancellationToken cancellationToken)
    {
        string[] type = algorithm switch
        {
            "ed25519" => ["-t", "ed25519"],
            "ecdsa" => ["-t", "ecdsa", "-b", "384"],
            "rsa" => ["-t", "rsa", "-b", "2048"],
            _ => throw new CliException($"unsupported --ssh-key-algorithm '{algorithm}', can be: rsa, ecdsa, ed25519"),
        };
        var dir = Directory.CreateTempSubdirectory("fluxsharp-key-").FullName;
        var file = Path.Combine(dir, "identity");
        await RunAsync("ssh-keygen", [.. type, "-q", "-N", "", "-C", "fluxsharp", "-f", file], cancellationToken);
        return (file, await File.ReadAllBytesAsync(file, cancellationToken));
    }

    /// <summary>Runs a tool (ssh-keygen, ssh-keyscan); its output holds public material only, never the private key.</summary>
    private static async Task<string> RunAsync(string tool, string[] args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new CliException($"cannot start {tool}");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new CliException($"{tool} did not finish in time");
        }

        if (p.ExitCode != 0)
        {
            throw new CliException($"{tool} failed: {(await stderr).Trim()}");
        }

        return await stdout;
    }

    private static async Task ApplyOrFailAsync(KubeClient client, ApiResource resource, string ns, JsonObject obj, CancellationToken cancellationToken)
    {
        try
        {
            await client.ApplyAsync(resource, ns, (string)obj["metadata"]!["name"]!, obj, ComponentManifests.FieldManager, force: true, cancellationToken);
        }
        catch (Exception e) when (KubeApiException.From(e) is { } api)
        {
            throw new CliException($"applying {resource.Kind}/{obj["metadata"]!["name"]} failed: {api.Message}");
        }
    }

    /// <summary>Waits for Ready=True at the current generation; a Ready=False with a stalled reason is reported as it is.</summary>
    private static async Task WaitReadyAsync(KubeClient client, ApiResource resource, string ns, CancellationToken cancellationToken)
    {
        string last = "not reconciled yet";
        try
        {
            while (true)
            {
                var obj = await client.GetAsync(resource, ns, SyncManifests.Name, cancellationToken);
                var ready = (obj?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Ready");
                var observed = (long?)obj?["status"]?["observedGeneration"] ?? -1;
                var generation = (long?)obj?["metadata"]?["generation"] ?? 0;
                if (ready is not null && observed >= generation)
                {
                    if ((string?)ready["status"] == "True")
                    {
                        return;
                    }

                    last = (string?)ready["message"] ?? last;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"timeout waiting for {resource.Kind} {ns}/{SyncManifests.Name} to be ready: {last}");
        }
    }

    private static void DeleteQuietly(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind is harmless (a generated key is also in the Secret).
        }
    }
}
