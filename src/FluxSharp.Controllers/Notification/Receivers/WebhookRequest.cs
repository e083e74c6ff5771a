namespace FluxSharp.Controllers.Notification.Receivers;

/// <summary>One call to the receiver server, independent of the HTTP stack: the request URI, the headers and the body read so far.</summary>
/// <param name="RequestUri">The path and query as sent (Flux matches the whole request URI to status.webhookPath).</param>
/// <param name="Headers">Header values by name (case-insensitive), several values joined with ", ".</param>
/// <param name="Body">The body, at most <see cref="ReceiverWebhookHandler.MaxBodyBytes"/>.</param>
public sealed record WebhookRequest(string RequestUri, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>A header's value, empty when absent (as Go's Header.Get).</summary>
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : string.Empty;

    /// <summary>The media type of Content-Type without parameters, lower case; empty when absent or unparsable.</summary>
    public string MediaType
    {
        get
        {
            var value = Header("Content-Type");
            var semicolon = value.IndexOf(';', StringComparison.Ordinal);
            return (semicolon < 0 ? value : value[..semicolon]).Trim().ToLowerInvariant();
        }
    }
}
