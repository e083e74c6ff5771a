using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Protobuf;

namespace FluxSharp.LocalCluster.Tests.Protobuf;

/// <summary>
/// Hand-encoded messages (field numbers from Kubernetes' generated.proto) exercising what the kubectl
/// captures do not: Go omitempty versus pointers, inlined structs, JSON names that differ from proto names,
/// the apimachinery types with their own JSON form, unknown fields, packed numbers and the error paths.
/// </summary>
public class KubernetesProtobufTests
{
    [Fact]
    public void DeploymentKeepsPointerZeroesDropsOmitemptyZeroesAndInlinesEmbeddedStructs()
    {
        var container = new ProtoWriter()
            .String(1, string.Empty) // name has no omitempty: Go writes "name": ""
            .String(2, string.Empty) // image is omitempty
            .Message(19, new ProtoWriter() // envFrom
                .String(1, string.Empty)
                .Message(2, new ProtoWriter() // configMapRef: ConfigMapEnvSource{LocalObjectReference inline, optional *bool}
                    .Message(1, new ProtoWriter().String(1, "cm"))
                    .Varint(2, 0)))
            .Message(8, new ProtoWriter().MapEntry(1, "cpu", new ProtoWriter().String(1, "500m"))) // resources.limits
            .Varint(16, 0); // stdin false, omitempty
        var volume = new ProtoWriter()
            .String(1, "scratch")
            .Message(2, new ProtoWriter() // volumeSource, inlined into Volume
                .Message(2, new ProtoWriter().String(1, string.Empty).Message(2, new ProtoWriter().String(1, "1Gi")))); // emptyDir{medium "", sizeLimit}
        var podSpec = new ProtoWriter()
            .Message(1, volume)
            .Message(2, container)
            .Message(14, new ProtoWriter().Varint(4, 1).Varint(4, 2)) // securityContext.supplementalGroups, unpacked
            .String(3, string.Empty); // restartPolicy "", omitempty
        var deployment = new ProtoWriter()
            .Message(1, new ProtoWriter()
                .String(1, "web")
                .String(2, string.Empty)
                .Varint(7, 0)
                .Bytes(8, []) // creationTimestamp: zero time is an empty message
                .Message(9, new ProtoWriter().Varint(1, 1714564800)) // deletionTimestamp
                .MapEntry(11, "app", "web"))
            .Message(2, new ProtoWriter()
                .Varint(1, 0) // replicas *int32: set to 0, so written
                .Message(3, new ProtoWriter().Message(1, new ProtoWriter()).Message(2, podSpec))
                .Varint(5, 0) // minReadySeconds, omitempty
                .Varint(7, 0)) // paused, omitempty
            .Message(3, new ProtoWriter());

        var json = KubernetesProtobuf.Decode(ProtoWriter.Envelope("apps/v1", "Deployment", deployment));

        var expected = JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","deletionTimestamp":"2024-05-01T12:00:00Z","labels":{"app":"web"}},
             "spec":{"replicas":0,"template":{"metadata":{},"spec":{
                "volumes":[{"name":"scratch","emptyDir":{"sizeLimit":"1Gi"}}],
                "containers":[{"name":"","envFrom":[{"configMapRef":{"name":"cm","optional":false}}],"resources":{"limits":{"cpu":"500m"}}}],
                "securityContext":{"supplementalGroups":[1,2]}}}},
             "status":{}}
            """);
        AssertJson(expected, json);
        Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], json.Select(p => p.Key));
    }

    [Fact]
    public void PackedRepeatedNumbersAndUnknownFieldsAreRead()
    {
        byte[] run = [3, 0x7F, 0x80, 0x01]; // 3, 127, 128 as varints, packed into one length-delimited field
        var pod = new ProtoWriter()
            .Message(1, new ProtoWriter().String(1, "p").Varint(99, 7).Fixed32(98, 1).String(97, "future"))
            .Message(2, new ProtoWriter().Message(14, new ProtoWriter().Bytes(4, run)));

        var json = KubernetesProtobuf.Decode(ProtoWriter.Envelope("v1", "Pod", pod));

        AssertJson(JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"supplementalGroups":[3,127,128]}}}"""), json);
    }

    [Fact]
    public void IntOrStringIsANumberOrAString()
    {
        var service = new ProtoWriter()
            .Message(1, new ProtoWriter().String(1, "svc"))
            .Message(2, new ProtoWriter()
                .Message(1, new ProtoWriter().String(1, "a").Varint(3, 80).Message(4, new ProtoWriter().Varint(1, 0).Varint(2, 8080).String(3, string.Empty)).Varint(5, 0))
                .Message(1, new ProtoWriter().String(1, "b").Varint(3, 443).Message(4, new ProtoWriter().Varint(1, 1).Varint(2, 0).String(3, "https"))));

        var json = KubernetesProtobuf.Decode(ProtoWriter.Envelope("v1", "Service", service));

        AssertJson(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"ports":[
              {"name":"a","port":80,"targetPort":8080},{"name":"b","port":443,"targetPort":"https"}]}}
            """), json);
    }

    [Fact]
    public void JsonNamesComeFromGoTagsNotProtoNames()
    {
        // IngressClassParametersReference's proto field is "aPIGroup"; its JSON name is "apiGroup".
        var ingressClass = new ProtoWriter()
            .Message(1, new ProtoWriter().String(1, "nginx"))
            .Message(2, new ProtoWriter().String(1, "k8s.io/ingress-nginx").Message(2, new ProtoWriter().String(1, "example.com").String(2, "Params").String(3, "p")));

        var json = KubernetesProtobuf.Decode(ProtoWriter.Envelope("networking.k8s.io/v1", "IngressClass", ingressClass));

        AssertJson(JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nginx"},
             "spec":{"controller":"k8s.io/ingress-nginx","parameters":{"apiGroup":"example.com","kind":"Params","name":"p"}}}
            """), json);
    }

    [Fact]
    public void ListWrapperMapValuesBecomeArrays()
    {
        var review = new ProtoWriter()
            .Message(1, new ProtoWriter())
            .Message(2, new ProtoWriter().String(1, "t0ken"))
            .Message(3, new ProtoWriter()
                .Varint(1, 0) // authenticated false, omitempty
                .Message(2, new ProtoWriter().String(1, "alice").String(2, "u-1").String(3, "devs")
                    .MapEntry(4, "scopes", new ProtoWriter().String(1, "a").String(1, "b"))));

        var json = KubernetesProtobuf.Decode(ProtoWriter.Envelope("authentication.k8s.io/v1", "TokenReview", review));

        AssertJson(JsonNode.Parse("""
            {"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","metadata":{},"spec":{"token":"t0ken"},
             "status":{"user":{"username":"alice","uid":"u-1","groups":["devs"],"extra":{"scopes":["a","b"]}}}}
            """), json);
    }

    [Fact]
    public void MicroTimeKeepsMicrosecondsAndNegativeInt32Decodes()
    {
        var lease = new ProtoWriter()
            .Message(1, new ProtoWriter().String(1, "l"))
            .Message(2, new ProtoWriter().String(1, "me").Message(3, new ProtoWriter().Varint(1, 1714564800).Varint(2, 123456789)).Varint(5, -1));

        var json = KubernetesProtobuf.Decode(ProtoWriter.Envelope("coordination.k8s.io/v1", "Lease", lease));

        AssertJson(JsonNode.Parse("""
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l"},
             "spec":{"holderIdentity":"me","acquireTime":"2024-05-01T12:00:00.123456Z","leaseTransitions":-1}}
            """), json);
    }

    [Fact]
    public void RawExtensionAndFieldsV1CarryEmbeddedJson()
    {
        var revision = new ProtoWriter()
            .Message(1, new ProtoWriter().String(1, "r")
                .Message(17, new ProtoWriter().String(1, "kubectl").String(2, "Update").String(3, "apps/v1")
                    .Message(4, new ProtoWriter().Varint(1, 0)).String(6, "FieldsV1")
                    .Message(7, new ProtoWriter().String(1, """{"f:data":{}}"""))))
            .Message(2, new ProtoWriter().String(1, """{"spec":{"x":1}}"""))
            .Varint(3, 2);

        var json = KubernetesProtobuf.Decode(ProtoWriter.Envelope("apps/v1", "ControllerRevision", revision));

        AssertJson(JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"ControllerRevision",
             "metadata":{"name":"r","managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"apps/v1",
               "time":"1970-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}}]},
             "data":{"spec":{"x":1}},"revision":2}
            """), json);
    }

    [Fact]
    public void SecretDataIsBase64AndNoValueFieldsAreInvented()
    {
        var secret = new ProtoWriter()
            .Message(1, new ProtoWriter().String(1, "s"))
            .Message(2, new ProtoWriter().String(1, "k").Bytes(2, [0, 0xFF])) // data
            .Message(2, new ProtoWriter().String(1, "empty")); // value left out: the zero value (empty bytes)

        var json = KubernetesProtobuf.Decode(ProtoWriter.Envelope("v1", "Secret", secret));

        AssertJson(JsonNode.Parse("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"AP8=","empty":""}}"""), json);
    }

    [Fact]
    public void MetaKindsDecodeUnderAnyGroupVersion()
    {
        var options = new ProtoWriter().Varint(1, 0).String(4, "Foreground").String(5, "All");

        var json = KubernetesProtobuf.Decode(ProtoWriter.Envelope("apps/v1", "DeleteOptions", options));

        AssertJson(JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"DeleteOptions","gracePeriodSeconds":0,"propagationPolicy":"Foreground","dryRun":["All"]}"""), json);
    }

    [Theory]
    [InlineData("example.com/v1", "Widget")]
    [InlineData("apps/v1", "Widget")]
    [InlineData("v1", "Deployment")]
    public void UnknownKindIs415NamingTheKind(string apiVersion, string kind)
    {
        var e = Assert.Throws<ApiException>(() => KubernetesProtobuf.Decode(ProtoWriter.Envelope(apiVersion, kind, new ProtoWriter())));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, e.Code);
        Assert.Equal("UnsupportedMediaType", e.Reason);
        Assert.Contains(kind, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProtobufEmbeddedInARawExtensionIs415()
    {
        var inner = ProtoWriter.Envelope("v1", "ConfigMap", new ProtoWriter());
        var revision = new ProtoWriter().Message(1, new ProtoWriter().String(1, "r")).Message(2, new ProtoWriter().Bytes(1, inner));

        var e = Assert.Throws<ApiException>(() => KubernetesProtobuf.Decode(ProtoWriter.Envelope("apps/v1", "ControllerRevision", revision)));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, e.Code);
    }

    [Fact]
    public void CompressedContentIs415()
    {
        var e = Assert.Throws<ApiException>(() => KubernetesProtobuf.Decode(ProtoWriter.Envelope("v1", "ConfigMap", new ProtoWriter(), "gzip")));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, e.Code);
    }

    [Fact]
    public void MalformedBodiesAre400()
    {
        var good = ProtoWriter.Envelope("v1", "ConfigMap", new ProtoWriter().Message(1, new ProtoWriter().String(1, "foo")));

        Assert.Equal(HttpStatusCode.BadRequest, Assert.Throws<ApiException>(() => KubernetesProtobuf.Decode(Encoding.UTF8.GetBytes("{}"))).Code);
        Assert.Equal(HttpStatusCode.BadRequest, Assert.Throws<ApiException>(() => KubernetesProtobuf.Decode(good.AsSpan(0, good.Length - 5))).Code);
        var wrongWire = ProtoWriter.Envelope("v1", "ConfigMap", new ProtoWriter().Varint(1, 5)); // metadata as a varint
        Assert.Equal(HttpStatusCode.BadRequest, Assert.Throws<ApiException>(() => KubernetesProtobuf.Decode(wrongWire)).Code);
        Assert.Equal("foo", KubernetesProtobuf.Decode(good)["metadata"]!["name"]!.GetValue<string>());
    }

    private static void AssertJson(JsonNode? expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected?.ToJsonString()}\n  actual {actual.ToJsonString()}");
}
