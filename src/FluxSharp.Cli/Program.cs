using System.CommandLine;
using FluxSharp.Cli.Commands;
using FluxSharp.Cli.Flux;

var root = new RootCommand("fluxsharp: Flux's GitOps toolkit in one small process");
root.Subcommands.Add(DevCommand.Create());
root.Subcommands.Add(ManagerCommand.Create());
root.Subcommands.Add(GlobalOptions.With(VersionCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(GetCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(ReconcileCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(SuspendResumeCommand.Create(resume: false)));
root.Subcommands.Add(GlobalOptions.With(SuspendResumeCommand.Create(resume: true)));
root.Subcommands.Add(GlobalOptions.With(CreateCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(ExportCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(DeleteCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(BuildCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(DiffCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(TreeCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(EventsCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(LogsCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(StatsCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(CheckCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(TriggerCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(ArtifactCommand.Push()));
root.Subcommands.Add(GlobalOptions.With(ArtifactCommand.Pull()));
root.Subcommands.Add(GlobalOptions.With(ArtifactCommand.Tag()));
root.Subcommands.Add(GlobalOptions.With(ArtifactCommand.List()));
root.Subcommands.Add(GlobalOptions.With(InstallCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(UninstallCommand.Create()));
root.Subcommands.Add(GlobalOptions.With(BootstrapCommand.Create()));
root.Subcommands.Add(CompletionCommand.Create(root));
root.Subcommands.Add(DocsCommand.Create(root));
try
{
    var parsed = root.Parse(args);
    var code = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    // Unknown commands and flags are bad usage (System.CommandLine printed the error and its suggestion): exit 2.
    return parsed.Errors.Count > 0 ? 2 : code;
}
catch (CliException e)
{
    // As flux: one line, "✗ what went wrong", exit code 1.
    Log.Failure(e.Message);
    return 1;
}
catch (TaskCanceledException e) when (e.InnerException is TimeoutException timeout)
{
    // The client's own per-request limit (not --timeout): the API server took too long to answer.
    Log.Failure($"the API server did not answer: {timeout.Message}");
    return 1;
}
catch (TimeoutException e)
{
    // A request of our client took longer than its limit.
    Log.Failure($"the API server did not answer: {e.Message}");
    return 1;
}
catch (Exception e) when (FluxSharp.Kubernetes.Client.KubeApiException.From(e) is { } api)
{
    // An API error a command did not word itself (e.g. a watch refused with 403): the server's message, one line.
    Log.Failure(api.Message);
    return 1;
}
catch (HttpRequestException e)
{
    Log.Failure($"unable to connect to the cluster: {e.Message}; is `fluxsharp dev` running? check --kubeconfig/KUBECONFIG");
    return 1;
}
catch (OperationCanceledException)
{
    // Ctrl-C (or SIGTERM) cancelled the command: it stops quietly with the shell's code for an interrupt.
    return 130;
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    // Bad input is the user's to fix: one line saying what, no stack trace.
    await Console.Error.WriteLineAsync("error: " + e.Message);
    return 2;
}
