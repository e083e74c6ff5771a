namespace FluxSharp.Kubernetes.Client;

/// <summary>namespace/name of an object; Namespace is null for cluster-scoped objects.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
