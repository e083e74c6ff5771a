using System.Text.Json.Nodes;
using FluxSharp.Api.Notification.V1beta3;
using FluxSharp.Controllers.Kustomize;
using FluxSharp.Controllers.Notification;
using FluxSharp.Controllers.Source;
using FluxSharp.Testing;
using k8s;

namespace FluxSharp.Controllers.Tests.Infrastructure;

/// <summary>The source, kustomize and notification controllers on a local control plane, with helpers for Alerts and Providers.</summary>
public sealed class NotificationFixture : KustomizeControllerFixture
{
    private readonly NotificationControllerModule _notification = new(new NotificationOptions { RateLimitInterval = TimeSpan.FromMinutes(5) });

    public NotificationDispatcher Dispatcher => _notification.Dispatcher ?? throw new InvalidOperationException("the notification controller is not running");

    protected override (string[] Names, IControllerModule[] Modules) Controllers() =>
        (["source", "kustomize", "notification"],
        [
            new SourceControllerModule(),
            new KustomizeControllerModule(new KustomizationOptions { RequeueDependency = TimeSpan.FromSeconds(1), HealthPollInterval = TimeSpan.FromMilliseconds(200) }),
            _notification,
        ]);

    public async Task CreateProviderAsync(string ns, string name, ProviderSpec spec)
    {
        var provider = new Provider { Metadata = new() { Name = name, NamespaceProperty = ns }, Spec = spec };
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonNode.Parse(KubernetesJson.Serialize(provider)), NotificationGroup.Name, NotificationGroup.Version, ns, Provider.Plural);
    }

    /// <summary>Creates the Alert and waits until the dispatcher knows it and its Provider.</summary>
    public async Task CreateAlertAsync(string ns, string name, AlertSpec spec)
    {
        var alert = new Alert { Metadata = new() { Name = name, NamespaceProperty = ns }, Spec = spec };
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonNode.Parse(KubernetesJson.Serialize(alert)), NotificationGroup.Name, NotificationGroup.Version, ns, Alert.Plural);
        await Eventually.WaitAsync(() => Task.FromResult(_notification.Dispatcher?.Knows(ns, name) == true), known => known, DefaultTimeout, $"Alert {ns}/{name} known to the dispatcher");
    }

    /// <summary>The Warning events recorded on an Alert.</summary>
    public async Task<IReadOnlyList<k8s.Models.Corev1Event>> AlertEventsAsync(string ns, string alert)
    {
        var list = await Client.CoreV1.ListNamespacedEventAsync(ns);
        return list.Items.Where(e => e.InvolvedObject.Kind == Alert.KindName && e.InvolvedObject.Name == alert).ToList();
    }
}
