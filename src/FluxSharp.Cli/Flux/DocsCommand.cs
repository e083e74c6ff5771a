using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// Hidden `fluxsharp docs DIR`: writes the command reference (one Markdown page per command group) from the command
/// definitions themselves, so docs/cli/ cannot drift from the CLI (a test regenerates and compares them).
/// </summary>
internal static class DocsCommand
{
    private static readonly Option[] Globals = [GlobalOptions.Kubeconfig, GlobalOptions.Context, GlobalOptions.Namespace, GlobalOptions.Timeout];

    public static Command Create(RootCommand root)
    {
        var dir = new Argument<string>("dir") { Description = "directory to write the Markdown pages into" };
        var command = new Command("docs", "Write the command reference as Markdown") { dir };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var target = parse.GetValue(dir)!;
            Directory.CreateDirectory(target);
            foreach (var (file, text) in Pages(root))
            {
                File.WriteAllText(Path.Combine(target, file), text);
            }

            return 0;
        });
        return command;
    }

    /// <summary>README.md (the index and the global flags) and fluxsharp_GROUP.md for every visible top-level command.</summary>
    public static IEnumerable<(string File, string Text)> Pages(RootCommand root)
    {
        var groups = root.Subcommands.Where(c => !c.Hidden).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var index = new StringBuilder();
        index.Append("# fluxsharp command reference\n\n")
            .Append("Generated from the command definitions by `fluxsharp docs docs/cli` (a test keeps it in step).\n")
            .Append("Exit codes: 0 success, 1 failure (`✗ message` on stderr), 2 bad usage (unknown command or flag, bad flag value), 130 interrupted (Ctrl-C).\n\n")
            .Append("| command | what it does |\n|---|---|\n");
        foreach (var group in groups)
        {
            index.Append(CultureInfo.InvariantCulture, $"| [`fluxsharp {group.Name}`](fluxsharp_{group.Name}.md) | {Cell(group.Description)} |\n");
        }

        index.Append("\n## Global flags\n\nOn every command that talks to a cluster (all but `dev`, `manager`, `completion`):\n\n");
        AppendFlags(index, Globals);
        yield return ("README.md", index.ToString());

        foreach (var group in groups)
        {
            var page = new StringBuilder();
            foreach (var command in Walk(group))
            {
                AppendCommand(page, command, command == group ? "#" : "##");
            }

            yield return ($"fluxsharp_{group.Name}.md", page.ToString());
        }
    }

    private static IEnumerable<Command> Walk(Command command)
    {
        yield return command;
        foreach (var child in command.Subcommands.Where(c => !c.Hidden))
        {
            foreach (var c in Walk(child))
            {
                yield return c;
            }
        }
    }

    private static void AppendCommand(StringBuilder page, Command command, string heading)
    {
        var path = PathOf(command);
        var arguments = command.Arguments.Where(a => !a.Hidden).ToList();
        var usage = new StringBuilder("fluxsharp ").Append(path);
        if (command.Subcommands.Any(c => !c.Hidden))
        {
            usage.Append(" [command]");
        }

        foreach (var argument in arguments)
        {
            usage.Append(argument.Arity.MaximumNumberOfValues > 1 ? $" [{argument.Name.ToUpperInvariant()}...]" : $" {argument.Name.ToUpperInvariant()}");
        }

        page.Append(CultureInfo.InvariantCulture, $"{(page.Length == 0 ? string.Empty : "\n")}{heading} fluxsharp {path}\n\n{command.Description}\n\n```\n{usage} [flags]\n```\n");
        if (command.Aliases.Count > 0)
        {
            page.Append(CultureInfo.InvariantCulture, $"\nAliases: {string.Join(", ", command.Aliases.Order(StringComparer.Ordinal).Select(a => $"`{a}`"))}\n");
        }

        foreach (var argument in arguments)
        {
            page.Append(CultureInfo.InvariantCulture, $"\n`{argument.Name.ToUpperInvariant()}`: {argument.Description}\n");
        }

        var options = OptionsOf(command).ToList();
        if (options.Count > 0)
        {
            page.Append('\n');
            AppendFlags(page, options);
        }
    }

    /// <summary>The command's own flags and the recursive ones of its ancestors, without help and the global flags.</summary>
    private static IEnumerable<Option> OptionsOf(Command command)
    {
        var seen = new HashSet<Option>(Globals);
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            foreach (var option in c.Options.Where(o => (c == command || o.Recursive) && !o.Hidden && o is not HelpOption && o is not VersionOption))
            {
                if (seen.Add(option))
                {
                    yield return option;
                }
            }
        }
    }

    private static void AppendFlags(StringBuilder text, IEnumerable<Option> options)
    {
        text.Append("| flag | default | description |\n|---|---|---|\n");
        foreach (var option in options.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var names = string.Join(", ", new[] { option.Name }.Concat(option.Aliases.Order(StringComparer.Ordinal)).Select(n => $"`{n}`"));
            text.Append(CultureInfo.InvariantCulture, $"| {names} | {Default(option)} | {Cell(option.Description)} |\n");
        }
    }

    private static string Default(Option option)
    {
        if (!option.HasDefaultValue)
        {
            return string.Empty;
        }

        return option.GetDefaultValue() switch
        {
            null or false => string.Empty,
            string s when s.Length == 0 => string.Empty,
            System.Collections.IEnumerable e and not string => string.Join(",", e.Cast<object>()) is { Length: > 0 } joined ? $"`{joined}`" : string.Empty,
            var v => $"`{Convert.ToString(v, CultureInfo.InvariantCulture)}`",
        };
    }

    private static string PathOf(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Add(c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    private static string Cell(string? text) => (text ?? string.Empty).Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
