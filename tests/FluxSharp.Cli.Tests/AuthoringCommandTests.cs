namespace FluxSharp.Cli.Tests;

/// <summary>`fluxsharp create`, `export` and `delete` against a running `fluxsharp dev`, compared with flux's output.</summary>
public sealed class AuthoringCommandTests(FluxDevFixture dev) : IClassFixture<FluxDevFixture>, IDisposable
{
    private const string Revision = "main@sha1:[0-9a-f]{40}";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fluxsharp-authoring-tests", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public async Task CreateSourceAndKustomizationWaitForReadyThenDeleteAsksFirst()
    {
        var ns = await NamespaceAsync("authored");
        var url = await Authoring.GitRepositoryAsync(Path.Combine(_dir, "repo"), new Dictionary<string, string>
        {
            ["configmap.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: authored\ndata:\n  greeting: hello\n",
        });

        var source = await Run(null, "create", "source", "git", "app", "--url", url, "--branch", "main", "--label", "team=a", "-n", ns, "--timeout", "90s");
        Assert.True(source.ExitCode == 0, source.Stderr);
        Assert.Matches(
            "^✚ generating GitRepository source\n► applying GitRepository source\n✔ GitRepository source created\n◎ waiting for GitRepository source reconciliation\n"
            + "✔ GitRepository source reconciliation completed\n✔ fetched revision: " + Revision + "\n$",
            source.Stderr);
        var table = await Run(null, "get", "sources", "git", "-n", ns);
        Assert.Matches("\napp +\t" + "main@sha1:[0-9a-f]{8}\tFalse    \tTrue \tstored artifact", table.Stdout);
        Assert.Equal("a", await Kubectl("get", "gitrepository", "app", "-n", ns, "-o", "jsonpath={.metadata.labels.team}"));

        var ks = await Run(null, "create", "ks", "app", "--source=GitRepository/app", "--path=./", "--prune=true", "--target-namespace", ns, "-n", ns, "--timeout", "90s");
        Assert.True(ks.ExitCode == 0, ks.Stderr);
        Assert.Matches(
            "^✚ generating Kustomization\n► applying Kustomization\n✔ Kustomization created\n◎ waiting for Kustomization reconciliation\n"
            + "✔ Kustomization app is ready\n✔ applied revision " + Revision + "\n$",
            ks.Stderr);
        Assert.Equal("hello", await Kubectl("get", "configmap", "authored", "-n", ns, "-o", "jsonpath={.data.greeting}"));

        // Again with another interval: the same object is updated, not created.
        var again = await Run(null, "create", "source", "git", "app", "--url", url, "--branch", "main", "--interval", "2m", "-n", ns, "--timeout", "90s");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("✔ GitRepository source updated\n", again.Stderr, StringComparison.Ordinal);
        Assert.Equal("2m0s", await Kubectl("get", "gitrepository", "app", "-n", ns, "-o", "jsonpath={.spec.interval}"));
        Assert.Equal(string.Empty, await Kubectl("get", "gitrepository", "app", "-n", ns, "-o", "jsonpath={.metadata.labels}"));

        // Anything but y/yes keeps the object.
        var declined = await Run("n\n", "delete", "ks", "app", "-n", ns);
        Assert.Equal(1, declined.ExitCode);
        Assert.Equal("? Are you sure you want to delete this kustomization? [y/N] ✗ aborting\n", declined.Stderr);
        Assert.Equal("app", await Kubectl("get", "kustomization", "app", "-n", ns, "-o", "jsonpath={.metadata.name}"));
        var noInput = await Run(string.Empty, "delete", "source", "git", "app", "-n", ns);
        Assert.Equal(1, noInput.ExitCode);
        Assert.EndsWith("✗ aborting\n", noInput.Stderr, StringComparison.Ordinal);
        // No stdin at all (fd 0 closed): declined at once, not a read of whatever the runtime opened as fd 0.
        var closed = await Authoring.RunWithStdinClosedAsync(dev.Kubeconfig, "delete", "source", "git", "app", "-n", ns, "--timeout", "60s");
        Assert.Equal(1, closed.ExitCode);
        Assert.Equal("? Are you sure you want to delete this source git? [y/N] \n✗ aborting\n", closed.Stderr);

        // "yes" deletes; the Kustomization is gone only after its finalizer pruned what it applied.
        var confirmed = await Run("yes\n", "delete", "kustomization", "app", "-n", ns, "--timeout", "60s");
        Assert.True(confirmed.ExitCode == 0, confirmed.Stderr);
        Assert.Equal($"? Are you sure you want to delete this kustomization? [y/N] ► deleting kustomization app in {ns} namespace\n✔ kustomization deleted\n", confirmed.Stderr);
        Assert.Contains("NotFound", (await Authoring.KubectlAsync(dev.Kubeconfig, "get", "kustomization", "app", "-n", ns)).Stderr, StringComparison.Ordinal);
        Assert.Contains("NotFound", (await Authoring.KubectlAsync(dev.Kubeconfig, "get", "configmap", "authored", "-n", ns)).Stderr, StringComparison.Ordinal);

        var silent = await Run(null, "delete", "source", "git", "app", "--silent", "-n", ns);
        Assert.True(silent.ExitCode == 0, silent.Stderr);
        Assert.Equal($"► deleting source git app in {ns} namespace\n✔ source git deleted\n", silent.Stderr);
        Assert.Contains("NotFound", (await Authoring.KubectlAsync(dev.Kubeconfig, "get", "gitrepository", "app", "-n", ns)).Stderr, StringComparison.Ordinal);

        var missing = await Run(null, "delete", "source", "git", "app", "-s", "-n", ns);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"✗ gitrepositories.source.toolkit.fluxcd.io \"app\" not found in {ns} namespace; list them with `fluxsharp get source git -n {ns}`", missing.Stderr.Trim());
    }

    [Fact]
    public async Task CreateSecretGitWritesValuesOnlyToTheCluster()
    {
        var ns = await NamespaceAsync("secret");
        var created = await Run(null, "create", "secret", "git", "auth", "--url=https://example.com/org/repo", "-u", "git", "-p", "s3cr3t-pass", "--label=team=a", "-n", ns);
        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Equal(string.Empty, created.Stdout);
        Assert.Equal($"► git secret 'auth' created in '{ns}' namespace\n", created.Stderr);
        Assert.Equal("s3cr3t-pass", Decode(await Kubectl("get", "secret", "auth", "-n", ns, "-o", "jsonpath={.data.password}")));

        // Again with a token: as flux, the new values are written over and the labels added to.
        var updated = await Run(null, "create", "secret", "git", "auth", "--url=https://example.com/org/repo", "--bearer-token", "t0ken-value", "--label=env=dev", "-n", ns);
        Assert.True(updated.ExitCode == 0, updated.Stderr);
        Assert.DoesNotContain("t0ken-value", updated.Stdout + updated.Stderr, StringComparison.Ordinal);
        Assert.Equal("t0ken-value", Decode(await Kubectl("get", "secret", "auth", "-n", ns, "-o", "jsonpath={.data.bearerToken}")));
        Assert.Equal("a dev", await Kubectl("get", "secret", "auth", "-n", ns, "-o", "jsonpath={.metadata.labels.team} {.metadata.labels.env}"));

        static string Decode(string base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
    }

    [Fact]
    public async Task BadInputCreatesNothingAndAnUnreachableRepositoryEndsNotReady()
    {
        var ns = await NamespaceAsync("rejected");
        var badUrl = await Run(null, "create", "source", "git", "bad", "--url=ftp://example.com/repo", "--branch=main", "-n", ns);
        Assert.Equal(1, badUrl.ExitCode);
        var badInterval = await Run(null, "create", "source", "git", "bad", "--url=file:///srv/git/repo", "--branch=main", "--interval=soon", "-n", ns);
        Assert.Equal(2, badInterval.ExitCode);
        var badSource = await Run(null, "create", "ks", "bad", "--source=Chart/podinfo", "-n", ns);
        Assert.Equal(2, badSource.ExitCode);
        Assert.Equal(string.Empty, await Kubectl("get", "gitrepositories,kustomizations", "-n", ns, "-o", "name"));

        // A valid URL nobody serves: created as flux does, and the wait ends with the Ready message.
        var unreachable = await Run(null, "create", "source", "git", "gone", "--url=file:///nonexistent/repo", "--branch=main", "-n", ns, "--timeout", "60s");
        Assert.Equal(1, unreachable.ExitCode);
        var lines = unreachable.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("◎ waiting for GitRepository source reconciliation", lines[3]);
        Assert.StartsWith("✗ ", lines[4], StringComparison.Ordinal);
        Assert.Contains("/nonexistent/repo", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportPrintsObjectsAsFluxDoes()
    {
        // A fixed namespace (the fixture's cluster is fresh) so the golden files hold the output exactly as printed.
        const string ns = "export-golden";
        await Kubectl("create", "namespace", ns);
        // Written by hand with kubectl (so it carries kubectl's last-applied annotation) and then reconciled on request.
        await Authoring.ApplyAsync(dev.Kubeconfig, $$"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: podinfo
              namespace: {{ns}}
              labels: {app.kubernetes.io/name: podinfo, app: podinfo}
              annotations: {reconcile.fluxcd.io/requestedAt: "2024-01-01T00:00:00Z", owner: platform-team}
            spec:
              url: file:///srv/git/podinfo
              interval: 5m
              ref: {branch: main}
              ignore: |
                /*
                !/deploy
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: podinfo, namespace: {{ns}}}
            spec:
              interval: 10m
              retryInterval: 90s
              path: ./deploy
              prune: false
              sourceRef: {kind: GitRepository, name: podinfo}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: infra, namespace: {{ns}}}
            spec:
              interval: 1h
              path: ./infrastructure/
              prune: true
              wait: true
              timeout: 5m
              dependsOn: [{name: podinfo}]
              sourceRef: {kind: GitRepository, name: podinfo}
            """);

        // The server fills in defaults (timeout, force), status, uid, managedFields...: export leaves what flux's types keep.
        var git = await Run(null, "export", "source", "git", "podinfo", "-n", ns);
        Assert.True(git.ExitCode == 0, git.Stderr);
        AuthoringGolden.Matches("export-source-git.yaml", git.Stdout);

        var all = await Run(null, "export", "kustomization", "--all", "-n", ns);
        Assert.True(all.ExitCode == 0, all.Stderr);
        AuthoringGolden.Matches("export-kustomizations-all.yaml", all.Stdout);

        // What export prints applies again as it is.
        var file = Path.Combine(_dir, "export.yaml");
        Directory.CreateDirectory(_dir);
        await File.WriteAllTextAsync(file, git.Stdout + all.Stdout);
        var reapplied = await Authoring.KubectlAsync(dev.Kubeconfig, "apply", "--dry-run=server", "-f", file);
        Assert.True(reapplied.ExitCode == 0, reapplied.Stderr);

        var missing = await Run(null, "export", "ks", "nope", "-n", ns);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"✗ kustomizations.kustomize.toolkit.fluxcd.io \"nope\" not found in {ns} namespace; list them with `fluxsharp get kustomization -n {ns}`", missing.Stderr.Trim());
        Assert.Equal(string.Empty, missing.Stdout);

        var none = await Run(null, "export", "source", "git", "--all", "-n", "default");
        Assert.Equal(1, none.ExitCode);
        Assert.Equal("✗ no objects found in default namespace", none.Stderr.Trim());

        var noName = await Run(null, "export", "source", "git", "-n", ns);
        Assert.Equal(1, noName.ExitCode);
        Assert.Equal("✗ name is required", noName.Stderr.Trim());
    }

    private Task<FluxResult> Run(string? stdin, params string[] args) => Authoring.RunAsync(stdin, dev.Kubeconfig, args);

    private async Task<string> Kubectl(params string[] args)
    {
        var result = await Authoring.KubectlAsync(dev.Kubeconfig, args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }

    /// <summary>A fresh namespace per test, so the fixture's flux-system objects and other tests stay as they are.</summary>
    private async Task<string> NamespaceAsync(string prefix)
    {
        var ns = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await Kubectl("create", "namespace", ns);
        return ns;
    }
}
