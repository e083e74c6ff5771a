using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FluxSharp.Sources.Oci;

/// <summary>
/// Answers a registry's <c>WWW-Authenticate</c> challenge: basic credentials for a Basic challenge, or a bearer token
/// from the challenge's realm (asked for with the credentials when there are some, anonymously otherwise) for a Bearer
/// one. The answer is cached per scope (<c>repository:name:pull[,push]</c>) for the client's lifetime, so later
/// requests send it up front. Tokens and passwords never appear in a message.
/// </summary>
internal sealed class OciAuthenticator(HttpClient http, OciCredentials? credentials)
{
    private readonly HttpClient _http = http;
    private readonly OciCredentials? _credentials = credentials;
    private readonly Dictionary<string, AuthenticationHeaderValue> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The authorization that answered this scope before, if any.</summary>
    public AuthenticationHeaderValue? Cached(string scope)
    {
        lock (_lock)
        {
            return _cache.GetValueOrDefault(scope);
        }
    }

    /// <summary>The authorization answering <paramref name="challenge"/> for <paramref name="scope"/>, remembered for later requests.</summary>
    public async Task<AuthenticationHeaderValue> AnswerAsync(OciReference repository, AuthenticationHeaderValue? challenge, string scope, CancellationToken ct)
    {
        var answer = await AuthorizeAsync(repository, challenge, scope, ct);
        lock (_lock)
        {
            _cache[scope] = answer;
        }

        return answer;
    }

    private async Task<AuthenticationHeaderValue> AuthorizeAsync(OciReference repository, AuthenticationHeaderValue? challenge, string scope, CancellationToken ct)
    {
        if (challenge is null || challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return _credentials is null
                ? throw new OciException(OciErrorKind.AuthenticationFailed, $"{repository.RepositoryUrl}: authentication required: the registry asks for credentials and none were given (spec.secretRef, or --creds)")
                : new AuthenticationHeaderValue("Basic", _credentials.BasicValue());
        }

        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new OciException(OciErrorKind.AuthenticationFailed, $"{repository.RepositoryUrl}: unsupported authentication scheme '{challenge.Scheme}'");
        }

        if (_credentials?.RegistryToken is { Length: > 0 } registryToken)
        {
            return new AuthenticationHeaderValue("Bearer", registryToken);
        }

        var parameters = ParseChallenge(challenge.Parameter ?? "");
        if (!parameters.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
        {
            throw new OciException(OciErrorKind.AuthenticationFailed, $"{repository.RepositoryUrl}: the registry's bearer challenge has no valid realm");
        }

        var query = new List<string>();
        if (parameters.TryGetValue("service", out var service))
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        query.AddRange(scope.Split(' ').Select(s => "scope=" + Uri.EscapeDataString(s)));
        var tokenUrl = new UriBuilder(realmUri) { Query = string.Join('&', query) }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, tokenUrl);
        if (_credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _credentials.BasicValue());
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw OciRegistryClient.Unreachable(repository, e);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new OciException(OciErrorKind.AuthenticationFailed, $"{repository.RepositoryUrl}: authentication failed: the token service refused the credentials ({(int)response.StatusCode})");
            }

            await OciRegistryClient.EnsureSuccessAsync(response, repository, ct);
            using var doc = JsonDocument.Parse(await OciRegistryClient.ReadLimitedAsync(response, 1 << 20, repository, ct));
            var token = doc.RootElement.TryGetProperty("token", out var t) ? t.GetString()
                : doc.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null;
            return string.IsNullOrEmpty(token)
                ? throw new OciException(OciErrorKind.AuthenticationFailed, $"{repository.RepositoryUrl}: the token service answered without a token")
                : new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>Parses <c>realm="...",service="...",scope="..."</c>.</summary>
    internal static Dictionary<string, string> ParseChallenge(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameter.Length)
        {
            while (i < parameter.Length && (parameter[i] == ',' || char.IsWhiteSpace(parameter[i])))
            {
                i++;
            }

            var eq = parameter.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = parameter[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < parameter.Length && parameter[i] == '"')
            {
                var end = parameter.IndexOf('"', i + 1);
                end = end < 0 ? parameter.Length : end;
                value = parameter[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = parameter.IndexOf(',', i);
                end = end < 0 ? parameter.Length : end;
                value = parameter[i..end].Trim();
                i = end;
            }

            result[key] = value;
        }

        return result;
    }
}
