using System.Text.Json.Nodes;

namespace FluxSharp.Kubernetes.Health;

/// <summary>
/// Custom health rules for some kinds, used by <see cref="HealthChecker"/> instead of kstatus for the objects they
/// cover (a Kustomization's CEL healthCheckExprs are one).
/// </summary>
public interface IHealthEvaluator
{
    /// <summary>The object's status, or null when no rule covers its kind (kstatus then decides).</summary>
    HealthResult? Evaluate(JsonObject obj);
}
