using FluxSharp.Api;
using FluxSharp.Api.Source.V1;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using FluxSharp.Sources.Artifacts;
using FluxSharp.Sources.Git;

namespace FluxSharp.Controllers.Source;

/// <summary>The "source" controller: GitRepository and OCIRepository (HelmRepository and Bucket come with their issues).</summary>
public sealed class SourceControllerModule : IControllerModule
{
    public string Name => "source";

    public async Task RunAsync(ControllerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.Logs.CreateLogger("FluxSharp.Controllers.GitRepository");
        var storage = new ArtifactStorage(context.StoragePath, context.ArtifactBaseUrl.ToString().TrimEnd('/'));
        var events = context.EventRecorder(FluxNames.SourceController, logger);
        var reconciler = new GitRepositoryReconciler(context.Kube, new GitClient(), storage, events, logger, context.Time) { AllowFileUrls = context.AllowFileUrls };
        using var controller = new Controller<GitRepository>(
            context.Kube,
            FluxResources.GitRepositories,
            reconciler,
            context.ControllerOptions(),
            logger);
        var ociLogger = context.Logs.CreateLogger("FluxSharp.Controllers.OCIRepository");
        var ociEvents = new EventRecorder(context.Kube, FluxNames.SourceController, ociLogger) { Time = context.Time };
        using var oci = new Controller<OCIRepository>(
            context.Kube,
            FluxResources.OCIRepositories,
            new OCIRepositoryReconciler(context.Kube, storage, ociEvents, ociLogger, context.Time),
            context.ControllerOptions(),
            ociLogger);
        await Task.WhenAll(controller.RunAsync(cancellationToken), oci.RunAsync(cancellationToken));
    }
}
