using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace FluxSharp.Cli.Tests;

/// <summary>
/// The Receiver commands against a running `fluxsharp dev`: create secret receiver, create receiver (waits Ready,
/// prints the webhook path), get, trigger receiver on the URL dev prints, suspend/resume/reconcile, export, delete.
/// </summary>
public sealed class ReceiverCommandTests(FluxDevFixture dev) : IClassFixture<FluxDevFixture>
{
    private const string Token = "cli-test-token";

    [Fact]
    public async Task CreateSecretAndReceiverThenTriggerAnnotatesTheSource()
    {
        var ns = await NamespaceAsync();
        await Authoring.ApplyAsync(dev.Kubeconfig, $"apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: app\n  namespace: {ns}\nspec:\n  interval: 24h\n  url: file:///nonexistent/app\n  ref:\n    branch: main\n");

        var secret = await Run("create", "secret", "receiver", "hook", "--type=generic", $"--token={Token}", "--hostname=flux.example.com", "-n", ns);
        Assert.True(secret.ExitCode == 0, secret.Stderr);
        Assert.Equal($"► receiver secret 'hook' created in '{ns}' namespace\n", secret.Stderr);
        var path = "/hook/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token + "hook" + ns)));
        Assert.Equal("https://flux.example.com" + path, await Kubectl("get", "secret", "hook", "-n", ns, "-o", "jsonpath={.metadata.annotations.notification\\.toolkit\\.fluxcd\\.io/webhook}"));

        var created = await Run("create", "receiver", "hook", "--type=generic", "--secret-ref=hook", "--resource=GitRepository/app", "-n", ns, "--timeout", "60s");
        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Equal(
            "✚ generating Receiver\n► applying Receiver\n✔ Receiver created\n◎ waiting for Receiver reconciliation\n"
            + $"✔ Receiver hook is ready\n✔ generated webhook URL {path}\n",
            created.Stderr);

        var table = await Run("get", "receivers", "-n", ns);
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Matches("^NAME\\tSUSPENDED\\tREADY\\tMESSAGE\\s*\nhook\\tFalse    \\tTrue \\tReceiver initialized for path: /hook/[0-9a-f]+\\s*\n$", table.Stdout);

        var url = Regex.Match(dev.DevOutput, "^receiver: +(\\S+)", RegexOptions.Multiline).Groups[1].Value;
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
        var wrong = await Run("trigger", "receiver", "hook", "--url", url, "--token", "wrong", "--retries", "0", "-n", ns);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Matches("✗ request to http://127\\.0\\.0\\.1:\\d+/hook/[0-9a-f]{8}… failed with status 404 Not Found", wrong.Stderr);
        Assert.Equal(string.Empty, await Kubectl("get", "gitrepository", "app", "-n", ns, "-o", "jsonpath={.metadata.annotations.reconcile\\.fluxcd\\.io/requestedAt}"));

        var triggered = await Run("trigger", "receiver", "hook", "--url", url, "--token", Token, "-n", ns);
        Assert.True(triggered.ExitCode == 0, triggered.Stderr);
        Assert.Equal($"► triggering Receiver {ns}/hook\n✔ Receiver {ns}/hook triggered\n", triggered.Stderr);
        Assert.NotEqual(string.Empty, await Kubectl("get", "gitrepository", "app", "-n", ns, "-o", "jsonpath={.metadata.annotations.reconcile\\.fluxcd\\.io/requestedAt}"));
        Assert.DoesNotContain(path, triggered.Stderr + wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuspendResumeReconcileExportAndDeleteAReceiver()
    {
        var ns = await NamespaceAsync();
        await Kubectl("create", "secret", "generic", "token", "-n", ns, $"--from-literal=token={Token}");
        Assert.Equal(0, (await Run("create", "receiver", "gh", "--type=github", "--event=push", "--secret-ref=token", "--resource=GitRepository/app", "-n", ns, "--timeout", "60s")).ExitCode);

        var suspended = await Run("suspend", "receiver", "gh", "-n", ns);
        Assert.True(suspended.ExitCode == 0, suspended.Stderr);
        Assert.Equal($"► suspending receiver gh in {ns} namespace\n✔ receiver suspended\n", suspended.Stderr);
        var resumed = await Run("resume", "receiver", "gh", "-n", ns, "--timeout", "60s");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.EndsWith("✔ Receiver reconciliation completed\n", resumed.Stderr, StringComparison.Ordinal);
        var reconciled = await Run("reconcile", "receiver", "gh", "-n", ns, "--timeout", "60s");
        Assert.True(reconciled.ExitCode == 0, reconciled.Stderr);
        Assert.Equal($"► annotating Receiver gh in {ns} namespace\n✔ Receiver annotated\n◎ waiting for Receiver reconciliation\n✔ Receiver reconciliation completed\n", reconciled.Stderr);

        var export = await Run("export", "receiver", "gh", "-n", ns);
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Equal(
            $"---\napiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: gh\n  namespace: {ns}\nspec:\n  events:\n  - push\n  interval: 10m0s\n  resources:\n  - kind: GitRepository\n    name: app\n  secretRef:\n    name: token\n  type: github\n",
            export.Stdout);

        var deleted = await Run("delete", "receiver", "gh", "-s", "-n", ns);
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        Assert.Equal($"► deleting receiver gh in {ns} namespace\n✔ receiver deleted\n", deleted.Stderr);
    }

    private Task<FluxResult> Run(params string[] args) => Authoring.RunAsync(null, dev.Kubeconfig, args);

    private async Task<string> Kubectl(params string[] args)
    {
        var result = await Authoring.KubectlAsync(dev.Kubeconfig, args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }

    private async Task<string> NamespaceAsync()
    {
        var ns = $"receiver-{Guid.NewGuid().ToString("N")[..6]}";
        await Kubectl("create", "namespace", ns);
        return ns;
    }
}
