using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace FluxSharp.Testing.Git;

/// <summary>
/// Smart HTTP git servers over one project root, started once per test class: anonymous HTTP, basic auth,
/// bearer token, and anonymous HTTPS with a throw-away CA (<see cref="CaPem"/>).
/// </summary>
public sealed class GitHttpServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = new("fluxsharp-githttp");
    private TestCertificates? _certs;

    public string ProjectRoot => _root.Path;

    public GitHttpServer Anonymous { get; private set; } = null!;

    public GitHttpServer Basic { get; private set; } = null!;

    public GitHttpServer Bearer { get; private set; } = null!;

    public GitHttpServer Https { get; private set; } = null!;

    public string Username { get; } = "flux";

    public string Password { get; } = "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public string BearerToken { get; } = "tok-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public string CaPem => _certs!.CaPem;

    /// <summary>Secret data for the basic-auth server.</summary>
    public IReadOnlyDictionary<string, byte[]> BasicSecret => new Dictionary<string, byte[]>
    {
        ["username"] = Encoding.UTF8.GetBytes(Username),
        ["password"] = Encoding.UTF8.GetBytes(Password),
    };

    /// <summary>Secret data for the bearer-token server.</summary>
    public IReadOnlyDictionary<string, byte[]> BearerSecret => new Dictionary<string, byte[]>
    {
        ["bearerToken"] = Encoding.UTF8.GetBytes(BearerToken),
    };

    /// <summary>Secret data for the HTTPS server.</summary>
    public IReadOnlyDictionary<string, byte[]> CaSecret => new Dictionary<string, byte[]>
    {
        ["ca.crt"] = Encoding.UTF8.GetBytes(CaPem),
    };

    public Task<GitRepositoryBuilder> CreateRepositoryAsync(string name, string defaultBranch = "master") =>
        GitRepositoryBuilder.CreateAsync(ProjectRoot, name, defaultBranch);

    public async Task InitializeAsync()
    {
        _certs = TestCertificates.Create();
        Anonymous = await GitHttpServer.StartAsync(new GitHttpServerOptions(ProjectRoot));
        Basic = await GitHttpServer.StartAsync(new GitHttpServerOptions(ProjectRoot) { Username = Username, Password = Password });
        Bearer = await GitHttpServer.StartAsync(new GitHttpServerOptions(ProjectRoot) { BearerToken = BearerToken });
        Https = await GitHttpServer.StartAsync(new GitHttpServerOptions(ProjectRoot) { Certificate = _certs.Server });
    }

    public async Task DisposeAsync()
    {
        foreach (var s in new[] { Anonymous, Basic, Bearer, Https })
        {
            if (s is not null)
            {
                await s.DisposeAsync();
            }
        }
        _certs?.Dispose();
        _root.Dispose();
    }
}
