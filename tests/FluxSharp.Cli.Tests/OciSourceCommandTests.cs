using FluxSharp.Testing.Git;
using FluxSharp.Testing.Oci;

namespace FluxSharp.Cli.Tests;

/// <summary>`create|get|reconcile|suspend|resume|export|delete source oci` and `create secret oci` on `fluxsharp dev` with a real registry.</summary>
public sealed class OciSourceCommandTests(FluxDevFixture dev, RegistryFixture registries) : IClassFixture<FluxDevFixture>, IClassFixture<RegistryFixture>, IDisposable
{
    private readonly TempDirectory _tmp = new("fluxsharp-oci-source-cli");

    public void Dispose() => _tmp.Dispose();

    private async Task<string> PushAsync(string url, string tag, string value, params string[] extra)
    {
        var dir = _tmp.Sub("c-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "cm.yaml"), $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: oci-cli\n  namespace: default\ndata:\n  v: \"{value}\"\n");
        var push = await FluxResult.RunAsync(["push", "artifact", $"{url}:{tag}", "--path", dir, "--source", "https://example.com/x.git", "--revision", "main@sha1:1", "--insecure-registry", "-o", "yaml", .. extra]);
        Assert.True(push.ExitCode == 0, push.Stderr);
        return push.Stdout.Split('\n').Single(l => l.StartsWith("digest: ", StringComparison.Ordinal))["digest: ".Length..];
    }

    [Fact]
    public async Task SourceOciLifecycleFromTheCommandLine()
    {
        var url = registries.Plain.Url("cli/source" + Guid.NewGuid().ToString("N")[..6]);
        var d1 = await PushAsync(url, "1.0.0", "one");

        var create = await dev.RunAsync("create", "source", "oci", "app", "--url", url, "--tag-semver", "1.x", "--insecure", "--interval", "1h");
        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.Contains($"fetched revision: 1.0.0@{d1}", create.Stderr, StringComparison.Ordinal);

        var get = await dev.RunAsync("get", "sources", "oci");
        // flux's table shortens the digest to 8 hex characters.
        Assert.Contains($"1.0.0@{d1[..15]}\t", get.Stdout.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var ks = await dev.RunAsync("create", "ks", "oci-app", "--source", "OCIRepository/app", "--path", "./", "--prune", "--interval", "1h");
        Assert.True(ks.ExitCode == 0, ks.Stderr);
        Assert.Contains($"applied revision 1.0.0@{d1}", ks.Stderr, StringComparison.Ordinal);

        var d2 = await PushAsync(url, "1.1.0", "two");
        var reconcile = await dev.RunAsync("reconcile", "ks", "oci-app", "--with-source");
        Assert.True(reconcile.ExitCode == 0, reconcile.Stderr);
        Assert.Contains($"applied revision 1.1.0@{d2}", reconcile.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await dev.RunAsync("suspend", "source", "oci", "app")).ExitCode);
        var resume = await dev.RunAsync("resume", "source", "oci", "app");
        Assert.True(resume.ExitCode == 0, resume.Stderr);

        var export = await dev.RunAsync("export", "source", "oci", "app");
        Assert.Contains("kind: OCIRepository", export.Stdout, StringComparison.Ordinal);
        Assert.Contains("semver: 1.x", export.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("status:", export.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, (await dev.RunAsync("delete", "ks", "oci-app", "-s")).ExitCode);
        var delete = await dev.RunAsync("delete", "source", "oci", "app", "-s");
        Assert.True(delete.ExitCode == 0, delete.Stderr);
    }

    [Fact]
    public async Task SecretOciGivesAPrivateRegistrysCredentials()
    {
        var server = registries.Auth;
        var url = server.Url("cli/private" + Guid.NewGuid().ToString("N")[..6]);
        var digest = await PushAsync(url, "v1", "private", "--creds", $"flux:{server.Password}");
        var secret = await dev.RunAsync("create", "secret", "oci", "regcred", "--url", server.Host, "--username", "flux", "--password", server.Password);
        Assert.True(secret.ExitCode == 0, secret.Stderr);
        Assert.DoesNotContain(server.Password, secret.Stderr, StringComparison.Ordinal);

        var create = await dev.RunAsync("create", "source", "oci", "private", "--url", url, "--tag", "v1", "--secret-ref", "regcred", "--insecure");
        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.Contains($"fetched revision: v1@{digest}", create.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await dev.RunAsync("delete", "source", "oci", "private", "-s")).ExitCode);
    }
}
