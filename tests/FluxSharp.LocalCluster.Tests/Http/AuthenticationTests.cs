using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Tests.Conformance;
using FluxSharp.LocalCluster.Tests.Infrastructure;
using FluxSharp.LocalCluster.Tests.Storage;
using FluxSharp.Testing;
using k8s;

namespace FluxSharp.LocalCluster.Tests.Http;

/// <summary>
/// Only the admin token of the kubeconfig gets in; without credentials only what kube-apiserver's
/// system:public-info-viewer role shows is served; refusals are kube-apiserver's 401 Status.
/// </summary>
public sealed class AuthenticationTests(LocalControlPlaneFixture fixture) : IClassFixture<LocalControlPlaneFixture>
{
    private const string UnauthorizedStatus = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""";

    /// <summary>A client that trusts the server's certificate and sends no credentials.</summary>
    private HttpClient Anonymous()
    {
        var http = fixture.Plane.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = null;
        return http;
    }

    [Theory]
    [InlineData("/api/v1/namespaces")]
    [InlineData("/api/v1/namespaces/default/secrets")]
    [InlineData("/apis")]
    [InlineData("/api")]
    [InlineData("/openapi/v2")]
    [InlineData("/")]
    public async Task A_request_without_a_token_gets_kube_apiservers_401_status(string path)
    {
        using var http = Anonymous();
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(UnauthorizedStatus, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer fluxsharp-local-admin")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task A_wrong_token_or_another_scheme_gets_401_and_nothing_is_written(string authorization)
    {
        var ns = await fixture.NewNamespaceAsync();
        using var http = Anonymous();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        using var body = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"intruder"}}""", Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(UnauthorizedStatus, await response.Content.ReadAsStringAsync());
        Assert.Empty((await fixture.Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items);
    }

    [Fact]
    public async Task A_token_with_one_character_changed_is_refused_even_on_health_checks()
    {
        var token = fixture.Plane.AdminToken;
        var altered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        using var http = Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", altered);

        using var api = await http.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative));
        using var healthz = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, healthz.StatusCode);
    }

    [Fact]
    public async Task The_admin_token_gets_in_with_the_bearer_scheme_in_any_case()
    {
        using var http = fixture.NewHttpClient();
        using var list = await http.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("NamespaceList", (string?)JsonNode.Parse(await list.Content.ReadAsStringAsync())!["kind"]);

        using var lower = Anonymous();
        lower.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer " + fixture.Plane.AdminToken);
        using var again = await lower.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/livez")]
    [InlineData("/readyz")]
    [InlineData("/readyz/ping")]
    [InlineData("/version")]
    public async Task Health_checks_and_version_are_public_as_in_system_public_info_viewer(string path)
    {
        using var http = Anonymous();
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Impersonation_headers_without_a_token_do_not_get_in()
    {
        using var http = Anonymous();
        http.DefaultRequestHeaders.Add("Impersonate-User", "system:admin");
        http.DefaultRequestHeaders.Add("Impersonate-Group", "system:masters");
        using var response = await http.GetAsync(new Uri("/api/v1/secrets", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Kubectl_works_with_the_kubeconfig_and_is_refused_when_its_token_is_altered()
    {
        Assert.Contains("namespace/default", await fixture.Kubectl.OkAsync("get", "namespaces", "-o", "name"), StringComparison.Ordinal);

        var token = fixture.Plane.AdminToken;
        var altered = (await File.ReadAllTextAsync(fixture.KubeconfigPath)).Replace(token, token[..^2] + (token.EndsWith("zz", StringComparison.Ordinal) ? "yy" : "zz"), StringComparison.Ordinal);
        var path = Path.Combine(fixture.Directory, "altered-kubeconfig");
        await File.WriteAllTextAsync(path, altered);
        var refused = await new Kubectl(path, Path.Combine(fixture.Directory, "altered-cache")).RunAsync("get", "namespaces");

        Assert.False(refused.Success);
        Assert.Contains("You must be logged in to the server", refused.Stderr, StringComparison.Ordinal);
    }
}

/// <summary>Where the token lives: in the state dir and the kubeconfig (both 0600), the same across restarts.</summary>
public sealed class AdminTokenTests : IDisposable
{
    private readonly TempStateDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_token_is_random_kept_0600_in_the_state_dir_and_stable_across_restarts()
    {
        string token;
        var kubeconfig = _dir.File("kubeconfig");
        await using (var plane = await _dir.StartAsync())
        {
            token = plane.AdminToken;
            await plane.WriteKubeconfigAsync(kubeconfig);
        }

        // 32 random bytes, base64url.
        Assert.Equal(43, token.Length);
        Assert.Equal(token, (await File.ReadAllTextAsync(_dir.File("token"))).Trim());
        Assert.Contains(token, await File.ReadAllTextAsync(kubeconfig), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File("token")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kubeconfig));
        }

        await using var restarted = await _dir.StartAsync();
        Assert.Equal(token, restarted.AdminToken);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        config.Host = restarted.BaseUrl.ToString();
        using var again = new Kubernetes(config);
        Assert.Contains((await again.CoreV1.ListNamespaceAsync()).Items, n => n.Metadata.Name == "default");
    }

    [Fact]
    public async Task An_in_memory_control_plane_gets_a_fresh_token_each_start()
    {
        await using var first = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { SimulateWorkloads = false });
        await using var second = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { SimulateWorkloads = false });
        Assert.NotEqual(first.AdminToken, second.AdminToken);
        Assert.Contains($"token: \"{first.AdminToken}\"", first.Kubeconfig, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kubeconfig_written_over_an_open_file_becomes_0600()
    {
        await using var plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { SimulateWorkloads = false });
        var path = _dir.File("kubeconfig");
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllTextAsync(path, "old");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        await plane.WriteKubeconfigAsync(path);

        Assert.Contains(plane.AdminToken, await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }
}
