using System.CommandLine;
using FluxSharp.Cli.Commands;

var root = new RootCommand("fluxsharp: Flux's GitOps toolkit in one small process");
root.Subcommands.Add(DevCommand.Create());
root.Subcommands.Add(ManagerCommand.Create());
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    // Bad input is the user's to fix: one line saying what, no stack trace.
    await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
    return 2;
}
