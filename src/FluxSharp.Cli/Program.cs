using System.CommandLine;
using FluxSharp.Cli.Commands;

var root = new RootCommand("fluxsharp: Flux's GitOps toolkit in one small process");
root.Subcommands.Add(DevCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
