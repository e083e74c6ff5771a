namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>A Provider that cannot be used as configured (bad address, missing secret key); the message names the field, never its value.</summary>
public sealed class NotifierConfigException(string message) : Exception(message);

/// <summary>Checks of provider addresses that never echo the address (it may hold a token).</summary>
public static class NotifierAddress
{
    /// <summary>An absolute http(s) URL, as Go's url.ParseRequestURI wants.</summary>
    public static Uri RequireUrl(string address, string field)
    {
        if (string.IsNullOrEmpty(address))
        {
            throw new NotifierConfigException($"no {field}: set spec.address or the secretRef's 'address' key");
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new NotifierConfigException($"invalid {field}: expected an http(s) URL");
        }

        return uri;
    }

    /// <summary>The object named as Flux's notifiers name it: lower-case kind/name.namespace.</summary>
    public static string ObjectName(NotificationEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        return $"{ev.InvolvedObject.Kind?.ToLowerInvariant()}/{ev.InvolvedObject.Name}.{ev.InvolvedObject.NamespaceProperty}";
    }
}
