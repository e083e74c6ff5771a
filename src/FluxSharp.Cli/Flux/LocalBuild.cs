using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Build;
using FluxSharp.Build.Substitution;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Kubernetes.Apply;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Formats;
using k8s;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// What `build kustomization` and `diff kustomization` share, as flux's internal/build does: find the Kustomization
/// (cluster, or a local file), then build a local directory with the controller's own pieces (KustomizeBuilder:
/// generator, kustomize, postBuild substitution, commonMetadata) and add the owner labels as the controller does.
/// </summary>
internal sealed class LocalBuild
{
    public required Option<string?> Path { get; init; }

    public required Option<string?> KustomizationFile { get; init; }

    public required Option<bool> StrictSubstitute { get; init; }

    /// <summary>The flags of `build|diff kustomization` (fresh options: an option belongs to one command).</summary>
    public static LocalBuild Options(string pathDescription) => new()
    {
        Path = new Option<string?>("--path") { Description = pathDescription },
        KustomizationFile = new Option<string?>("--kustomization-file") { Description = "Path to the Flux Kustomization YAML file." },
        StrictSubstitute = new Option<bool>("--strict-substitute")
        {
            Description = "When enabled, the post build substitutions will fail if a var without a default value is declared in files but is missing from the input vars.",
        },
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Path);
        command.Options.Add(KustomizationFile);
        command.Options.Add(StrictSubstitute);
    }

    /// <summary>The --path directory, absolute; flux's wording when it is missing or not a directory.</summary>
    public string CheckedPath(ParseResult parse)
    {
        var path = parse.GetValue(Path);
        if (string.IsNullOrEmpty(path))
        {
            throw new CliException($"invalid resource path \"{path}\"");
        }

        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        return Directory.Exists(full) ? full : throw new CliException($"invalid resource path \"{full}\"");
    }

    /// <summary>The --kustomization-file, when given; it must be a file.</summary>
    public string? CheckedKustomizationFile(ParseResult parse)
    {
        var file = parse.GetValue(KustomizationFile);
        if (string.IsNullOrEmpty(file))
        {
            return null;
        }

        return File.Exists(file) ? file : throw new CliException($"invalid kustomization file \"{file}\"");
    }

    /// <summary>
    /// The Kustomization to build for: the live one, or the one in <paramref name="file"/> (its spec wins; the live
    /// status is kept, as flux does, so diff can prune against the live inventory). <paramref name="kube"/> null: dry-run.
    /// </summary>
    public static async Task<Kustomization> ResolveAsync(k8s.Kubernetes? kube, string ns, string name, string? file, CancellationToken cancellationToken)
    {
        JsonObject? live = null;
        if (kube is not null)
        {
            try
            {
                live = await FluxKind.Kustomization.GetAsync(new ResourceClient(kube, FluxKind.Kustomization.Resource), ns, name, cancellationToken);
            }
            catch (CliException e)
            {
                throw new CliException($"failed to get kustomization object: {e.Message}");
            }
        }

        var ks = file is null ? Typed(live!, "the cluster") : FromFile(file, ns, name);
        if (file is not null && live?["status"] is JsonObject status)
        {
            ks.Status = Typed(new JsonObject { ["status"] = status.DeepClone() }, "the cluster").Status;
        }

        if (string.IsNullOrEmpty(ks.Metadata.NamespaceProperty))
        {
            ks.Metadata.NamespaceProperty = ns;
        }

        return ks;
    }

    /// <summary>
    /// Builds <paramref name="dir"/> for <paramref name="ks"/>: postBuild variables (substituteFrom read from the
    /// cluster; skipped with a warning when <paramref name="kube"/> is null, as flux's dry-run does), kustomize, owner labels.
    /// The directory is never written to: its git checkout (or the directory alone) is copied to a scratch root first.
    /// </summary>
    public static async Task<IReadOnlyList<JsonObject>> BuildAsync(k8s.Kubernetes? kube, Kustomization ks, string dir, bool strict, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Dictionary<string, string>? variables = null;
        if (ks.Spec.PostBuild is { } postBuild)
        {
            if (kube is null)
            {
                if (postBuild.SubstituteFrom is { Count: > 0 } from)
                {
                    Warning($"dry-run: postBuild.substituteFrom skipped ({string.Join(", ", from.Select(r => $"{r.Kind}/{r.Name}"))}), its variables are not read without a cluster");
                }
            }
            else
            {
                try
                {
                    variables = SubstitutionVariables.Merge(await new SubstitutionSources(kube).ReadAsync(ks, cancellationToken), postBuild.Substitute?.AsReadOnly());
                }
                catch (InvalidOperationException e)
                {
                    throw new CliException(e.Message);
                }
                catch (FluxSharp.Kubernetes.Client.KubeApiException e)
                {
                    throw new CliException($"postBuild.substituteFrom: {e.Message}");
                }
            }
        }

        // Private (0700): the copy may hold plain Secret manifests.
        var scratch = Directory.CreateTempSubdirectory("fluxsharp-build-").FullName;
        try
        {
            string root, relative;
            try
            {
                (root, relative) = await CopySourceAsync(dir, scratch, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"failed to copy {dir} for the build: {e.Message}");
            }

            var options = new KustomizeBuildOptions { StrictSubstitutions = strict, Timeout = timeout };
            var result = await KustomizeBuilder.BuildAsync(root, ks.Spec with { Path = relative }, variables, options, cancellationToken);
            var objects = result.Objects.ToList();
            OwnerLabels.Set(objects, ks.Metadata.Name, ks.Metadata.NamespaceProperty);
            return objects;
        }
        catch (BuildException e)
        {
            throw new CliException(e.Message);
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A leftover temp dir is harmless.
            }
        }
    }

    /// <summary>flux's warning line (⚠️) on stderr.</summary>
    public static void Warning(string message) => Console.Error.WriteLine("⚠️ " + message);

    /// <summary>
    /// Copies what the source artifact would hold: the files git knows of (tracked and untracked, not ignored) in the
    /// checkout holding <paramref name="dir"/>, so relative bases like ../base resolve; outside git, the directory alone.
    /// </summary>
    private static async Task<(string Root, string Relative)> CopySourceAsync(string dir, string scratch, CancellationToken cancellationToken)
    {
        var top = (await GitAsync(dir, ["rev-parse", "--show-toplevel"], cancellationToken))?.Trim();
        // git's own view of where dir is in the checkout: right when a symlink leads to dir (top is a resolved path, dir may not be).
        var prefix = top is null ? null : (await GitAsync(dir, ["rev-parse", "--show-prefix"], cancellationToken))?.TrimEnd('\n');
        var files = prefix is null ? null : await GitAsync(top!, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cancellationToken);
        if (files is null)
        {
            new ScratchCopy(dir, scratch).Directory(string.Empty);
            return (scratch, ".");
        }

        var copy = new ScratchCopy(top!, scratch);
        foreach (var file in files.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            copy.Entry(file);
        }

        var relative = prefix!.TrimEnd('/');
        if (relative.Length == 0)
        {
            return (scratch, ".");
        }

        if (!Directory.Exists(System.IO.Path.Combine(scratch, relative)))
        {
            // A directory git ignores (or an empty one): build what is on disk.
            copy.Directory(relative);
        }

        return (scratch, relative);
    }

    /// <summary>
    /// Copies files from a source root into the scratch root. Symlinks are kept as links when they point inside the
    /// root and skipped with a warning when they leave it: kustomize reads nothing outside its root, and a copied
    /// link target would smuggle an outside file (or a loop) into the build.
    /// </summary>
    private sealed class ScratchCopy(string root, string scratch)
    {
        private readonly string _root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(root));

        /// <summary>The file or symlink at <paramref name="relative"/> under the root; anything else (a submodule git lists) is not in the artifact.</summary>
        public void Entry(string relative)
        {
            var from = System.IO.Path.Combine(_root, relative);
            var info = new FileInfo(from);
            if (info.LinkTarget is { } target)
            {
                Link(relative, target);
            }
            else if (info.Exists)
            {
                var to = System.IO.Path.Combine(scratch, relative);
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
                info.CopyTo(to);
            }
        }

        /// <summary>Everything under the directory at <paramref name="relative"/>, without following symlinked directories.</summary>
        public void Directory(string relative)
        {
            System.IO.Directory.CreateDirectory(System.IO.Path.Combine(scratch, relative));
            foreach (var entry in new DirectoryInfo(System.IO.Path.Combine(_root, relative)).EnumerateFileSystemInfos())
            {
                var child = System.IO.Path.Combine(relative, entry.Name);
                if (entry is DirectoryInfo && entry.LinkTarget is null)
                {
                    Directory(child);
                }
                else
                {
                    Entry(child);
                }
            }
        }

        private void Link(string relative, string target)
        {
            var linkDir = System.IO.Path.GetDirectoryName(System.IO.Path.Combine(_root, relative))!;
            var resolved = System.IO.Path.GetFullPath(target, linkDir);
            if (resolved != _root && !resolved.StartsWith(_root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                Warning($"skipped symlink {System.IO.Path.Combine(_root, relative)}: it points outside {_root}");
                return;
            }

            // The same link inside the scratch root: it resolves to the copy, never to the original.
            var to = System.IO.Path.Combine(scratch, relative);
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
            File.CreateSymbolicLink(to, System.IO.Path.GetRelativePath(linkDir, resolved));
        }
    }

    /// <summary>git's stdout, or null when git is missing or says no (not a repository).</summary>
    private static async Task<string?> GitAsync(string dir, string[] args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-C");
        psi.ArgumentList.Add(dir);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process? process;
        try
        {
            process = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        if (process is null)
        {
            return null;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            await stderr;
            var output = await stdout;
            return process.ExitCode == 0 ? output : null;
        }
    }

    /// <summary>flux's unMarshallKustomization: the Kustomization named <paramref name="name"/> (in <paramref name="ns"/> or without a namespace) in a YAML file.</summary>
    private static Kustomization FromFile(string file, string ns, string name)
    {
        IReadOnlyList<JsonNode> docs;
        try
        {
            docs = YamlJson.ParseDocuments(File.ReadAllText(file));
        }
        catch (YamlSyntaxException e)
        {
            throw new CliException($"failed to unmarshall kustomization file {file}: line {e.Line}: {e.Message}");
        }

        var doc = docs.OfType<JsonObject>().FirstOrDefault(d =>
            ((string?)d["apiVersion"])?.StartsWith(KustomizeGroup.Name + "/", StringComparison.Ordinal) == true
            && (string?)d["kind"] == Kustomization.KindName
            && (string?)d["metadata"]?["name"] == name
            && ((string?)d["metadata"]?["namespace"] is null or "" || (string?)d["metadata"]?["namespace"] == ns));
        return doc is null
            ? throw new CliException($"failed find kustomization with name '{name}' and namespace '{ns}' in file '{file}'")
            : Typed(doc, file);
    }

    private static Kustomization Typed(JsonObject obj, string origin)
    {
        try
        {
            return KubernetesJson.Deserialize<Kustomization>(obj.ToJsonString());
        }
        catch (JsonException e)
        {
            throw new CliException($"failed to unmarshall kustomization from {origin}: {e.Message}");
        }
    }
}
