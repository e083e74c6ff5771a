using FluxSharp.Api;
using FluxSharp.Api.Notification.V1;
using FluxSharp.Kubernetes.Runtime;

namespace FluxSharp.Controllers.Notification.Receivers;

/// <summary>
/// The Receiver controller (part of notification-controller in Flux): keeps each Receiver's webhook path and Ready
/// condition. The calls themselves are served by the manager's receiver server (--receiver-addr) through
/// <see cref="ReceiverWebhookHandler"/>.
/// </summary>
public sealed class ReceiverControllerModule : IControllerModule
{
    public string Name => "notification";

    public async Task RunAsync(ControllerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.Logs.CreateLogger("FluxSharp.Controllers.Receiver");
        var events = new EventRecorder(context.Kube, FluxNames.NotificationController, logger) { Time = context.Time };
        var reconciler = new ReceiverReconciler(context.Kube, events, logger, context.Time);
        using var controller = new Controller<Receiver>(
            context.Kube,
            FluxResources.Receivers,
            reconciler,
            context.ControllerOptions(),
            logger);
        await controller.RunAsync(cancellationToken);
    }
}
