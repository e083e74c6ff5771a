using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FluxSharp.Controllers.Notification;

/// <summary>What a provider answered.</summary>
public sealed record ProviderResponse(HttpStatusCode Status, string Body, HttpResponseHeaders Headers);

/// <summary>A provider's endpoint answered with an error (after retries); the message never holds the address or a secret.</summary>
public sealed class ProviderRequestException(string message, HttpStatusCode? status = null, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>
/// Sends a provider's requests as Flux's notifiers do through go-retryablehttp: up to 4 retries on connection
/// errors, 429 and 5xx (not 501), waiting 2s, 4s, 8s... up to 30s (or Retry-After), all within the provider timeout
/// the caller's token carries. Connections are pooled per TLS/proxy setting.
/// </summary>
public sealed class ProviderHttp : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _invokers = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public ProviderHttp(TimeProvider time) => _time = time;

    public const string UserAgent = "fluxsharp-notification-controller";

    public int MaxRetries { get; init; } = 4;

    public TimeSpan RetryWaitMin { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryWaitMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sends one request (rebuilt on each attempt); 2xx answers are returned, anything else throws.</summary>
    public async Task<ProviderResponse> SendAsync(ProviderSettings settings, Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(request);
        var invoker = Invoker(settings);
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            Exception failure;
            try
            {
                using var message = request();
                message.Headers.UserAgent.TryParseAdd(UserAgent);
                using var response = await invoker.SendAsync(message, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if ((int)response.StatusCode is >= 200 and < 300)
                {
                    return new ProviderResponse(response.StatusCode, body, response.Headers);
                }

                failure = new ProviderRequestException($"request failed with status code {(int)response.StatusCode}: {Truncate(body)}", response.StatusCode);
                if (!Retryable(response.StatusCode))
                {
                    throw failure;
                }

                retryAfter = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable ? response.Headers.RetryAfter?.Delta : null;
            }
            catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new ProviderRequestException($"failed to execute request: {e.Message}", null, e);
            }

            if (attempt >= MaxRetries)
            {
                throw attempt == 0 ? failure : new ProviderRequestException($"giving up after {attempt + 1} attempt(s): {failure.Message}", (failure as ProviderRequestException)?.Status, failure);
            }

            var wait = retryAfter ?? TimeSpan.FromTicks(Math.Min(RetryWaitMax.Ticks, RetryWaitMin.Ticks * (1L << Math.Min(attempt, 20))));
            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    /// <summary>A JSON POST with Content-Type application/json, as postMessage sends it.</summary>
    public static HttpRequestMessage JsonPost(string url, string json, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        Request(HttpMethod.Post, url, json, "application/json", headers);

    public static HttpRequestMessage Request(HttpMethod method, string url, string? body, string? contentType, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var message = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            message.Content = new StringContent(body, Encoding.UTF8);
            message.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers ?? [])
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && message.Content is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else
            {
                message.Headers.Remove(name);
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
        {
            invoker.Dispose();
        }

        _invokers.Clear();
    }

    private static bool Retryable(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    private static string Truncate(string body) => body.Length > 512 ? body[..512] + "..." : body;

    private HttpMessageInvoker Invoker(ProviderSettings settings)
    {
        var key = (settings.Tls?.Fingerprint ?? "-") + "|" + settings.Proxy?.Address + "|" + settings.Proxy?.Username + "|" + settings.Proxy?.Password?.GetHashCode(StringComparison.Ordinal);
        if (_invokers.TryGetValue(key, out var existing))
        {
            return existing;
        }

        if (_invokers.Count > 256)
        {
            // Settings churn (rotated secrets): start over rather than grow without bound.
            foreach (var old in _invokers.Values)
            {
                old.Dispose();
            }

            _invokers.Clear();
        }

        return _invokers.GetOrAdd(key, _ => new HttpMessageInvoker(Handler(settings)));
    }

    private static SocketsHttpHandler Handler(ProviderSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (settings.Proxy is { } proxy)
        {
            handler.Proxy = new WebProxy(proxy.Address)
            {
                Credentials = proxy.Username is null ? null : new NetworkCredential(proxy.Username, proxy.Password),
            };
            handler.UseProxy = true;
        }
        else
        {
            handler.UseProxy = false;
        }

        if (settings.Tls is { } tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = tls.ClientCertificate is null ? null : new X509CertificateCollection { tls.ClientCertificate },
                RemoteCertificateValidationCallback = tls.Ca is null ? null : (_, certificate, _, errors) => TrustedBy(tls.Ca, certificate, errors),
            };
        }

        return handler;
    }

    /// <summary>With a CA from certSecretRef, only chains to that CA are trusted (and the host name must match).</summary>
    private static bool TrustedBy(X509Certificate2Collection ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
