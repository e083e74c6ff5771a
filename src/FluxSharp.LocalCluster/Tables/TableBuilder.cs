using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Resources;

namespace FluxSharp.LocalCluster.Tables;

/// <summary>
/// Builds the meta.k8s.io/v1 Table kubectl asks for with
/// <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c> (kubectl get, get -w, get -o wide).
/// Built-in kinds get the columns of the real server's printers; custom resources get their CRD's
/// additionalPrinterColumns; anything else NAME and AGE.
/// </summary>
/// <remarks>
/// kubectl reads row.object to print the NAMESPACE column (-A), --show-labels and -L, so by
/// default every row carries a PartialObjectMetadata with the object's whole metadata;
/// <c>--sort-by</c> makes kubectl send includeObject=Object to get the full object.
/// For a single-object GET pass one object and its resourceVersion as <paramref name="listResourceVersion"/>.
/// </remarks>
public static class TableBuilder
{
    public static JsonObject Build(ResourceInfo resource, IReadOnlyList<JsonObject> objects, string? includeObject, string? listResourceVersion, string? continueToken, DateTimeOffset now)
    {
        var mode = string.IsNullOrEmpty(includeObject) ? "Metadata" : includeObject;
        if (mode is not ("None" or "Metadata" or "Object"))
        {
            throw ApiException.BadRequest($"unrecognized includeObject value: \"{includeObject}\"");
        }

        var printer = PrinterFor(resource);
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var printed = printer.Print(obj, now);
            var row = new JsonObject { ["cells"] = new JsonArray([.. printed.Cells.Select(c => c?.DeepClone())]) };
            if (printed.Conditions is not null)
            {
                row["conditions"] = printed.Conditions;
            }

            row["object"] = mode switch
            {
                "Object" => WithTypeMeta(obj, resource),
                "Metadata" => PartialObjectMetadata(obj),
                _ => null,
            };
            rows.Add(row);
        }

        var metadata = new JsonObject();
        if (!string.IsNullOrEmpty(listResourceVersion))
        {
            metadata["resourceVersion"] = listResourceVersion;
        }

        if (!string.IsNullOrEmpty(continueToken))
        {
            metadata["continue"] = continueToken;
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = new JsonArray([.. printer.Columns.Select(c => (JsonNode?)c.ToJson())]),
            ["rows"] = rows,
        };
    }

    /// <summary>The column definitions alone (e.g. for a watch's first event or an empty list).</summary>
    public static JsonArray ColumnDefinitions(ResourceInfo resource) =>
        new([.. PrinterFor(resource).Columns.Select(c => (JsonNode?)c.ToJson())]);

    private static Printer PrinterFor(ResourceInfo resource)
    {
        if (resource.IsCustom)
        {
            return CustomResourcePrinter.For(resource.PrinterColumns);
        }

        return BuiltinPrinter(resource.Group, resource.Kind)
            ?? (resource.PrinterColumns.Count > 0 ? CustomResourcePrinter.For(resource.PrinterColumns) : NameAndAge);
    }

    private static readonly Printer NameAndAge = new(
        [Column.NameColumn, Column.Age],
        (o, now) => new([Format.S(Format.Name(o)), Format.S(Format.Age(o, now))]));

    private static Printer? BuiltinPrinter(string group, string kind) => (group, kind) switch
    {
        ("", "Pod") => WorkloadPrinters.Pod,
        ("apps", "Deployment") => WorkloadPrinters.Deployment,
        ("apps", "ReplicaSet") => WorkloadPrinters.ReplicaSet,
        ("apps", "StatefulSet") => WorkloadPrinters.StatefulSet,
        ("apps", "DaemonSet") => WorkloadPrinters.DaemonSet,
        ("batch", "Job") => WorkloadPrinters.Job,
        ("batch", "CronJob") => WorkloadPrinters.CronJob,
        ("", "Service") => ResourcePrinters.Service,
        ("", "ConfigMap") => ResourcePrinters.ConfigMap,
        ("", "Secret") => ResourcePrinters.Secret,
        ("", "Namespace") => ResourcePrinters.Namespace,
        ("", "ServiceAccount") => ResourcePrinters.ServiceAccount,
        ("", "Event") => ResourcePrinters.Event,
        ("", "Endpoints") => ResourcePrinters.Endpoints,
        ("", "PersistentVolumeClaim") => ResourcePrinters.PersistentVolumeClaim,
        ("", "Node") => ResourcePrinters.Node,
        ("", "LimitRange") => ResourcePrinters.CreatedAtOnly,
        ("coordination.k8s.io", "Lease") => ResourcePrinters.Lease,
        ("networking.k8s.io", "Ingress") => ResourcePrinters.Ingress,
        ("networking.k8s.io", "NetworkPolicy") => ResourcePrinters.NetworkPolicy,
        ("autoscaling", "HorizontalPodAutoscaler") => ResourcePrinters.HorizontalPodAutoscaler,
        ("policy", "PodDisruptionBudget") => ResourcePrinters.PodDisruptionBudget,
        ("rbac.authorization.k8s.io", "Role" or "ClusterRole") => ResourcePrinters.CreatedAtOnly,
        ("rbac.authorization.k8s.io", "RoleBinding" or "ClusterRoleBinding") => ResourcePrinters.Binding,
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration" or "ValidatingWebhookConfiguration") => ResourcePrinters.Webhooks,
        // CRDs have no printer handler: the apiserver's default table convertor prints NAME and CREATED AT.
        ("apiextensions.k8s.io", "CustomResourceDefinition") => ResourcePrinters.CreatedAtOnly,
        _ => null,
    };

    /// <summary>meta.AsPartialObjectMetadata: the object's metadata under kind PartialObjectMetadata of meta.k8s.io/v1.</summary>
    private static JsonObject PartialObjectMetadata(JsonObject obj) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
    };

    private static JsonObject WithTypeMeta(JsonObject obj, ResourceInfo resource)
    {
        var copy = (JsonObject)obj.DeepClone();
        if (copy["apiVersion"] is null)
        {
            copy["apiVersion"] = resource.ApiVersion;
        }

        if (copy["kind"] is null)
        {
            copy["kind"] = resource.Kind;
        }

        return copy;
    }
}
