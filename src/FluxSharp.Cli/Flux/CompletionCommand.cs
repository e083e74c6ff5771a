using System.CommandLine;
using System.CommandLine.Completions;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp completion bash|zsh|fish|powershell`: a script for the shell that asks fluxsharp itself what fits,
/// through System.CommandLine's `[suggest:POSITION]` directive (as dotnet-suggest does), so completions always
/// match this build's commands and flags.
/// </summary>
internal static class CompletionCommand
{
    // Each script passes the line up to the cursor, without the command word, and its length as the position.
    private const string Bash = """
        # bash completion for fluxsharp; load it with: source <(fluxsharp completion bash)
        _fluxsharp_completions()
        {
            local line="${COMP_LINE:0:COMP_POINT}"
            line="${line#"${COMP_WORDS[0]}"}"
            line="${line#"${line%%[![:space:]]*}"}"
            local cur="${COMP_WORDS[COMP_CWORD]}"
            local IFS=$'\n'
            local suggestions
            suggestions="$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null)"
            COMPREPLY=($(compgen -W "$suggestions" -- "$cur"))
        }
        complete -o default -F _fluxsharp_completions fluxsharp

        """;

    private const string Zsh = """
        #compdef fluxsharp
        # zsh completion for fluxsharp; load it with: source <(fluxsharp completion zsh)
        _fluxsharp() {
            local line="${(j: :)words[2,CURRENT]}"
            local -a suggestions
            suggestions=("${(@f)$(${words[1]} "[suggest:${#line}]" "$line" 2>/dev/null)}")
            compadd -- "${suggestions[@]}"
        }
        if (( $+functions[compdef] )); then
            compdef _fluxsharp fluxsharp
        fi

        """;

    private const string Fish = """
        # fish completion for fluxsharp; load it with: fluxsharp completion fish | source
        function __fluxsharp_complete
            set -l line (string replace -r '^\S+\s*' '' -- (commandline -cp))
            fluxsharp "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c fluxsharp -f -a '(__fluxsharp_complete)'

        """;

    private const string PowerShell = """
        # PowerShell completion for fluxsharp; load it with: fluxsharp completion powershell | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName fluxsharp -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $text = $commandAst.ToString()
            $position = $cursorPosition - $commandAst.Extent.StartOffset
            $text = $text.Substring(0, [Math]::Min($position, $text.Length)).PadRight($position)
            $line = $text -replace '^\S+\s*', ''
            fluxsharp "[suggest:$($line.Length)]" "$line" 2>$null | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }

        """;

    /// <summary>The command, and the [suggest] directive on <paramref name="root"/> that its scripts call back.</summary>
    public static Command Create(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!root.Directives.OfType<SuggestDirective>().Any())
        {
            root.Directives.Add(new SuggestDirective());
        }

        var command = new Command("completion", "Generates completion scripts for various shells");
        command.Subcommands.Add(Shell("bash", "Generates bash completion scripts", Bash));
        command.Subcommands.Add(Shell("zsh", "Generates zsh completion scripts", Zsh));
        command.Subcommands.Add(Shell("fish", "Generates fish completion scripts", Fish));
        command.Subcommands.Add(Shell("powershell", "Generates powershell completion scripts", PowerShell));
        return command;
    }

    private static Command Shell(string name, string description, string script)
    {
        var shell = new Command(name, description);
        shell.SetAction(_ =>
        {
            Console.Out.Write(script.ReplaceLineEndings("\n"));
            return 0;
        });
        return shell;
    }
}
