using Prometheus;

namespace FluxSharp.Kubernetes.Runtime;

/// <summary>Prometheus metrics named as Flux's (gotk_*), so existing dashboards and alerts keep working.</summary>
public static class ControllerMetrics
{
    public static readonly Histogram ReconcileDuration = Metrics.CreateHistogram(
        "gotk_reconcile_duration_seconds",
        "The duration in seconds of a GitOps Toolkit resource reconciliation.",
        new HistogramConfiguration
        {
            LabelNames = ["kind", "name", "namespace"],
            Buckets = Histogram.ExponentialBuckets(0.01, 2, 12),
        });

    public static readonly Gauge Condition = Metrics.CreateGauge(
        "gotk_reconcile_condition",
        "The current condition status of a GitOps Toolkit resource reconciliation.",
        new GaugeConfiguration { LabelNames = ["kind", "name", "namespace", "type", "status"] });

    public static readonly Gauge Suspended = Metrics.CreateGauge(
        "gotk_suspend_status",
        "The current suspend status of a GitOps Toolkit resource.",
        new GaugeConfiguration { LabelNames = ["kind", "name", "namespace"] });

    /// <summary>Records a condition: the gauge of its current status is 1, the others 0 (as Flux does).</summary>
    public static void RecordCondition(string kind, string ns, string name, string type, string status)
    {
        foreach (var s in new[] { "True", "False", "Unknown", "Deleted" })
        {
            Condition.WithLabels(kind, name, ns, type, s).Set(s == status ? 1 : 0);
        }
    }
}
