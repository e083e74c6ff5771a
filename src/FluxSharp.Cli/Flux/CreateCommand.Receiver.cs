using System.CommandLine;
using FluxSharp.Api;
using FluxSharp.Api.Notification.V1;

namespace FluxSharp.Cli.Flux;

// create receiver.
internal static partial class CreateCommand
{
    /// <summary>The types `flux create receiver --type` accepts (flux's supportedReceiverTypes: every type but generic-oidc).</summary>
    public static readonly string[] ReceiverTypeNames = [.. ReceiverTypes.All.Where(t => t != ReceiverTypes.GenericOidc)];

    /// <summary>flux's ReceiverType flag: a missing or unknown type is an error listing the supported ones.</summary>
    public static string ValidReceiverType(string? type) =>
        string.IsNullOrWhiteSpace(type) ? throw new CliException("Receiver type is required")
        : ReceiverTypeNames.Contains(type) ? type
        : throw new CliException($"receiver type '{type}' is not supported, must be one of: {string.Join(", ", ReceiverTypeNames)}");

    private static Command Receiver()
    {
        var name = NameArgument("Receiver");
        var type = new Option<string?>("--type") { Description = $"the receiver type ({string.Join("|", ReceiverTypeNames)})" };
        var secretRef = new Option<string?>("--secret-ref") { Description = "the name of the Secret holding the webhook token" };
        var events = new Option<string[]>("--event") { Description = "also accepts comma-separated values" };
        var resources = new Option<string[]>("--resource") { Description = "resources to reconcile on a webhook call, as <kind>/<name>; also accepts comma-separated values" };
        var command = new Command("receiver", "Create or update a Receiver resource") { name, type, secretRef, events, resources };
        command.SetAction((parse, ct) =>
        {
            var objectName = ValidName(parse.GetValue(name));
            var receiverType = ValidReceiverType(parse.GetValue(type));
            if (string.IsNullOrEmpty(parse.GetValue(secretRef)))
            {
                throw new CliException("secret ref is required");
            }

            var refs = new List<ReceiverResource>();
            foreach (var resource in List(parse.GetValue(resources)))
            {
                var parts = resource.Split('/');
                if (parts.Length != 2 || parts[0].Length == 0)
                {
                    throw new CliException($"invalid event source '{resource}', must be in format <kind>/<name>");
                }

                refs.Add(new ReceiverResource { Kind = parts[0], Name = parts[1] });
            }

            if (refs.Count == 0)
            {
                throw new CliException("atleast one resource is required");
            }

            var eventList = List(parse.GetValue(events));
            var receiver = new Receiver
            {
                Metadata = Metadata(parse, objectName),
                Spec = new ReceiverSpec
                {
                    Type = receiverType,
                    Events = eventList.Count > 0 ? eventList : null,
                    Resources = refs,
                    SecretRef = new LocalObjectReference { Name = parse.GetValue(secretRef)! },
                },
            };
            return CreateOrExportAsync(parse, FluxKind.Receiver, ToJson(receiver), ct);
        });
        return command;
    }
}
