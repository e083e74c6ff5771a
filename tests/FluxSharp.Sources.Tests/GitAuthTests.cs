using System.Text;
using FluxSharp.Sources.Git;

namespace FluxSharp.Sources.Tests;

public sealed class GitAuthTests
{
    private static Dictionary<string, byte[]> Data(params (string Key, string Value)[] kv) =>
        kv.ToDictionary(x => x.Key, x => Encoding.UTF8.GetBytes(x.Value));

    [Fact]
    public void SshNeedsIdentityAndKnownHosts()
    {
        var e1 = Assert.Throws<GitOperationException>(() => GitAuth.FromSecret(Data(("known_hosts", "h")), "ssh://git@example.com/repo"));
        Assert.Equal(GitErrorKind.InvalidAuth, e1.Kind);
        Assert.Contains("'identity'", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<GitOperationException>(() => GitAuth.FromSecret(Data(("identity", "k")), "git@example.com:org/repo.git"));
        Assert.Contains("'known_hosts'", e2.Message, StringComparison.Ordinal);
        var ok = GitAuth.FromSecret(Data(("identity", "k"), ("known_hosts", "h"), ("password", "pp")), "ssh://git@example.com/repo");
        Assert.Equal(GitTransport.Ssh, ok.Transport);
        Assert.Equal("pp", ok.Password);
    }

    [Fact]
    public void HttpValidation()
    {
        var e1 = Assert.Throws<GitOperationException>(() => GitAuth.FromSecret(Data(("username", "u"), ("bearerToken", "t")), "https://example.com/r"));
        Assert.Contains("bearerToken", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<GitOperationException>(() => GitAuth.FromSecret(Data(("password", "p")), "https://example.com/r"));
        Assert.Contains("'username'", e2.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("p'", e2.Message.Replace("'password'", "", StringComparison.Ordinal).Replace("'username'", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var basic = GitAuth.FromSecret(Data(("username", "u"), ("password", "secret-pw")), "http://example.com/r");
        Assert.Equal(GitTransport.Http, basic.Transport);
        Assert.DoesNotContain("secret-pw", basic.ToString(), StringComparison.Ordinal);
        var legacyCa = GitAuth.FromSecret(Data(("caFile", "PEM")), "https://example.com/r");
        Assert.Equal("PEM", Encoding.UTF8.GetString(legacyCa.CaCert!));
        var ca = GitAuth.FromSecret(Data(("ca.crt", "NEW"), ("caFile", "OLD")), "https://example.com/r");
        Assert.Equal("NEW", Encoding.UTF8.GetString(ca.CaCert!));
    }

    [Fact]
    public void SanitizerStripsCredentials()
    {
        var s = GitSanitizer.Sanitize("fatal: unable to access 'https://user:hunter2@host/x': Authorization: Bearer abcdefghijkl; token abc-secret", ["abc-secret"]);
        Assert.DoesNotContain("hunter2", s, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefghijkl", s, StringComparison.Ordinal);
        Assert.DoesNotContain("abc-secret", s, StringComparison.Ordinal);
        Assert.Contains("https://host/x", s, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferencePrecedenceAndDefault()
    {
        Assert.Equal(GitReferenceKind.Branch, GitReference.Default.Kind);
        Assert.Equal("master", GitReference.Default.EffectiveBranch);
        Assert.Equal(GitReferenceKind.Commit, new GitReference("b", "t", "1.x", "refs/heads/x", new string('a', 40)).Kind);
        Assert.Equal(GitReferenceKind.Name, new GitReference("b", "t", "1.x", "refs/heads/x").Kind);
        Assert.Equal(GitReferenceKind.SemVer, new GitReference("b", "t", "1.x").Kind);
        Assert.Equal(GitReferenceKind.Tag, new GitReference("b", "t").Kind);
    }
}
