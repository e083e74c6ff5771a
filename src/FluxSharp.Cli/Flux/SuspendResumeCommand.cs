using System.CommandLine;
using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Client;

namespace FluxSharp.Cli.Flux;

/// <summary>`fluxsharp suspend|resume source git|kustomization NAME|--all`: patch spec.suspend; resume waits for Ready.</summary>
internal static class SuspendResumeCommand
{
    public static Command Create(bool resume)
    {
        var verb = resume ? "resume" : "suspend";
        var title = resume ? "Resume" : "Suspend";
        var source = PendingKind.With(new Command("source", $"{title} sources") { Leaf(resume, FluxKind.GitRepository, "git"), Leaf(resume, FluxKind.OCIRepository, "oci") }, PendingKind.Sources(title));
        var ks = Leaf(resume, FluxKind.Kustomization, "kustomization");
        ks.Aliases.Add("ks");
        var receiver = Leaf(resume, FluxKind.Receiver, "receiver");
        return PendingKind.With(new Command(verb, resume ? "Resume suspended resources" : "Suspend resources") { source, ks, receiver }, PendingKind.Resources(title));
    }

    private static Command Leaf(bool resume, FluxKind kind, string name)
    {
        var names = new Argument<string[]>("name") { Description = $"the {kind.Kind} name(s)", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = $"{(resume ? "resume" : "suspend")} all {kind.Kind} objects in the namespace" };
        var command = new Command(name, $"{(resume ? "Resume" : "Suspend")} {kind.Kind} objects") { names, all };
        command.SetAction((parse, ct) => ReconcileCommand.Run(parse, async (kube, ns, token) =>
        {
            var client = new ResourceClient(kube, kind.Resource);
            var targets = parse.GetValue(names) ?? [];
            if (parse.GetValue(all))
            {
                targets = [.. (await kind.ListAsync(client, ns, token)).Select(FluxKind.NameOf)];
                if (targets.Length == 0)
                {
                    Log.Failure($"no {kind.Kind} objects found in {ns} namespace");
                    return;
                }
            }
            else if (targets.Length == 0)
            {
                throw new CliException($"please specify a {kind.Kind} name");
            }

            foreach (var target in targets)
            {
                await (resume ? ResumeAsync(client, kind, ns, target, token) : SuspendAsync(client, kind, ns, target, token));
            }
        }, ct));
        return command;
    }

    private static async Task SuspendAsync(ResourceClient client, FluxKind kind, string ns, string name, CancellationToken cancellationToken)
    {
        await kind.GetAsync(client, ns, name, cancellationToken);
        Log.Action($"suspending {kind.CliName} {name} in {ns} namespace");
        await kind.PatchAsync(client, ns, name, new JsonObject { ["spec"] = new JsonObject { ["suspend"] = true } }, cancellationToken);
        Log.Success($"{kind.CliName} suspended");
    }

    private static async Task ResumeAsync(ResourceClient client, FluxKind kind, string ns, string name, CancellationToken cancellationToken)
    {
        await kind.GetAsync(client, ns, name, cancellationToken);
        Log.Action($"resuming {kind.CliName} {name} in {ns} namespace");
        var requestedAt = FluxKind.Now();
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [FluxSharp.Api.FluxAnnotations.ReconcileRequestedAt] = requestedAt } },
            ["spec"] = new JsonObject { ["suspend"] = false },
        };
        await kind.PatchAsync(client, ns, name, patch, cancellationToken);
        Log.Success($"{kind.CliName} resumed");
        Log.Waiting($"waiting for {kind.Kind} reconciliation");
        var ready = await kind.WaitReadyAsync(client, ns, name, requestedAt, cancellationToken);
        Log.Success($"{kind.Kind} reconciliation completed");
        if (kind.HasRevision)
        {
            Log.Success($"{kind.RevisionVerb} {kind.Revision(ready)}");
        }
    }
}
