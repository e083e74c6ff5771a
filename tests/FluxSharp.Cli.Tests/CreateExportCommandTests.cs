namespace FluxSharp.Cli.Tests;

/// <summary>`fluxsharp create ... --export` prints flux's YAML with no cluster at all; bad input fails before anything is made.</summary>
public sealed class CreateExportCommandTests
{
    [Theory]
    // flux's own export.golden case: ignore paths become a block string, sparse checkout a list.
    [InlineData("create-source-git-branch.yaml", "create", "source", "git", "podinfo", "--url=https://github.com/stefanprodan/podinfo", "--branch=master", "--sparse-checkout-paths", ".cosign,non-existent-dir/", "--ignore-paths", ".cosign,non-existent-dir/", "-n", "default", "--interval", "1m")]
    [InlineData("create-source-git-branch-commit.yaml", "create", "source", "git", "podinfo", "--url=https://github.com/stefanprodan/podinfo", "--branch=main", "--commit=c88a2f41", "--interval=1m0s")]
    [InlineData("create-source-git-semver.yaml", "create", "source", "git", "podinfo", "--url=ssh://git@github.com/stefanprodan/podinfo", "--tag-semver=>=3.2.0 <3.3.0", "--tag=ignored", "--secret-ref=podinfo-auth", "--recurse-submodules", "--fetch-timeout=90s", "--interval=1h30m", "--label", "app=podinfo", "--label=tier=1,env=dev")]
    [InlineData("create-source-git-refname.yaml", "create", "source", "git", "local", "--url=file:///srv/git/local", "--ref-name=refs/heads/main", "--provider=generic")]
    [InlineData("create-kustomization.yaml", "create", "kustomization", "podinfo", "--source=podinfo", "--path=./kustomize", "--prune=true", "--interval=5m")]
    [InlineData("create-kustomization-full.yaml", "create", "ks", "apps", "--source=GitRepository/fleet.flux-system", "--path=clusters/../apps/prod/", "--wait", "--health-check-timeout=3m", "--depends-on", "infra,tenants/base", "--target-namespace=apps", "--service-account=reconciler", "--retry-interval=30s", "--interval=10m", "-n", "apps", "--label=team=a")]
    [InlineData("create-kustomization-health-checks.yaml", "create", "ks", "podinfo", "--source=gitrepository/podinfo", "--health-check=Deployment/podinfo.default,StatefulSet/cache.default", "--health-check", "HelmRelease/redis.data")]
    [InlineData("create-secret-git.yaml", "create", "secret", "git", "podinfo-auth", "--url=https://github.com/stefanprodan/podinfo", "-u", "git", "-p", "s3cr3t", "--label=app=podinfo")]
    // flux's create_secret_receiver_test.go cases and its create receiver example.
    [InlineData("create-secret-receiver.yaml", "create", "secret", "receiver", "receiver-secret", "--type=github", "--token=test-token", "--hostname=flux.example.com", "--namespace=my-namespace")]
    [InlineData("create-secret-receiver-gcr.yaml", "create", "secret", "receiver", "gcr-secret", "--type=gcr", "--token=test-token", "--hostname=flux.example.com", "--email-claim=sa@project.iam.gserviceaccount.com", "--namespace=my-namespace")]
    [InlineData("create-secret-receiver-gcr-audience.yaml", "create", "secret", "receiver", "gcr-secret", "--type=gcr", "--token=test-token", "--hostname=flux.example.com", "--email-claim=sa@project.iam.gserviceaccount.com", "--audience-claim=https://custom.audience.example.com", "--namespace=my-namespace")]
    [InlineData("create-receiver.yaml", "create", "receiver", "github-receiver", "--type", "github", "--event", "ping", "--event", "push", "--secret-ref", "webhook-token", "--resource", "GitRepository/webapp", "--resource", "HelmRepository/webapp")]
    public async Task ExportPrintsFluxsYamlWithoutACluster(string golden, params string[] args)
    {
        var result = await Authoring.RunWithoutClusterAsync([.. args, "--export"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(string.Empty, result.Stderr);
        AuthoringGolden.Matches(golden, result.Stdout);
    }

    [Theory]
    [InlineData(1, "✗ url is required", "create", "source", "git", "podinfo", "--branch=main")]
    [InlineData(1, "✗ git URL parse failed: \"https:///repo\" is not a valid URL", "create", "source", "git", "podinfo", "--url=https://git:s3cr3t@/repo", "--branch=main")]
    [InlineData(1, "✗ git URL parse failed: \"https:///repo\" is not a valid URL", "create", "secret", "git", "podinfo-auth", "--url=https://git:s3cr3t@/repo", "-u", "git", "-p", "x")]
    [InlineData(1, "✗ git URL scheme 'ftp' not supported, can be: ssh, http, https and file", "create", "source", "git", "podinfo", "--url=ftp://example.com/repo", "--branch=main")]
    [InlineData(1, "✗ git URL scheme '' not supported, can be: ssh, http, https and file", "create", "source", "git", "podinfo", "--url=git@github.com:org/repo", "--branch=main")]
    [InlineData(1, "✗ a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver", "create", "source", "git", "podinfo", "--url=https://example.com/repo")]
    [InlineData(1, "✗ name 'Podinfo' is invalid, it should adhere to standard defined in RFC 1123, the name can only contain alphanumeric characters or '-'", "create", "source", "git", "Podinfo", "--url=https://example.com/repo", "--branch=main")]
    [InlineData(1, "✗ name is required", "create", "kustomization", "--source=podinfo")]
    [InlineData(2, "error: --interval: invalid duration \"5 minutes\"", "create", "source", "git", "podinfo", "--url=https://example.com/repo", "--branch=main", "--interval", "5 minutes")]
    [InlineData(2, "error: --interval: invalid duration \"often\"", "create", "ks", "podinfo", "--source=podinfo", "--interval=often")]
    [InlineData(1, "✗ invalid label format 'a=b=c', must be key=value", "create", "source", "git", "podinfo", "--url=https://example.com/repo", "--branch=main", "--label=a=b=c")]
    [InlineData(1, "✗ source is required", "create", "ks", "podinfo")]
    [InlineData(2, "error: --source: source kind 'HelmRepository' is not supported, must be one of: OCIRepository, GitRepository, Bucket", "create", "ks", "podinfo", "--source=HelmRepository/podinfo")]
    [InlineData(2, "error: --source: no kind specified for source 'GitRepository'", "create", "ks", "podinfo", "--source=GitRepository")]
    [InlineData(1, "✗ invalid health check kind 'Pod' can be HelmRelease, Deployment, DaemonSet or StatefulSet", "create", "ks", "podinfo", "--source=podinfo", "--health-check=Pod/web.default")]
    [InlineData(1, "✗ invalid health check 'Deployment/web' must be in the format 'kind/name.namespace'", "create", "ks", "podinfo", "--source=podinfo", "--health-check=Deployment/web")]
    [InlineData(1, "✗ for Git over HTTP/S the username and password, or a bearer token is required", "create", "secret", "git", "auth", "--url=https://example.com/repo", "-u", "git")]
    [InlineData(1, "✗ --type is required", "create", "secret", "receiver", "test-secret", "--token=t", "--hostname=h")]
    [InlineData(1, "✗ receiver type 'invalid' is not supported, must be one of: generic, generic-hmac, github, gitlab, bitbucket, harbor, dockerhub, quay, gcr, nexus, acr, cdevents", "create", "secret", "receiver", "test-secret", "--type=invalid", "--token=t", "--hostname=h")]
    [InlineData(1, "✗ --hostname is required", "create", "secret", "receiver", "test-secret", "--type=github", "--token=t")]
    [InlineData(1, "✗ --email-claim is required for gcr receiver type", "create", "secret", "receiver", "test-secret", "--type=gcr", "--token=t", "--hostname=h")]
    [InlineData(1, "✗ Receiver type is required", "create", "receiver", "hook", "--secret-ref=t", "--resource=GitRepository/app")]
    [InlineData(1, "✗ secret ref is required", "create", "receiver", "hook", "--type=github", "--resource=GitRepository/app")]
    [InlineData(1, "✗ invalid event source 'app', must be in format <kind>/<name>", "create", "receiver", "hook", "--type=github", "--secret-ref=t", "--resource=app")]
    [InlineData(1, "✗ atleast one resource is required", "create", "receiver", "hook", "--type=github", "--secret-ref=t")]
    public async Task BadInputIsOneLineWithFluxsWording(int exitCode, string message, params string[] args)
    {
        var result = await Authoring.RunWithoutClusterAsync([.. args, "--export"]);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(message, result.Stderr.Trim());
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Theory]
    [InlineData("HelmRepository (source.toolkit.fluxcd.io)", "create", "source", "helm", "podinfo", "--url=https://stefanprodan.github.io/podinfo")]
    [InlineData("Bucket (source.toolkit.fluxcd.io)", "create", "source", "bucket", "podinfo")]
    [InlineData("HelmRelease (helm.toolkit.fluxcd.io)", "create", "hr", "podinfo", "--chart=podinfo")]
    [InlineData("Alert (notification.toolkit.fluxcd.io)", "create", "alert", "slack")]
    [InlineData("Provider (notification.toolkit.fluxcd.io)", "create", "alert-provider", "slack", "--type=slack")]
    [InlineData("ImagePolicy (image.toolkit.fluxcd.io)", "create", "image", "policy", "podinfo")]
    [InlineData("ImageRepository (image.toolkit.fluxcd.io)", "export", "image", "repository", "podinfo")]
    [InlineData("HelmRelease (helm.toolkit.fluxcd.io)", "export", "helmrelease", "--all")]
    [InlineData("Bucket (source.toolkit.fluxcd.io)", "delete", "source", "bucket", "podinfo", "-s")]
    [InlineData("ImageUpdateAutomation (image.toolkit.fluxcd.io)", "delete", "image", "update", "podinfo")]
    // A Kustomization of a source kind FluxSharp cannot serve would never get Ready: refused before anything is made.
    [InlineData("Bucket (source.toolkit.fluxcd.io)", "create", "ks", "podinfo", "--source=Bucket/podinfo")]
    public async Task PendingKindsSayNotSupported(string kind, params string[] args)
    {
        var result = await Authoring.RunWithoutClusterAsync(args);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"✗ {kind} is not supported by FluxSharp yet; supported kinds: GitRepository, OCIRepository, Kustomization, Receiver", result.Stderr.Trim());
    }
}
