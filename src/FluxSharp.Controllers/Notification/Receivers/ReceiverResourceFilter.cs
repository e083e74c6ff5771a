using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace FluxSharp.Controllers.Notification.Receivers;

/// <summary>
/// spec.resourceFilter and resources[].filter: CEL expressions on <c>res</c> (the matched object's apiVersion, kind
/// and metadata) and <c>req</c> (the JSON body of the call, empty when it is not JSON), as notification-controller
/// evaluates them; a resource is notified only when every filter that applies is true. Expressions are compiled
/// when the Receiver is reconciled, so a bad one makes it not Ready instead of failing calls.
/// </summary>
public sealed class ReceiverResourceFilter
{
    private readonly CelProgramDelegate _program;
    private readonly Lock _lock = new();

    private ReceiverResourceFilter(string text, CelProgramDelegate program)
    {
        Text = text;
        _program = program;
    }

    public string Text { get; }

    /// <summary>Compiles; throws <see cref="FormatException"/> naming the expression when it is not valid CEL.</summary>
    public static ReceiverResourceFilter Compile(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return new ReceiverResourceFilter(text, new CelEnvironment(null, null).Compile(text));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FormatException($"'{text}': {e.Message}", e);
        }
    }

    /// <summary>The <c>req</c> variable: the body as JSON when the call says it is JSON, else empty.</summary>
    public static IDictionary<string, object?> Request(byte[] body, bool isJson)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!isJson)
        {
            return new Dictionary<string, object?>();
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject o ? (IDictionary<string, object?>)ToCel(o)! : throw new FormatException("the request body is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"failed to parse request body as JSON: {e.Message}", e);
        }
    }

    /// <summary>True when the expression accepts the object for this request; throws <see cref="FormatException"/> when it is not a bool.</summary>
    public bool Accepts(JsonObject resource, IDictionary<string, object?> request)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var res = new JsonObject
        {
            ["apiVersion"] = resource["apiVersion"]?.DeepClone(),
            ["kind"] = resource["kind"]?.DeepClone(),
            ["metadata"] = resource["metadata"]?.DeepClone(),
        };
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal) { ["res"] = ToCel(res), ["req"] = request };
        object? result;
        try
        {
            lock (_lock)
            {
                result = _program.Invoke(variables);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FormatException($"evaluating the filter '{Text}' failed: {e.Message}", e);
        }

        return result is bool b ? b : throw new FormatException($"the filter '{Text}' did not evaluate to a bool but to {result?.GetType().Name ?? "null"}");
    }

    /// <summary>JSON to the values the CEL runtime works on: maps, lists, strings, bools, int64 or double.</summary>
    private static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToCel(kv.Value)),
        JsonArray a => a.Select(ToCel).ToList(),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => node.ToJsonString(),
    };
}
