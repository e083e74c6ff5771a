using System.CommandLine;
using System.Text.RegularExpressions;
using FluxSharp.Api;
using FluxSharp.Api.Source.V1;

namespace FluxSharp.Cli.Flux;

// create source git.
internal static partial class CreateCommand
{
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

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.\\-]*)://")]
    private static partial Regex UrlScheme();
}
