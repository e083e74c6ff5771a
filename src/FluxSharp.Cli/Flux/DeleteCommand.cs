using System.CommandLine;
using FluxSharp.Kubernetes.Client;
using k8s;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp delete source git|kustomization NAME [--silent]`: asks first (as flux), deletes, and waits until the
/// object is gone (the Kustomization's finalizer is removed by its controller once it has pruned).
/// </summary>
internal static class DeleteCommand
{
    private static readonly Option<bool> Silent = new("--silent", "-s") { Description = "delete resource without asking for confirmation", Recursive = true };

    public static Command Create()
    {
        var source = PendingKind.With(new Command("source", "Delete sources") { Leaf(FluxKind.GitRepository, "git", "Delete a GitRepository source"), Leaf(FluxKind.OCIRepository, "oci", "Delete an OCIRepository source") }, PendingKind.Sources("Delete"));
        var ks = Leaf(FluxKind.Kustomization, "kustomization", "Delete a Kustomization resource");
        ks.Aliases.Add("ks");
        var receiver = Leaf(FluxKind.Receiver, "receiver", "Delete a Receiver resource");
        return PendingKind.With(new Command("delete", "Delete sources and resources") { Silent, source, ks, receiver }, PendingKind.Resources("Delete", imagePolicy: true));
    }

    private static Command Leaf(FluxKind kind, string name, string description)
    {
        var objectName = new Argument<string?>("name") { Description = $"the {kind.Kind}'s name", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command(name, description) { objectName };
        command.SetAction((parse, ct) =>
        {
            var target = parse.GetValue(objectName);
            return string.IsNullOrEmpty(target)
                ? throw new CliException($"{kind.CliName} name is required")
                : ReconcileCommand.Run(parse, (kube, ns, token) => DeleteAsync(kind, kube, ns, target, parse.GetValue(Silent), token), ct);
        });
        return command;
    }

    private static async Task DeleteAsync(FluxKind kind, k8s.Kubernetes kube, string ns, string target, bool silent, CancellationToken token)
    {
        var client = new ResourceClient(kube, kind.Resource);
        await kind.GetAsync(client, ns, target, token);
        if (!silent && !await ConfirmAsync($"Are you sure you want to delete this {kind.CliName}", token))
        {
            throw new CliException("aborting");
        }

        Log.Action($"deleting {kind.CliName} {target} in {ns} namespace");
        var resource = kind.Resource;
        await FluxKind.Call(() => kube.CustomObjects.DeleteNamespacedCustomObjectAsync(resource.Group, resource.Version, ns, resource.Plural, target, cancellationToken: token));

        // Gone only once its finalizers are done: a Kustomization prunes (or orphans) what it applied first.
        while (await FluxKind.Call(() => client.GetAsync(ns, target, token)) is not null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), token);
        }

        Log.Success($"{kind.CliName} deleted");
    }

    /// <summary>
    /// flux's y/N confirmation: only "y" or "yes" (any case) confirms; end of input, or no stdin at all, declines.
    /// The read is bounded by --timeout: stdin left open with nobody writing must not hold the command forever.
    /// </summary>
    private static async Task<bool> ConfirmAsync(string label, CancellationToken cancellationToken)
    {
        await Console.Error.WriteAsync($"? {label}? [y/N] ");
        // Console.In reads synchronously whatever the token says, so the read runs aside and the wait is what is cancelled.
        var answer = StdinIsClosed() ? null : await Task.Run(Console.In.ReadLine, CancellationToken.None).WaitAsync(cancellationToken);
        if (answer is null)
        {
            await Console.Error.WriteLineAsync();
        }

        return answer?.Trim().ToUpperInvariant() is "Y" or "YES";
    }

    /// <summary>
    /// Started with stdin closed (`0&lt;&amp;-`), fd 0 is the first pipe the .NET runtime opened for itself: reading it
    /// would wait forever (and take the runtime's bytes). That pipe's write end is ours, which no real stdin's is.
    /// </summary>
    private static bool StdinIsClosed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var stdin = new FileInfo("/proc/self/fd/0").LinkTarget;
            if (stdin is null || !stdin.StartsWith("pipe:", StringComparison.Ordinal))
            {
                return false;
            }

            foreach (var fd in new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos())
            {
                // fdinfo's flags are octal; O_WRONLY is 1.
                if (fd.Name != "0" && fd.LinkTarget == stdin
                    && File.ReadLines($"/proc/self/fdinfo/{fd.Name}").FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal)) is { } flags
                    && (Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & 3) == 1)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            // An fd closed while we looked: not a reason to refuse the prompt.
        }

        return false;
    }
}
