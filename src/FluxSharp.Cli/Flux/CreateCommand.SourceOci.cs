using System.CommandLine;
using FluxSharp.Api;
using FluxSharp.Api.Source.V1;

namespace FluxSharp.Cli.Flux;

// create source oci.
internal static partial class CreateCommand
{
    private static Command SourceOci(Option<string?> fetchTimeout)
    {
        var name = NameArgument("OCIRepository");
        var url = new Option<string?>("--url") { Description = "the OCI repository URL" };
        var tag = new Option<string?>("--tag") { Description = "the OCI artifact tag" };
        var semver = new Option<string?>("--tag-semver") { Description = "the OCI artifact tag semver range" };
        var digest = new Option<string?>("--digest") { Description = "the OCI artifact digest" };
        var secretRef = new Option<string?>("--secret-ref") { Description = "the name of the Kubernetes image pull secret (type 'kubernetes.io/dockerconfigjson')" };
        var serviceAccount = new Option<string?>("--service-account") { Description = "the name of the Kubernetes service account that refers to an image pull secret" };
        var certRef = new Option<string?>("--cert-ref") { Description = "the name of a secret to use for TLS certificates" };
        var ignorePaths = new Option<string[]>("--ignore-paths") { Description = "set paths to ignore resources (can specify multiple paths with commas: path1,path2)" };
        var provider = new Option<string?>("--provider") { Description = "the OCI provider name, available options are: (generic, aws, azure, gcp)" };
        provider.AcceptOnlyFromAmong(OCIProviders.Generic, "aws", "azure", "gcp");
        var insecure = new Option<bool>("--insecure") { Description = "for when a self-signed certificate is used; allows connecting over plain HTTP" };
        var command = new Command("oci", "Create or update an OCIRepository")
        {
            name, url, tag, semver, digest, secretRef, serviceAccount, certRef, ignorePaths, provider, insecure,
        };
        command.SetAction((parse, ct) =>
        {
            var objectName = ValidName(parse.GetValue(name));
            var address = parse.GetValue(url);
            if (string.IsNullOrEmpty(address))
            {
                throw new CliException("url is required");
            }

            if (!address.StartsWith("oci://", StringComparison.Ordinal))
            {
                throw new CliException($"url '{FluxSharp.Sources.Oci.OciReference.Redact(address)}' must start with oci://");
            }

            string? Value(Option<string?> o) => parse.GetValue(o) is { Length: > 0 } v ? v : null;
            if (Value(tag) is null && Value(semver) is null && Value(digest) is null)
            {
                throw new CliException("one of --tag, --tag-semver or --digest is required");
            }

            var ignore = List(parse.GetValue(ignorePaths));
            var repository = new OCIRepository
            {
                Metadata = Metadata(parse, objectName),
                Spec = new OCIRepositorySpec
                {
                    Url = address,
                    Interval = IntervalOf(parse),
                    Timeout = Value(fetchTimeout) is { } ft ? DurationFlag("--fetch-timeout", ft) : null,
                    Reference = new OCIRepositoryRef { Tag = Value(tag), SemVer = Value(semver), Digest = Value(digest) },
                    SecretRef = Value(secretRef) is { } secret ? new LocalObjectReference { Name = secret } : null,
                    ServiceAccountName = Value(serviceAccount),
                    CertSecretRef = Value(certRef) is { } cert ? new LocalObjectReference { Name = cert } : null,
                    Provider = Value(provider),
                    Insecure = parse.GetValue(insecure) ? true : null,
                    Ignore = ignore.Count > 0 ? string.Join('\n', ignore) : null,
                },
            };
            return CreateOrExportAsync(parse, FluxKind.OCIRepository, ToJson(repository), ct);
        });
        return command;
    }
}
