namespace FluxSharp.Sources.Git;

/// <summary>Maps git's (sanitized) stderr to a <see cref="GitErrorKind"/>.</summary>
internal static class GitErrorClassifier
{
    private static readonly (GitErrorKind Kind, string[] Needles)[] Rules =
    [
        (GitErrorKind.HostKeyVerificationFailed, ["Host key verification failed", "REMOTE HOST IDENTIFICATION HAS CHANGED", "host key for", "No matching host key"]),
        (GitErrorKind.TlsVerificationFailed, ["SSL certificate problem", "server certificate verification failed", "unable to get local issuer certificate", "self-signed certificate", "self signed certificate", "certificate verify failed"]),
        (GitErrorKind.AuthenticationFailed, ["Authentication failed", "could not read Username", "could not read Password", "terminal prompts disabled", "Permission denied (publickey", "Permission denied, please try again", "HTTP Basic: Access denied", "The requested URL returned error: 401", "The requested URL returned error: 403", "Invalid username or password", "incorrect passphrase", "Load key", "invalid format"]),
        (GitErrorKind.Unreachable, ["Could not resolve host", "Connection refused", "Failed to connect", "Connection timed out", "No route to host", "Network is unreachable", "Could not resolve hostname", "Couldn't connect to server", "Connection reset", "Connection closed by remote host", "Empty reply from server"]),
        (GitErrorKind.NotFound, ["couldn't find remote ref", "Repository not found", "not found", "The requested URL returned error: 404", "No such file or directory", "unadvertised object", "not our ref", "did not match any"]),
        (GitErrorKind.NotAGitRepository, ["does not appear to be a git repository", "not a git repository", "is this a git repository", "not valid: is this a git repository", "protocol error: bad", "invalid server response"]),
    ];

    public static GitErrorKind Classify(string stderr)
    {
        foreach (var (kind, needles) in Rules)
        {
            foreach (var n in needles)
            {
                if (stderr.Contains(n, StringComparison.OrdinalIgnoreCase))
                {
                    return kind;
                }
            }
        }
        return GitErrorKind.Other;
    }

    /// <summary>A hint that tells the user what to fix, by kind.</summary>
    public static string Hint(GitErrorKind kind) => kind switch
    {
        GitErrorKind.AuthenticationFailed => "check the credentials in spec.secretRef (username/password, bearerToken or identity) and that they grant read access",
        GitErrorKind.HostKeyVerificationFailed => "the SSH host key does not match 'known_hosts' in spec.secretRef: update known_hosts with the server's current host key (ssh-keyscan)",
        GitErrorKind.TlsVerificationFailed => "the server certificate is not trusted: put the CA certificate under 'ca.crt' in spec.secretRef",
        GitErrorKind.Unreachable => "the git server could not be reached: check the host and port in spec.url and the network",
        GitErrorKind.NotFound => "check spec.url and spec.ref: the repository or reference does not exist (or is hidden from these credentials)",
        GitErrorKind.NotAGitRepository => "spec.url does not point to a git repository",
        _ => "see the git output above",
    };
}
