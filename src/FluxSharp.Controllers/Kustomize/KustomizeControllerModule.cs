using FluxSharp.Api;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>
/// The "kustomize" controller: Kustomizations, reconciled on their interval, on spec changes, on requestedAt,
/// and as soon as their source publishes a new artifact revision.
/// </summary>
public sealed class KustomizeControllerModule(KustomizationOptions? options = null) : IControllerModule
{
    public string Name => "kustomize";

    public async Task RunAsync(ControllerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.Logs.CreateLogger("FluxSharp.Controllers.Kustomization");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var events = context.EventRecorder(FluxNames.KustomizeController, logger);
        var reconciler = new KustomizationReconciler(context.Kube, context.ClientConfig, http, events, options ?? new KustomizationOptions(), logger, context.Time);
        using var controller = new Controller<Kustomization>(
            context.Kube,
            FluxResources.Kustomizations,
            reconciler,
            context.ControllerOptions(),
            logger);

        // A new artifact revision on a source reconciles the Kustomizations that use it right away.
        var sources = new[] { FluxResources.GitRepositories, FluxResources.OCIRepositories }.Select(resource =>
        {
            var informer = new Informer(new ResourceClient(context.Kube, resource), context.WatchNamespace, logger) { Time = context.Time };
            informer.Changed += change =>
            {
                var before = (string?)change.Old?["status"]?["artifact"]?["revision"];
                var after = (string?)change.New?["status"]?["artifact"]?["revision"];
                if (after is null || before == after)
                {
                    return;
                }

                foreach (var ks in controller.Informer.List())
                {
                    var sourceRef = ks["spec"]?["sourceRef"];
                    var ns = (string?)sourceRef?["namespace"] ?? (string?)ks["metadata"]?["namespace"];
                    if ((string?)sourceRef?["kind"] == resource.Kind && (string?)sourceRef?["name"] == change.Key.Name && ns == change.Key.Namespace)
                    {
                        controller.Enqueue(new ObjectKey((string?)ks["metadata"]?["namespace"], (string?)ks["metadata"]?["name"] ?? string.Empty));
                    }
                }
            };
            return informer;
        }).ToList();
        await Task.WhenAll(sources.Select(s => s.RunAsync(cancellationToken)).Prepend(controller.RunAsync(cancellationToken)));
    }
}
