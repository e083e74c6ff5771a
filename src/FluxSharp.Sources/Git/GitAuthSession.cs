using System.Text;

namespace FluxSharp.Sources.Git;

/// <summary>
/// The environment of the git processes of one operation: credentials go through environment
/// variables (<c>GIT_CONFIG_COUNT</c>/<c>GIT_CONFIG_KEY_n</c>/<c>GIT_CONFIG_VALUE_n</c>) and 0600 temp files,
/// never through process arguments. Disposing deletes the temp files.
/// </summary>
internal sealed class GitAuthSession : IDisposable
{
    private readonly string? _tempDir;
    private readonly List<string> _secrets = [];

    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Secrets => _secrets;

    public GitAuthSession(string url, GitAuth? auth, GitClientOptions options, TimeSpan timeout)
    {
        var transport = GitAuth.TransportOf(url);
        var config = new List<(string Key, string Value)>();

        // Isolation from the host's configuration and no interactive prompts, ever.
        Environment["GIT_TERMINAL_PROMPT"] = "0";
        Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        Environment["GIT_ASKPASS"] = null;
        Environment["SSH_ASKPASS"] = null;
        Environment["GIT_SSH"] = null;
        Environment["GIT_DIR"] = null;
        Environment["GIT_WORK_TREE"] = null;
        Environment["GIT_SSL_CAINFO"] = null;
        Environment["GIT_SSL_NO_VERIFY"] = null;
        Environment["LC_ALL"] = "C";
        Environment["LANG"] = "C";
        config.Add(("credential.helper", ""));
        config.Add(("core.askPass", ""));
        config.Add(("init.defaultBranch", "master"));
        config.Add(("advice.detachedHead", "false"));
        config.Add(("gc.auto", "0"));
        config.Add(("core.fsmonitor", "false"));
        // Submodules over file:// are allowed only when the repository itself is local.
        config.Add(("protocol.file.allow", transport == GitTransport.File ? "always" : "user"));

        if (auth is not null)
        {
            _secrets.AddRange(auth.SecretValues());
        }

        bool needsTemp = auth is not null && (auth.CaCert is not null || auth.Identity is not null) || transport == GitTransport.Ssh;
        if (needsTemp)
        {
            var root = options.TempDirectory ?? Path.GetTempPath();
            _tempDir = Path.Combine(root, "fluxsharp-git-" + Guid.NewGuid().ToString("N"));
            var dir = Directory.CreateDirectory(_tempDir);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_tempDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            _ = dir;
        }

        if (transport is GitTransport.Http or GitTransport.Https && auth is not null)
        {
            string scope = HttpScope(url);
            if (auth.BearerToken is not null)
            {
                config.Add(($"http.{scope}.extraHeader", "Authorization: Bearer " + auth.BearerToken));
            }
            else if (auth.Username is not null)
            {
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(auth.Username + ":" + (auth.Password ?? string.Empty)));
                _secrets.Add(basic);
                config.Add(($"http.{scope}.extraHeader", "Authorization: Basic " + basic));
            }
            if (auth.CaCert is not null && transport == GitTransport.Https)
            {
                // GIT_SSL_CAINFO: the http.sslCAInfo config key is not honoured by every git/libcurl build.
                Environment["GIT_SSL_CAINFO"] = WriteSecretFile("ca.crt", auth.CaCert);
            }
        }

        if (transport == GitTransport.Ssh)
        {
            var ssh = new StringBuilder();
            ssh.Append(Quote(options.SshPath)).Append(" -F /dev/null -o IdentityAgent=none -o IdentitiesOnly=yes")
               .Append(" -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -o PasswordAuthentication=no")
               .Append(" -o KbdInteractiveAuthentication=no -o PreferredAuthentications=publickey")
               .Append(" -o ConnectTimeout=").Append(Math.Max(1, (int)Math.Min(timeout.TotalSeconds, 60)));
            if (auth?.Identity is not null)
            {
                var key = auth.Identity;
                if (key.Length > 0 && key[^1] != (byte)'\n')
                {
                    key = [.. key, (byte)'\n'];
                }

                ssh.Append(" -i ").Append(Quote(WriteSecretFile("identity", key)));
            }
            var knownHosts = auth?.KnownHosts ?? [];
            ssh.Append(" -o UserKnownHostsFile=").Append(Quote(WriteSecretFile("known_hosts", knownHosts)));
            if (!string.IsNullOrEmpty(auth?.Password))
            {
                // Encrypted key: OpenSSH asks SSH_ASKPASS for the passphrase; the script reads it from the environment.
                var askpass = WriteSecretFile("askpass.sh", Encoding.UTF8.GetBytes("#!/bin/sh\nprintf '%s\\n' \"$FLUXSHARP_SSH_KEY_PASSPHRASE\"\n"));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(askpass, UnixFileMode.UserRead | UnixFileMode.UserExecute);
                }

                Environment["SSH_ASKPASS"] = askpass;
                Environment["SSH_ASKPASS_REQUIRE"] = "force";
                Environment["DISPLAY"] = ":0";
                Environment["FLUXSHARP_SSH_KEY_PASSPHRASE"] = auth.Password;
            }
            else
            {
                ssh.Append(" -o BatchMode=yes");
            }
            Environment["GIT_SSH_COMMAND"] = ssh.ToString();
            Environment["GIT_SSH_VARIANT"] = "ssh";
        }

        Environment["GIT_CONFIG_COUNT"] = config.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < config.Count; i++)
        {
            Environment[$"GIT_CONFIG_KEY_{i}"] = config[i].Key;
            Environment[$"GIT_CONFIG_VALUE_{i}"] = config[i].Value;
        }
    }

    /// <summary><c>scheme://host[:port]/</c> of an HTTP URL, so headers are only sent to that server.</summary>
    private static string HttpScope(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"{uri.Scheme}://{uri.Authority}/";
        }

        return url;
    }

    private string WriteSecretFile(string name, byte[] content)
    {
        var path = Path.Combine(_tempDir!, name);
        var fso = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fso.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var fs = new FileStream(path, fso))
        {
            fs.Write(content);
        }
        return path;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        if (_tempDir is null)
        {
            return;
        }

        try
        {
            Directory.Delete(_tempDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort; the directory only holds this operation's files
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
