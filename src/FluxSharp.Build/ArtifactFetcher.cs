using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using FluxSharp.Api;

namespace FluxSharp.Build;

/// <summary>Limits of <see cref="ArtifactFetcher"/>.</summary>
public sealed record ArtifactFetchOptions
{
    /// <summary>Timeout of the whole download (all attempts).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest accepted tar.gz.</summary>
    public long MaxDownloadBytes { get; init; } = 256L << 20;

    /// <summary>Largest accepted total size of the extracted files.</summary>
    public long MaxExtractedBytes { get; init; } = 1L << 30;

    /// <summary>Most entries (files and directories) accepted in one archive.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Extra attempts after a network error or a 5xx answer.</summary>
    public int Retries { get; init; } = 2;

    /// <summary>Delay before the first retry (doubled for each further one).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Downloads a source artifact (tar.gz), verifies its digest and extracts it safely, like Flux's
/// fluxcd/pkg/http/fetch and fluxcd/pkg/tar: entries must be relative paths without <c>..</c>, links and
/// device files are refused, and the size and number of entries are limited.
/// Every failure is a <see cref="BuildException"/> with reason <c>ArtifactFailed</c>.
/// </summary>
public sealed class ArtifactFetcher
{
    private readonly HttpClient _http;
    private readonly ArtifactFetchOptions _options;

    public ArtifactFetcher(HttpClient http, ArtifactFetchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? new ArtifactFetchOptions();
    }

    /// <summary>Downloads <paramref name="url"/>, checks <paramref name="digest"/> (<c>sha256:&lt;hex&gt;</c>; null or empty skips the check) and extracts into <paramref name="destinationDir"/>.</summary>
    public async Task FetchAsync(Uri url, string? digest, string destinationDir, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(destinationDir);
        (string Algorithm, string Hex)? expected = string.IsNullOrEmpty(digest) ? null : ParseDigest(digest);

        var tmp = Path.Combine(Path.GetTempPath(), "fluxsharp-artifact-" + Guid.NewGuid().ToString("N") + ".tar.gz");
        try
        {
            string actual = await DownloadAsync(url, tmp, expected?.Algorithm ?? "sha256", cancellationToken);
            if (expected is not null && !string.Equals(actual, expected.Value.Hex, StringComparison.OrdinalIgnoreCase))
            {
                throw new BuildException(ConditionReasons.ArtifactFailed,
                    $"failed to verify artifact from {Redact(url)}: digest mismatch: expected '{expected.Value.Algorithm}:{expected.Value.Hex.ToLowerInvariant()}', got '{expected.Value.Algorithm}:{actual}'");
            }

            await using var file = new FileStream(tmp, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await ExtractAsync(file, destinationDir, _options, cancellationToken);
        }
        finally
        {
            try
            {
                File.Delete(tmp);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    private async Task<string> DownloadAsync(Uri url, string target, string algorithm, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_options.Timeout);
        var delay = _options.RetryDelay;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cts.Token);
                if ((int)response.StatusCode >= 500 && attempt < _options.Retries)
                {
                    await Task.Delay(delay, cts.Token);
                    delay *= 2;
                    continue;
                }
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new BuildException(ConditionReasons.ArtifactFailed,
                        $"failed to download archive from {Redact(url)} (status: {(int)response.StatusCode} {response.ReasonPhrase})");
                }

                if (response.Content.Headers.ContentLength is long len && len > _options.MaxDownloadBytes)
                {
                    throw TooBig(url);
                }

                using var hash = IncrementalHash.CreateHash(algorithm switch
                {
                    "sha384" => HashAlgorithmName.SHA384,
                    "sha512" => HashAlgorithmName.SHA512,
                    _ => HashAlgorithmName.SHA256,
                });
                await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
                await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                var buffer = new byte[81920];
                long total = 0;
                int n;
                while ((n = await body.ReadAsync(buffer, cts.Token)) > 0)
                {
                    total += n;
                    if (total > _options.MaxDownloadBytes)
                    {
                        throw TooBig(url);
                    }

                    hash.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), cts.Token);
                }
                return Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            catch (HttpRequestException e) when (attempt < _options.Retries)
            {
                _ = e;
                await Task.Delay(delay, cts.Token);
                delay *= 2;
            }
            catch (HttpRequestException e)
            {
                throw new BuildException(ConditionReasons.ArtifactFailed, $"failed to download archive from {Redact(url)}: {e.Message}", e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new BuildException(ConditionReasons.ArtifactFailed, $"failed to download archive from {Redact(url)}: timed out after {_options.Timeout}", e);
            }
        }
    }

    private BuildException TooBig(Uri url) =>
        new(ConditionReasons.ArtifactFailed, $"artifact from {Redact(url)} is bigger than the max download size of {_options.MaxDownloadBytes} bytes");

    private static string Redact(Uri url) =>
        string.IsNullOrEmpty(url.UserInfo) ? url.GetLeftPart(UriPartial.Path) : new UriBuilder(url) { UserName = "", Password = "", Query = "" }.Uri.GetLeftPart(UriPartial.Path);

    /// <summary>Parses <c>algorithm:hex</c>; sha256, sha384 and sha512 are supported.</summary>
    public static (string Algorithm, string Hex) ParseDigest(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        int colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new BuildException(ConditionReasons.ArtifactFailed, $"invalid artifact digest '{digest}': expected '<algorithm>:<hex>'");
        }

        var algorithm = digest[..colon];
        var hex = digest[(colon + 1)..];
        int expectedLength = algorithm switch { "sha256" => 64, "sha384" => 96, "sha512" => 128, _ => -1 };
        if (expectedLength < 0)
        {
            throw new BuildException(ConditionReasons.ArtifactFailed, $"invalid artifact digest '{digest}': unsupported algorithm '{algorithm}'");
        }

        if (hex.Length != expectedLength || !hex.All(Uri.IsHexDigit))
        {
            throw new BuildException(ConditionReasons.ArtifactFailed, $"invalid artifact digest '{digest}': expected {expectedLength} hex characters");
        }

        return (algorithm, hex);
    }

    /// <summary>Extracts a tar.gz stream into <paramref name="destinationDir"/> (created if missing) with Flux's safety rules.</summary>
    public static async Task ExtractAsync(Stream tarGz, string destinationDir, ArtifactFetchOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tarGz);
        ArgumentNullException.ThrowIfNull(destinationDir);
        options ??= new ArtifactFetchOptions();
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destinationDir));
        Directory.CreateDirectory(root);

        long totalBytes = 0;
        int entries = 0;
        try
        {
            await using var gz = new GZipStream(tarGz, CompressionMode.Decompress, leaveOpen: true);
            await using var reader = new TarReader(gz, leaveOpen: true);
            var buffer = new byte[81920];
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }

                if (++entries > options.MaxEntries)
                {
                    throw Fail($"tar has more than {options.MaxEntries} entries");
                }

                var name = entry.Name;
                var full = SafePath(root, name);

                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(full);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        {
                            totalBytes += entry.Length;
                            if (totalBytes > options.MaxExtractedBytes)
                            {
                                throw Fail($"tar {Quote(name)} is bigger than max archive size of {options.MaxExtractedBytes} bytes");
                            }

                            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                            var mode = (entry.Mode & (UnixFileMode)0b111_111_111) | UnixFileMode.UserRead | UnixFileMode.UserWrite;
                            var fso = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
                            if (!OperatingSystem.IsWindows())
                            {
                                fso.UnixCreateMode = mode;
                            }

                            await using (var output = new FileStream(full, fso))
                            {
                                long written = 0;
                                if (entry.DataStream is { } data)
                                {
                                    int n;
                                    while ((n = await data.ReadAsync(buffer, cancellationToken)) > 0)
                                    {
                                        written += n;
                                        if (written > entry.Length)
                                        {
                                            throw Fail($"tar entry {Quote(name)} holds more data than its header declares");
                                        }

                                        await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                                    }
                                }
                                if (written != entry.Length)
                                {
                                    throw Fail($"tar entry {Quote(name)} is truncated: only {written} of {entry.Length} bytes");
                                }
                            }
                            break;
                        }
                    case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                        {
                            var kind = entry.EntryType == TarEntryType.SymbolicLink ? "symlink" : "hard link";
                            var target = entry.LinkName ?? "";
                            var resolved = entry.EntryType == TarEntryType.SymbolicLink && !Path.IsPathRooted(target)
                                ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, target))
                                : Path.GetFullPath(Path.Combine(root, target.TrimStart('/')));
                            bool escapes = Path.IsPathRooted(target) || !KustomizationGenerator.IsInside(root, resolved);
                            throw Fail(escapes
                                ? $"tar entry {Quote(name)} is a {kind} to {Quote(target)}, which points outside the artifact root"
                                : $"tar entry {Quote(name)} is a {kind}, which is not allowed in this context");
                        }
                    default:
                        throw Fail($"tar entry {Quote(name)} contained unsupported file type {entry.EntryType}");
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw Fail($"tar error: {e.Message}", e);
        }
        catch (FormatException e)
        {
            throw Fail($"tar error: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw Fail($"tar error: unexpected end of archive: {e.Message}", e);
        }
    }

    // Flux's validRelPath plus a containment check: no empty, absolute, backslashed or '..' names.
    private static string SafePath(string root, string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('\\', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal)
            || name.StartsWith('/') || Path.IsPathRooted(name) || name.Split('/').Any(s => s == ".."))
        {
            throw Fail($"tar contained invalid name error {Quote(name)}");
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(root, name)));
        if (!KustomizationGenerator.IsInside(root, full))
        {
            throw Fail($"tar contained invalid name error {Quote(name)}");
        }
        // Never write through a link (the archive cannot create links, but the directory might hold one).
        for (var p = Path.GetDirectoryName(full); p is not null && p.Length > root.Length; p = Path.GetDirectoryName(p))
        {
            if (new DirectoryInfo(p) is { Exists: true, LinkTarget: not null })
            {
                throw Fail($"tar entry {Quote(name)} would be written through a link");
            }
        }
        return full;
    }

    private static string Quote(string s) => "\"" + s + "\"";

    private static BuildException Fail(string message, Exception? inner = null) =>
        new(ConditionReasons.ArtifactFailed, "failed to extract archive: " + message, inner);
}
