using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace FluxSharp.Sources.Artifacts;

/// <summary>An artifact in storage, with the fields of Flux's <c>status.artifact</c>.</summary>
/// <param name="Path">Relative path: <c>&lt;kind&gt;/&lt;namespace&gt;/&lt;name&gt;/&lt;file&gt;</c>.</param>
/// <param name="Url">HTTP address: <c>&lt;baseUrl&gt;/&lt;path&gt;</c>.</param>
/// <param name="Revision">The source revision, e.g. <c>main@sha1:&lt;sha&gt;</c>.</param>
/// <param name="Digest"><c>sha256:&lt;hex&gt;</c> of the file.</param>
/// <param name="Size">File size in bytes.</param>
/// <param name="LastUpdateTime">When the file was written.</param>
public sealed record StoredArtifact(string Path, string Url, string Revision, string Digest, long Size, DateTimeOffset LastUpdateTime);

/// <summary>
/// Artifact storage laid out like Flux's source-controller: <c>&lt;root&gt;/&lt;kind&gt;/&lt;namespace&gt;/&lt;name&gt;/&lt;file&gt;</c>,
/// served at <c>&lt;baseUrl&gt;/&lt;kind&gt;/&lt;namespace&gt;/&lt;name&gt;/&lt;file&gt;</c> (kind lower-cased).
/// </summary>
public sealed partial class ArtifactStorage
{
    private const string TempPrefix = ".tmp-";

    public ArtifactStorage(string root, string baseUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(baseUrl);
        Root = System.IO.Path.GetFullPath(root);
        BaseUrl = baseUrl.TrimEnd('/');
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string BaseUrl { get; }

    [GeneratedRegex("^[a-z0-9]([a-z0-9.\\-]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeSegment();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._\\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeFile();

    /// <summary>Relative path of an artifact file: <c>&lt;kind&gt;/&lt;ns&gt;/&lt;name&gt;/&lt;file&gt;</c>.</summary>
    public static string ArtifactPath(string kind, string ns, string name, string fileName)
    {
        var dir = ObjectDirRelative(kind, ns, name);
        if (!SafeFile().IsMatch(fileName) || fileName.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"invalid artifact file name '{fileName}'", nameof(fileName));
        }

        return dir + "/" + fileName;
    }

    /// <summary>The URL of a relative artifact path.</summary>
    public string UrlFor(string relativePath) => BaseUrl + "/" + relativePath;

    /// <summary>Flux's file name for a revision: the hash after the last ':' (<c>&lt;sha&gt;.tar.gz</c>).</summary>
    public static string FileNameForRevision(string revision)
    {
        ArgumentException.ThrowIfNullOrEmpty(revision);
        var hash = revision[(revision.LastIndexOf(':') + 1)..];
        if (!SafeFile().IsMatch(hash))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(revision)));
        }

        return hash + ".tar.gz";
    }

    /// <summary>
    /// Packs <paramref name="sourceDir"/> into a deterministic tar.gz (ignore rules applied) and stores it
    /// atomically. <paramref name="ignore"/> defaults to <see cref="SourceIgnore.Load"/> of the directory.
    /// </summary>
    public Task<StoredArtifact> ArchiveAsync(string kind, string ns, string name, string sourceDir, SourceIgnore? ignore, string revision,
        CancellationToken ct = default) =>
        ArchiveAsync(kind, ns, name, sourceDir, ignore, revision, null, ct);

    /// <summary>As <see cref="ArchiveAsync(string, string, string, string, SourceIgnore?, string, CancellationToken)"/> with an explicit file name (e.g. <c>chart-1.0.0.tgz</c>).</summary>
    public async Task<StoredArtifact> ArchiveAsync(string kind, string ns, string name, string sourceDir, SourceIgnore? ignore, string revision,
        string? fileName, CancellationToken ct = default)
    {
        if (!Directory.Exists(sourceDir))
        {
            throw new DirectoryNotFoundException($"source directory '{sourceDir}' does not exist");
        }

        ignore ??= SourceIgnore.Load(sourceDir, null);
        var rel = ArtifactPath(kind, ns, name, fileName ?? FileNameForRevision(revision));
        var full = System.IO.Path.Combine(Root, rel);
        var dir = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = System.IO.Path.Combine(dir, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await DeterministicTar.WriteAsync(sourceDir, ignore, fs, ct);
                await fs.FlushAsync(ct);
            }
            string digest;
            long size;
            await using (var read = new FileStream(tmp, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous))
            {
                size = read.Length;
                digest = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(read, ct));
            }
            File.Move(tmp, full, overwrite: true);
            return new StoredArtifact(rel, UrlFor(rel), revision, digest, size, DateTimeOffset.UtcNow);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }

    /// <summary>Stores a file as it is (an OCI layer with <c>operation: copy</c>), atomically, under <paramref name="fileName"/> (else the revision's file name).</summary>
    public async Task<StoredArtifact> StoreFileAsync(string kind, string ns, string name, string file, string revision, string? fileName = null, CancellationToken ct = default)
    {
        var rel = ArtifactPath(kind, ns, name, fileName ?? FileNameForRevision(revision));
        var full = System.IO.Path.Combine(Root, rel);
        var dir = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = System.IO.Path.Combine(dir, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            string digest;
            long size;
            await using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous))
            await using (var output = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int n;
                while ((n = await input.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), ct);
                }

                size = output.Length;
                digest = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            File.Move(tmp, full, overwrite: true);
            return new StoredArtifact(rel, UrlFor(rel), revision, digest, size, DateTimeOffset.UtcNow);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }

    /// <summary>
    /// Removes older artifacts of an object: keeps <paramref name="currentPath"/> (relative path of the artifact
    /// in status) plus the <paramref name="keep"/> most recent others. Returns the removed relative paths.
    /// </summary>
    public IReadOnlyList<string> GarbageCollect(string kind, string ns, string name, string? currentPath, int keep = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        var relDir = ObjectDirRelative(kind, ns, name);
        var dir = System.IO.Path.Combine(Root, relDir);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var stale = DateTime.UtcNow - TimeSpan.FromMinutes(10);
        var candidates = new DirectoryInfo(dir).EnumerateFiles()
            .Where(f => f.LinkTarget is null)
            .Where(f => !f.Name.StartsWith(TempPrefix, StringComparison.Ordinal) || f.LastWriteTimeUtc < stale)
            .Where(f => currentPath is null || relDir + "/" + f.Name != currentPath.TrimStart('/'))
            .OrderByDescending(f => f.Name.StartsWith(TempPrefix, StringComparison.Ordinal) ? DateTime.MinValue : f.LastWriteTimeUtc)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var removed = new List<string>();
        int kept = 0;
        foreach (var f in candidates)
        {
            if (!f.Name.StartsWith(TempPrefix, StringComparison.Ordinal) && kept < keep)
            {
                kept++;
                continue;
            }
            f.Delete();
            removed.Add(relDir + "/" + f.Name);
        }
        return removed;
    }

    /// <summary>Removes every artifact of an object (on deletion). Returns whether anything was there.</summary>
    public bool Delete(string kind, string ns, string name)
    {
        var dir = System.IO.Path.Combine(Root, ObjectDirRelative(kind, ns, name));
        if (!Directory.Exists(dir))
        {
            return false;
        }

        Directory.Delete(dir, recursive: true);
        return true;
    }

    /// <summary>
    /// Maps a request path (<c>/&lt;kind&gt;/&lt;ns&gt;/&lt;name&gt;/&lt;file&gt;</c>) to a stored file. Refuses anything
    /// that is not exactly that shape (no <c>..</c>, no encoded separators, no symlinks out of the root).
    /// </summary>
    public bool TryResolve(string urlPath, [NotNullWhen(true)] out string? fullPath)
    {
        fullPath = null;
        if (string.IsNullOrEmpty(urlPath))
        {
            return false;
        }

        var q = urlPath.IndexOfAny(['?', '#']);
        if (q >= 0)
        {
            urlPath = urlPath[..q];
        }

        if (urlPath.Contains('\\', StringComparison.Ordinal) || urlPath.Contains('%', StringComparison.Ordinal) || urlPath.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var segments = urlPath.TrimStart('/').Split('/');
        if (segments.Length != 4)
        {
            return false;
        }

        if (!SafeSegment().IsMatch(segments[0]) || !SafeSegment().IsMatch(segments[1]) || !SafeSegment().IsMatch(segments[2]))
        {
            return false;
        }

        if (!SafeFile().IsMatch(segments[3]) || segments[3].Contains("..", StringComparison.Ordinal) || segments[3].StartsWith(TempPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, segments[0], segments[1], segments[2], segments[3]));
        var rootWithSep = Root.EndsWith(System.IO.Path.DirectorySeparatorChar) ? Root : Root + System.IO.Path.DirectorySeparatorChar;
        if (!candidate.StartsWith(rootWithSep, StringComparison.Ordinal))
        {
            return false;
        }

        var info = new FileInfo(candidate);
        if (!info.Exists || info.LinkTarget is not null)
        {
            return false;
        }

        fullPath = candidate;
        return true;
    }

    private static string ObjectDirRelative(string kind, string ns, string name)
    {
        var k = (kind ?? string.Empty).ToLowerInvariant();
        foreach (var (value, what) in new[] { (k, "kind"), (ns, "namespace"), (name, "name") })
        {
            if (string.IsNullOrEmpty(value) || !SafeSegment().IsMatch(value) || value.Contains("..", StringComparison.Ordinal))
            {
                throw new ArgumentException($"invalid artifact {what} '{value}'");
            }
        }
        return $"{k}/{ns}/{name}";
    }
}
