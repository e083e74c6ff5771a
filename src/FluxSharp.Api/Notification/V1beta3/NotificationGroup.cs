namespace FluxSharp.Api.Notification.V1beta3;

/// <summary>The API group and version of Flux's Alert and Provider.</summary>
public static class NotificationGroup
{
    public const string Name = "notification.toolkit.fluxcd.io";
    public const string Version = "v1beta3";
    public const string GroupVersion = Name + "/" + Version;
}
