using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Health;

namespace FluxSharp.Kubernetes.Tests.Health;

public sealed class HealthStatusTests
{
    [Theory]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":1},"spec":{"replicas":2},"status":{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"readyReplicas":2,"availableReplicas":2,"conditions":[{"type":"Available","status":"True"},{"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable"}]}}""", ObjectStatus.Current, "Deployment is available. Replicas: 2")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":2},"spec":{"replicas":2},"status":{"observedGeneration":1}}""", ObjectStatus.InProgress, "Deployment generation is 2, but latest observed generation is 1")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":1},"spec":{"replicas":3},"status":{"observedGeneration":1,"replicas":3,"updatedReplicas":3,"readyReplicas":1,"availableReplicas":1}}""", ObjectStatus.InProgress, "Available: 1/3")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":1},"spec":{"replicas":1},"status":{"observedGeneration":1,"replicas":1,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded","message":"timed out"}]}}""", ObjectStatus.Failed, "Progress deadline exceeded: timed out")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"generation":1},"spec":{"replicas":2},"status":{"observedGeneration":1,"replicas":2,"readyReplicas":2,"currentReplicas":2,"updatedReplicas":2,"currentRevision":"a","updateRevision":"a"}}""", ObjectStatus.Current, "All replicas scheduled as expected. Replicas: 2")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"generation":1},"spec":{"replicas":2},"status":{"observedGeneration":1,"replicas":2,"readyReplicas":1}}""", ObjectStatus.InProgress, "Ready: 1/2")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":3,"currentNumberScheduled":3,"updatedNumberScheduled":3,"numberAvailable":3,"numberReady":3}}""", ObjectStatus.Current, "All replicas scheduled as expected. Replicas: 3")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":3,"currentNumberScheduled":3,"updatedNumberScheduled":3,"numberAvailable":2,"numberReady":2}}""", ObjectStatus.InProgress, "Available: 2/3")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"generation":1},"spec":{"replicas":1},"status":{"observedGeneration":1,"replicas":1,"fullyLabeledReplicas":1,"readyReplicas":1,"availableReplicas":1}}""", ObjectStatus.Current, "ReplicaSet is available. Replicas: 1")]
    [InlineData("""{"apiVersion":"batch/v1","kind":"Job","spec":{"completions":1},"status":{"startTime":"t","succeeded":1,"conditions":[{"type":"Complete","status":"True"}]}}""", ObjectStatus.Current, "Job Completed. succeeded: 1/1")]
    [InlineData("""{"apiVersion":"batch/v1","kind":"Job","spec":{},"status":{"startTime":"t","failed":7,"conditions":[{"type":"Failed","status":"True","message":"Job has reached the specified backoff limit"}]}}""", ObjectStatus.Failed, "Job Failed. failed: 7/1: Job has reached the specified backoff limit")]
    [InlineData("""{"apiVersion":"batch/v1","kind":"Job","spec":{}}""", ObjectStatus.InProgress, "Job not started")]
    [InlineData("""{"apiVersion":"v1","kind":"Pod","status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}""", ObjectStatus.Current, "Pod is Ready")]
    [InlineData("""{"apiVersion":"v1","kind":"Pod","status":{"phase":"Running","containerStatuses":[{"name":"app","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}""", ObjectStatus.Failed, "Pod has container app in CrashLoopBackOff")]
    [InlineData("""{"apiVersion":"v1","kind":"Pod","status":{"phase":"Succeeded"}}""", ObjectStatus.Current, "Pod has completed successfully")]
    [InlineData("""{"apiVersion":"v1","kind":"PersistentVolumeClaim","status":{"phase":"Bound"}}""", ObjectStatus.Current, "PVC is Bound")]
    [InlineData("""{"apiVersion":"v1","kind":"PersistentVolumeClaim","status":{"phase":"Pending"}}""", ObjectStatus.InProgress, "PVC is not Bound. phase: Pending")]
    [InlineData("""{"apiVersion":"v1","kind":"Service","spec":{"type":"ClusterIP","clusterIP":"10.0.0.1"}}""", ObjectStatus.Current, "Service is ready")]
    [InlineData("""{"apiVersion":"v1","kind":"Service","spec":{"type":"LoadBalancer"}}""", ObjectStatus.InProgress, "ClusterIP not set")]
    [InlineData("""{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","status":{"conditions":[{"type":"NamesAccepted","status":"True"},{"type":"Established","status":"True"}]}}""", ObjectStatus.Current, "CRD is established")]
    [InlineData("""{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","status":{}}""", ObjectStatus.InProgress, "Install in progress")]
    [InlineData("""{"apiVersion":"v1","kind":"Namespace","status":{"phase":"Active"}}""", ObjectStatus.Current, "Namespace is Active")]
    [InlineData("""{"apiVersion":"v1","kind":"Namespace","metadata":{"deletionTimestamp":"t"},"status":{"phase":"Terminating"}}""", ObjectStatus.Terminating, "Resource scheduled for deletion")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","data":{}}""", ObjectStatus.Current, "Resource is current")]
    [InlineData("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"generation":1},"status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True","message":"all good"}]}}""", ObjectStatus.Current, "all good")]
    [InlineData("""{"apiVersion":"example.com/v1","kind":"Widget","status":{"conditions":[{"type":"Ready","status":"False","message":"waiting for x"}]}}""", ObjectStatus.InProgress, "waiting for x")]
    [InlineData("""{"apiVersion":"example.com/v1","kind":"Widget","status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Stalled","status":"True","message":"gave up"}]}}""", ObjectStatus.Failed, "gave up")]
    [InlineData("""{"apiVersion":"example.com/v1","kind":"Widget","status":{"conditions":[{"type":"Reconciling","status":"True","message":"working"}]}}""", ObjectStatus.InProgress, "working")]
    public void KstatusRules(string json, ObjectStatus status, string message)
    {
        var result = HealthStatus.Compute(JsonNode.Parse(json)!.AsObject());
        Assert.Equal(status, result.Status);
        Assert.Equal(message, result.Message);
    }
}
