using System.CommandLine;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// A Flux kind the flux CLI knows but FluxSharp does not serve yet. Its commands exist, so a Flux user's muscle
/// memory works, and they say clearly that the kind is not there yet instead of "unknown command".
/// </summary>
internal sealed record PendingKind(string Kind, string Group)
{
    public static readonly PendingKind HelmRepository = new("HelmRepository", "source.toolkit.fluxcd.io");
    public static readonly PendingKind HelmChart = new("HelmChart", "source.toolkit.fluxcd.io");
    public static readonly PendingKind Bucket = new("Bucket", "source.toolkit.fluxcd.io");
    public static readonly PendingKind HelmRelease = new("HelmRelease", "helm.toolkit.fluxcd.io");
    public static readonly PendingKind Alert = new("Alert", "notification.toolkit.fluxcd.io");
    public static readonly PendingKind Provider = new("Provider", "notification.toolkit.fluxcd.io");
    public static readonly PendingKind ImageRepository = new("ImageRepository", "image.toolkit.fluxcd.io");
    public static readonly PendingKind ImagePolicy = new("ImagePolicy", "image.toolkit.fluxcd.io");
    public static readonly PendingKind ImageUpdateAutomation = new("ImageUpdateAutomation", "image.toolkit.fluxcd.io");

    public CliException NotSupported() =>
        new($"{Kind} ({Group}) is not supported by FluxSharp yet; supported kinds: {string.Join(", ", FluxKinds.Served.Select(k => k.Kind))}");

    /// <summary>A command for this kind that accepts any arguments and flags and fails with <see cref="NotSupported"/> (exit 1).</summary>
    public Command Command(string name, string description, params string[] aliases)
    {
        var command = new Command(name, $"{description} (not supported by FluxSharp yet)") { TreatUnmatchedTokensAsErrors = false };
        foreach (var alias in aliases)
        {
            command.Aliases.Add(alias);
        }

        command.Arguments.Add(new Argument<string[]>("args") { Arity = ArgumentArity.ZeroOrMore, Hidden = true });
        command.SetAction(Fail);
        return command;

        int Fail(ParseResult parse) => throw NotSupported();
    }

    /// <summary>The commands of a verb (reconcile, suspend, resume) for sources not served yet: `VERB source helm|chart|bucket`.</summary>
    public static IEnumerable<Command> Sources(string verb) =>
    [
        HelmRepository.Command("helm", $"{verb} a HelmRepository"),
        HelmChart.Command("chart", $"{verb} a HelmChart"),
        Bucket.Command("bucket", $"{verb} a Bucket"),
    ];

    /// <summary>
    /// The commands of a verb for the other kinds not served yet: helmrelease, alert, alert-provider, image
    /// (with `image policy` where flux has it: delete, export).
    /// </summary>
    public static IEnumerable<Command> Resources(string verb, bool imagePolicy = false)
    {
        var image = new Command("image", $"{verb} image automation objects (not supported by FluxSharp yet)")
        {
            ImageRepository.Command("repository", $"{verb} an ImageRepository"),
            ImageUpdateAutomation.Command("update", $"{verb} an ImageUpdateAutomation"),
        };
        if (imagePolicy)
        {
            image.Subcommands.Add(ImagePolicy.Command("policy", $"{verb} an ImagePolicy"));
        }

        return
        [
            HelmRelease.Command("helmrelease", $"{verb} a HelmRelease", "hr"),
            Alert.Command("alert", $"{verb} an Alert"),
            Provider.Command("alert-provider", $"{verb} a Provider"),
            image,
        ];
    }

    /// <summary>Adds <paramref name="commands"/> under <paramref name="parent"/>; returns it.</summary>
    public static Command With(Command parent, IEnumerable<Command> commands)
    {
        ArgumentNullException.ThrowIfNull(parent);
        foreach (var command in commands)
        {
            parent.Subcommands.Add(command);
        }

        return parent;
    }
}
