using System.CommandLine;
using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Flux;

/// <summary>`fluxsharp reconcile source git NAME` and `fluxsharp reconcile kustomization NAME [--with-source]`.</summary>
internal static class ReconcileCommand
{
    public static Command Create()
    {
        var gitName = new Argument<string>("name") { Description = "the GitRepository's name" };
        var git = new Command("git", "Reconcile a GitRepository source") { gitName };
        git.SetAction((parse, ct) => Run(parse, (kube, ns, token) => ReconcileAsync(kube, FluxKind.GitRepository, ns, parse.GetValue(gitName)!, token), ct));
        var ociName = new Argument<string>("name") { Description = "the OCIRepository's name" };
        var oci = new Command("oci", "Reconcile an OCIRepository source") { ociName };
        oci.SetAction((parse, ct) => Run(parse, (kube, ns, token) => ReconcileAsync(kube, FluxKind.OCIRepository, ns, parse.GetValue(ociName)!, token), ct));
        var source = PendingKind.With(new Command("source", "Reconcile sources") { git, oci }, PendingKind.Sources("Reconcile"));


        var ksName = new Argument<string>("name") { Description = "the Kustomization's name" };
        var withSource = new Option<bool>("--with-source") { Description = "reconcile the Kustomization's source first" };
        var ks = new Command("kustomization", "Reconcile a Kustomization resource") { ksName, withSource };
        ks.Aliases.Add("ks");
        ks.SetAction((parse, ct) => Run(parse, async (kube, ns, token) =>
        {
            var name = parse.GetValue(ksName)!;
            var ksClient = new ResourceClient(kube, FluxKind.Kustomization.Resource);
            var obj = await FluxKind.Kustomization.GetAsync(ksClient, ns, name, token);
            if (FluxKind.Suspended(obj))
            {
                throw FluxKind.Kustomization.SuspendedError(ns, name);
            }

            if (parse.GetValue(withSource))
            {
                var sourceRef = obj["spec"]?["sourceRef"];
                var kind = (string?)sourceRef?["kind"];
                var sourceKind = kind == FluxKind.OCIRepository.Kind ? FluxKind.OCIRepository
                    : kind == FluxKind.GitRepository.Kind ? FluxKind.GitRepository
                    : throw new CliException($"source kind {kind} is not supported by fluxsharp reconcile --with-source (only GitRepository and OCIRepository)");
                await ReconcileAsync(kube, sourceKind, (string?)sourceRef?["namespace"] ?? ns, (string?)sourceRef?["name"] ?? string.Empty, token);
            }

            await ReconcileAsync(kube, FluxKind.Kustomization, ns, name, token);
        }, ct));

        var receiverName = new Argument<string>("name") { Description = "the Receiver's name" };
        var receiver = new Command("receiver", "Reconcile a Receiver") { receiverName };
        receiver.SetAction((parse, ct) => Run(parse, (kube, ns, token) => ReconcileAsync(kube, FluxKind.Receiver, ns, parse.GetValue(receiverName)!, token), ct));

        return PendingKind.With(new Command("reconcile", "Reconcile sources and resources") { source, ks, receiver }, PendingKind.Resources("Reconcile"));
    }

    /// <summary>Runs a command's body with the global connection, namespace and timeout; a timeout is a one-line error.</summary>
    public static async Task<int> Run(ParseResult parse, Func<k8s.Kubernetes, string, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        var ns = GlobalOptions.NamespaceOf(parse);
        var limit = GlobalOptions.TimeoutOf(parse);
        using var kube = GlobalOptions.Connect(parse);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await body(kube, ns, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"timed out after {parse.GetValue(GlobalOptions.Timeout)} waiting for the condition");
        }

        return 0;
    }

    /// <summary>flux's reconcile: annotate requestedAt, wait until it is handled and Ready, print the revision.</summary>
    public static async Task ReconcileAsync(k8s.Kubernetes kube, FluxKind kind, string ns, string name, CancellationToken cancellationToken)
    {
        var client = new ResourceClient(kube, kind.Resource);
        var obj = await kind.GetAsync(client, ns, name, cancellationToken);
        if (FluxKind.Suspended(obj))
        {
            throw kind.SuspendedError(ns, name);
        }

        Log.Action($"annotating {kind.Kind} {name} in {ns} namespace");
        var requestedAt = FluxKind.Now();
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [FluxSharp.Api.FluxAnnotations.ReconcileRequestedAt] = requestedAt } } };
        await kind.PatchAsync(client, ns, name, patch, cancellationToken);
        Log.Success($"{kind.Kind} annotated");
        Log.Waiting($"waiting for {kind.Kind} reconciliation");
        var ready = await kind.WaitReadyAsync(client, ns, name, requestedAt, cancellationToken);
        Log.Success(kind.HasRevision ? $"{kind.RevisionVerb} {kind.Revision(ready)}" : $"{kind.Kind} reconciliation completed");
    }
}
