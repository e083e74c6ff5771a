using System.Text.Json.Nodes;
using Cel;
using FluxSharp.Api.Kustomize.V1;
using FluxSharp.Kubernetes.Health;

namespace FluxSharp.Controllers.Kustomize;

/// <summary>A health check expression that does not compile or evaluate; names the kind and the expression.</summary>
public sealed class CelExpressionException : Exception
{
    public CelExpressionException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public CelExpressionException()
        : this("invalid CEL expression")
    {
    }

    public CelExpressionException(string message)
        : this(message, null)
    {
    }
}

/// <summary>
/// spec.healthCheckExprs (Flux RFC-0009) on the Cel package (a C# CEL implementation with the standard macros:
/// has, all, exists, exists_one, map, filter). For an object of a listed kind (matched by group and kind):
/// when status.observedGeneration differs from metadata.generation it is InProgress; otherwise inProgress,
/// failed and current are evaluated in that order and the first true one gives the status; none true is
/// InProgress. The object's top-level fields (apiVersion, kind, metadata, spec, status...) are the variables.
/// Expressions compile when the evaluator is built, so a bad one fails early with its text in the message.
/// Plugged into the runtime's <see cref="HealthChecker"/> as its <see cref="HealthChecker.Custom"/> evaluator.
/// </summary>
public sealed class CelHealthEvaluator : IHealthEvaluator
{
    private readonly Dictionary<(string Group, string Kind), CompiledCheck> _checks = [];
    private readonly Lock _lock = new();

    public CelHealthEvaluator(IEnumerable<CustomHealthCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var env = new CelEnvironment(null, null);
        foreach (var check in checks)
        {
            var slash = check.ApiVersion.IndexOf('/', StringComparison.Ordinal);
            var group = slash < 0 ? string.Empty : check.ApiVersion[..slash];
            var kind = check.Kind ?? string.Empty;
            if (string.IsNullOrWhiteSpace(check.Current))
            {
                throw new CelExpressionException($"health check expression for {check.ApiVersion}/{kind}: current is required");
            }

            _checks[(group, kind)] = new CompiledCheck(
                Compile(env, check, "inProgress", check.InProgress),
                Compile(env, check, "failed", check.Failed),
                Compile(env, check, "current", check.Current)!);
        }
    }

    /// <summary>True when an expression set covers the object's group and kind.</summary>
    public bool Handles(string group, string kind) => _checks.ContainsKey((group, kind));

    /// <summary>The status per the expressions, or null when none covers the object's kind.</summary>
    public HealthResult? Evaluate(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var apiVersion = (string?)obj["apiVersion"] ?? string.Empty;
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? string.Empty : apiVersion[..slash];
        if (!_checks.TryGetValue((group, (string?)obj["kind"] ?? string.Empty), out var check))
        {
            return null;
        }

        if (obj["metadata"]?["deletionTimestamp"] is not null)
        {
            return new(ObjectStatus.Terminating, "Resource scheduled for deletion");
        }

        var observed = HealthStatus.Long(obj, "status", "observedGeneration");
        var generation = HealthStatus.Long(obj, "metadata", "generation");
        if (observed is not null && generation is not null && observed != generation)
        {
            return new(ObjectStatus.InProgress, $"{obj["kind"]} generation is {generation}, but latest observed generation is {observed}");
        }

        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            variables[key] = ToCel(value);
        }

        foreach (var (expr, status) in new[] { (check.InProgress, ObjectStatus.InProgress), (check.Failed, ObjectStatus.Failed), (check.Current, ObjectStatus.Current) })
        {
            if (expr is null)
            {
                continue;
            }

            object? result;
            try
            {
                lock (_lock)
                {
                    result = expr.Program.Invoke(variables);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new(ObjectStatus.Unknown, $"evaluating the {expr.Name} expression '{expr.Text}' failed: {e.Message}");
            }

            if (result is bool b)
            {
                if (b)
                {
                    return new(status, $"{expr.Name} expression '{expr.Text}' is true");
                }
            }
            else
            {
                return new(ObjectStatus.Unknown, $"the {expr.Name} expression '{expr.Text}' did not evaluate to a bool but to {result?.GetType().Name ?? "null"}");
            }
        }

        return new(ObjectStatus.InProgress, "no health check expression is true yet");
    }

    private static CompiledExpr? Compile(CelEnvironment env, CustomHealthCheck check, string name, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return new CompiledExpr(name, text, env.Compile(text));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CelExpressionException($"invalid {name} health check expression for {check.ApiVersion}/{check.Kind} '{text}': {e.Message}", e);
        }
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

    private sealed record CompiledExpr(string Name, string Text, CelProgramDelegate Program);

    private sealed record CompiledCheck(CompiledExpr? InProgress, CompiledExpr? Failed, CompiledExpr Current);
}
