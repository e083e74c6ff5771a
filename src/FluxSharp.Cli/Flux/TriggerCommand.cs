using System.CommandLine;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Api.Notification.V1;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp trigger receiver NAME --url --token [--type generic|generic-hmac|generic-oidc]`, as Flux 2.9's
/// `flux trigger receiver`: computes the webhook path from the name, namespace and token, POSTs the payload
/// (signed with X-Signature for generic-hmac, a bearer OIDC token for generic-oidc) and retries connection errors
/// and retryable answers (404, 408, 429, 5xx). No cluster access. The token and the full path are never printed.
/// </summary>
internal static class TriggerCommand
{
    private const string OidcTokenVariable = "FLUX_TRIGGER_RECEIVER_OIDC_TOKEN";
    private const string DefaultOidcAudience = "notification-controller";
    private static readonly string[] Types = [ReceiverTypes.Generic, ReceiverTypes.GenericHmac, ReceiverTypes.GenericOidc];

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "the Receiver's name" };
        var token = new Option<string?>("--token") { Description = "the Receiver token, required for all types except generic-oidc where it must not be set" };
        var url = new Option<string?>("--url") { Description = "the base URL of the webhook receiver, may contain a base path" };
        var type = new Option<string>("--type") { Description = "the Receiver type, one of: generic, generic-hmac, generic-oidc", DefaultValueFactory = _ => ReceiverTypes.Generic };
        var oidcProvider = new Option<string?>("--oidc-provider") { Description = "the OIDC provider to fetch the token from, one of: github, forgejo (generic-oidc only, mutually exclusive with --oidc-token)" };
        var oidcToken = new Option<string?>("--oidc-token") { Description = $"the OIDC token to authenticate the request (generic-oidc only, mutually exclusive with --oidc-provider); defaults to the {OidcTokenVariable} environment variable" };
        var oidcAudience = new Option<string?>("--oidc-audience") { Description = $"the audience of the OIDC token to fetch (requires --oidc-provider); defaults to \"{DefaultOidcAudience}\"" };
        var payload = new Option<string>("--payload") { Description = "the JSON payload to send in the request body", DefaultValueFactory = _ => "{}" };
        var retries = new Option<int>("--retries") { Description = "the number of times to retry on connection errors or retryable HTTP status codes (404, 408, 429, 5xx); set to 0 to disable", DefaultValueFactory = _ => 10 };
        var retryDelay = new Option<string>("--retry-delay") { Description = "the delay between retries", DefaultValueFactory = _ => "10s" };
        var receiver = new Command("receiver", "Trigger the webhook of a Receiver") { name, token, url, type, oidcProvider, oidcToken, oidcAudience, payload, retries, retryDelay };
        receiver.SetAction(async (parse, ct) =>
        {
            var args = new TriggerArgs(
                parse.GetValue(name)!,
                GlobalOptions.NamespaceOf(parse),
                parse.GetValue(url),
                parse.GetValue(token),
                parse.GetValue(type) ?? ReceiverTypes.Generic,
                parse.GetValue(oidcProvider),
                parse.GetValue(oidcToken),
                parse.GetValue(oidcAudience),
                parse.GetValue(payload) ?? "{}",
                parse.GetValue(retries),
                GoDuration.TryParse(parse.GetValue(retryDelay), out var delay) ? delay : throw new ArgumentException($"--retry-delay: invalid duration \"{parse.GetValue(retryDelay)}\""));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(GlobalOptions.TimeoutOf(parse));
            try
            {
                await TriggerAsync(args, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new CliException($"timed out after {parse.GetValue(GlobalOptions.Timeout)} triggering Receiver {args.Namespace}/{args.Name}");
            }

            return 0;
        });
        return new Command("trigger", "Trigger Flux resources from outside the cluster") { receiver };
    }

    private static async Task TriggerAsync(TriggerArgs args, CancellationToken cancellationToken)
    {
        Validate(args);
        var oidc = args.Type == ReceiverTypes.GenericOidc;
        var path = Receiver.WebhookPath(oidc ? string.Empty : args.Token!, args.Name, args.Namespace);
        var target = new Uri(args.Url!.TrimEnd('/') + path);
        var shown = args.Url!.TrimEnd('/') + path[..(Receiver.WebhookPathPrefix.Length + 8)] + "…";
        var body = Encoding.UTF8.GetBytes(args.Payload);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (args.Type == ReceiverTypes.GenericHmac)
        {
            headers["X-Signature"] = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(args.Token!), body));
        }

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        if (oidc)
        {
            headers["Authorization"] = "Bearer " + await OidcTokenAsync(http, args, cancellationToken);
        }

        var version = typeof(TriggerCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        Log.Action($"triggering Receiver {args.Namespace}/{args.Name}");
        for (var attempt = 0; ; attempt++)
        {
            var (retryable, error) = await SendAsync(http, target, shown, body, headers, version, cancellationToken);
            if (error is null)
            {
                Log.Success($"Receiver {args.Namespace}/{args.Name} triggered");
                return;
            }

            if (!retryable || attempt >= args.Retries)
            {
                throw new CliException(error);
            }

            Log.Waiting($"{error}; retrying in {GoDuration.Format(args.RetryDelay)} ({attempt + 1}/{args.Retries})");
            await Task.Delay(args.RetryDelay, cancellationToken);
        }
    }

    private static async Task<(bool Retryable, string? Error)> SendAsync(HttpClient http, Uri target, string shown, byte[] body, Dictionary<string, string> headers, string version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", $"fluxsharp/v{version}");
        foreach (var (key, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (false, null);
            }

            var code = (int)response.StatusCode;
            var text = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            var error = $"request to {shown} failed with status {code} {response.ReasonPhrase}" + (text.Length > 0 ? $": {text}" : string.Empty);
            return (code is 404 or 408 or 429 or 500 or 502 or 503 or 504, error);
        }
        catch (HttpRequestException e)
        {
            return (true, $"request to {shown} failed: {e.Message}");
        }
    }

    /// <summary>Flux's validateTriggerReceiverArgs.</summary>
    private static void Validate(TriggerArgs args)
    {
        if (string.IsNullOrEmpty(args.Url))
        {
            throw new CliException("--url is required");
        }

        if (!Types.Contains(args.Type))
        {
            throw new CliException($"invalid --type \"{args.Type}\", must be one of: {string.Join(", ", Types)}");
        }

        if (args.Type != ReceiverTypes.GenericOidc)
        {
            if (string.IsNullOrEmpty(args.Token))
            {
                throw new CliException($"--token is required for --type={args.Type}");
            }

            if (!string.IsNullOrEmpty(args.OidcProvider) || !string.IsNullOrEmpty(args.OidcToken) || !string.IsNullOrEmpty(args.OidcAudience))
            {
                throw new CliException("--oidc-provider, --oidc-token and --oidc-audience can only be set for --type=generic-oidc");
            }

            return;
        }

        if (!string.IsNullOrEmpty(args.Token))
        {
            throw new CliException("--token must not be set for --type=generic-oidc, the Receiver of this type has no secret");
        }

        if (!string.IsNullOrEmpty(args.OidcProvider) && !string.IsNullOrEmpty(args.OidcToken))
        {
            throw new CliException("--oidc-provider and --oidc-token are mutually exclusive");
        }

        if (!string.IsNullOrEmpty(args.OidcProvider) && args.OidcProvider is not ("github" or "forgejo"))
        {
            throw new CliException($"invalid --oidc-provider \"{args.OidcProvider}\", must be one of: github, forgejo");
        }

        if (!string.IsNullOrEmpty(args.OidcAudience) && string.IsNullOrEmpty(args.OidcProvider))
        {
            throw new CliException("--oidc-audience can only be set together with --oidc-provider");
        }
    }

    /// <summary>
    /// The OIDC token: from the CI's token endpoint (GitHub and Forgejo Actions set ACTIONS_ID_TOKEN_REQUEST_URL and
    /// _TOKEN for jobs with id-token: write), from --oidc-token, or from FLUX_TRIGGER_RECEIVER_OIDC_TOKEN.
    /// </summary>
    private static async Task<string> OidcTokenAsync(HttpClient http, TriggerArgs args, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(args.OidcProvider))
        {
            var requestUrl = Environment.GetEnvironmentVariable("ACTIONS_ID_TOKEN_REQUEST_URL");
            var requestToken = Environment.GetEnvironmentVariable("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
            if (string.IsNullOrEmpty(requestUrl) || string.IsNullOrEmpty(requestToken))
            {
                throw new CliException("ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set; does the job have 'permissions: id-token: write'?");
            }

            var audience = string.IsNullOrEmpty(args.OidcAudience) ? DefaultOidcAudience : args.OidcAudience;
            using var request = new HttpRequestMessage(HttpMethod.Get, requestUrl + (requestUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "audience=" + Uri.EscapeDataString(audience));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", requestToken);
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                return response.IsSuccessStatusCode && (string?)JsonNode.Parse(text)?["value"] is { Length: > 0 } value
                    ? value
                    : throw new CliException($"failed to fetch the OIDC token from {args.OidcProvider}: status {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException)
            {
                throw new CliException($"failed to fetch the OIDC token from {args.OidcProvider}: {e.Message}");
            }
        }

        if (!string.IsNullOrEmpty(args.OidcToken))
        {
            return args.OidcToken;
        }

        return Environment.GetEnvironmentVariable(OidcTokenVariable) is { Length: > 0 } fromEnv
            ? fromEnv
            : throw new CliException($"no OIDC token provided: set --oidc-provider, --oidc-token or the {OidcTokenVariable} environment variable");
    }

    private sealed record TriggerArgs(
        string Name,
        string Namespace,
        string? Url,
        string? Token,
        string Type,
        string? OidcProvider,
        string? OidcToken,
        string? OidcAudience,
        string Payload,
        int Retries,
        TimeSpan RetryDelay);
}
