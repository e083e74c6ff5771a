namespace FluxSharp.Controllers.Notification.Notifiers;

/// <summary>One provider type: turns an event into the request(s) the real service expects, and sends them.</summary>
public interface INotifier
{
    Task PostAsync(NotificationEvent ev, CancellationToken cancellationToken);
}
