namespace FluxSharp.LocalCluster.Http;

/// <summary>Files only the owner may read (credentials): created 0600, written beside and renamed into place.</summary>
internal static class PrivateFile
{
    /// <summary>Writes <paramref name="content"/> to a new file that is 0600 from its creation, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAtomically(string path, string content)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        using (var stream = new FileStream(temp, Options()))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        // Renamed into place so that a crash never leaves half a file behind.
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The same, asynchronously.</summary>
    public static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        await using (var stream = new FileStream(temp, Options()))
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content), cancellationToken);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static FileStreamOptions Options()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}
