using System.Text.Json.Nodes;
using FluxSharp.LocalCluster.Resources;
using FluxSharp.LocalCluster.Schema;
using FluxSharp.Formats;
using FluxSharp.LocalCluster.Tests.Infrastructure;

namespace FluxSharp.LocalCluster.Tests.Schema;

public class SchemaTests
{
    private static TypeSchema GitRepositoryV1()
    {
        var crd = (JsonObject)YamlJson.Parse(File.ReadAllText(RepoFiles.GitRepositoryCrdPath))!;
        var version = crd["spec"]!["versions"]!.AsArray().OfType<JsonObject>().First(v => (string?)v["name"] == "v1");
        return CrdSchemas.FromOpenApiV3((JsonObject)version["schema"]!["openAPIV3Schema"]!);
    }

    private static IEnumerable<TypeSchema> Walk(TypeSchema s)
    {
        yield return s;
        foreach (var child in (s.Properties?.Values.AsEnumerable() ?? []).Append(s.Items).Append(s.AdditionalProperties).OfType<TypeSchema>())
        {
            foreach (var d in Walk(child))
            {
                yield return d;
            }
        }
    }

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void DeploymentSchemaHasContainerMergeKeyAndIntOrString()
    {
        var deployment = BuiltinSchemas.ForKind("apps", "v1", "Deployment")!;
        var podSpec = deployment.Field("spec")!.Field("template")!.Field("spec")!;
        var containers = podSpec.Field("containers")!;
        Assert.Equal(SchemaType.Array, containers.Type);
        Assert.Equal("name", containers.PatchMergeKey);
        Assert.Equal("merge", containers.PatchStrategy);
        Assert.Equal(ListType.Map, containers.ListType);
        Assert.Equal(["name"], containers.ListMapKeys);
        Assert.Equal("containerPort", containers.Items!.Field("ports")!.PatchMergeKey);
        Assert.Equal(["containerPort", "protocol"], containers.Items!.Field("ports")!.ListMapKeys);
        Assert.Equal("merge,retainKeys", podSpec.Field("volumes")!.PatchStrategy);
        var rolling = deployment.Field("spec")!.Field("strategy")!.Field("rollingUpdate")!;
        Assert.Equal(SchemaType.IntOrString, rolling.Field("maxSurge")!.Type);
        Assert.Equal(ListType.Set, deployment.Field("metadata")!.Field("finalizers")!.ListType);
        Assert.Equal("V1Deployment", deployment.ModelName);
        Assert.Same(deployment, BuiltinSchemas.ForKind("apps", "v1", "Deployment"));
        Assert.Null(BuiltinSchemas.ForKind("apps", "v1", "Nope"));
        Assert.NotNull(BuiltinSchemas.ForKind("apiextensions.k8s.io", "v1", "CustomResourceDefinition"));
    }

    [Fact]
    public void GitRepositoryCrdSchemaIsParsed()
    {
        var schema = GitRepositoryV1();
        var spec = schema.Field("spec")!;
        Assert.Equal(SchemaType.Object, spec.Type);
        Assert.Contains("url", spec.Required);
        Assert.Equal(SchemaType.String, spec.Field("url")!.Type);
        Assert.NotNull(spec.Field("interval")!.Source!["pattern"]);
        // Flux's conditions carry no x-kubernetes-list-type, so they are atomic lists.
        Assert.Equal(ListType.Atomic, schema.Field("status")!.Field("conditions")!.ListType);
        Assert.Equal(SchemaType.Object, schema.Field("status")!.Field("conditions")!.Items!.Type);
        Assert.Equal("V1ObjectMeta", schema.Field("metadata")!.ModelName);
        Assert.Null(spec.Field("nope"));
    }

    [Fact]
    public void CrdListWithMapKeysIsParsedAsListMap()
    {
        // As in Flux's Receiver (spec.oidcProviders keyed by issuerURL) and Kubernetes' own keyed lists (containers, ports).
        var crd = (JsonObject)YamlJson.Parse("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: hooks.example.com}
            spec:
              group: example.com
              names: {kind: Hook, plural: hooks}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          targets:
                            type: array
                            x-kubernetes-list-type: map
                            x-kubernetes-list-map-keys: [kind, name]
                            items:
                              type: object
                              required: [kind, name]
                              properties:
                                kind: {type: string}
                                name: {type: string}
                                namespace: {type: string}
                          events:
                            type: array
                            x-kubernetes-list-type: set
                            items: {type: string}
            """)!;
        var schema = CrdSchemas.FromOpenApiV3((JsonObject)crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!);
        Assert.Contains(Walk(schema), s => s.ListType == ListType.Map && s.ListMapKeys.Count > 0);
        var targets = schema.Field("spec")!.Field("targets")!;
        Assert.Equal(ListType.Map, targets.ListType);
        Assert.Equal(["kind", "name"], targets.ListMapKeys);
        Assert.Equal(SchemaType.Object, targets.Items!.Type);
        Assert.Equal(ListType.Set, schema.Field("spec")!.Field("events")!.ListType);
    }

    [Fact]
    public void PruneDropsUnknownFieldsButKeepsMetadataAndPreservedFields()
    {
        var schema = CrdSchemas.FromOpenApiV3(Obj("""
            {"type":"object","properties":{
              "spec":{"type":"object","properties":{
                 "a":{"type":"string"},
                 "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
                 "list":{"type":"array","items":{"type":"object","properties":{"n":{"type":"string"}}}},
                 "res":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object"}}}}}}}
            """));
        var obj = Obj("""
            {"apiVersion":"x/v1","kind":"X","metadata":{"name":"a","labels":{"k":"v"},"bogus":1},
             "spec":{"a":"1","b":2,"free":{"x":{"y":1}},"list":[{"n":"1","m":2}],
                     "res":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}},
             "extra":true}
            """);
        var pruned = SchemaPruner.Prune(obj, schema);
        Assert.Equal(["metadata.bogus", "spec.b", "spec.list[0].m", "spec.res.data", "extra"], pruned);
        Assert.Equal("v", (string?)obj["metadata"]!["labels"]!["k"]);
        Assert.Equal(1, (int)obj["spec"]!["free"]!["x"]!["y"]!);
        Assert.Equal("c", (string?)obj["spec"]!["res"]!["metadata"]!["name"]);
        Assert.Null(obj["extra"]);
    }

    [Fact]
    public void UnknownFieldsAreReportedWithoutChangingTheObject()
    {
        var obj = Obj("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"foo":1,"template":{"spec":{"containers":[{"name":"a","bar":2}]}}}}""");
        var unknown = UnknownFields.Find(obj, BuiltinSchemas.ForKind("apps", "v1", "Deployment")!);
        Assert.Equal(["spec.foo", "spec.template.spec.containers[0].bar"], unknown);
        Assert.NotNull(obj["spec"]!["foo"]);
        Assert.Equal(
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.template.spec.containers[0].bar\"",
            UnknownFields.StrictErrorMessage("Deployment", "v1", unknown));
    }

    [Fact]
    public void DefaultsAreAppliedTopDown()
    {
        var obj = Obj("""{"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"GitRepository","metadata":{"name":"r"},"spec":{"url":"https://x","interval":"1m"}}""");
        SchemaDefaulter.ApplyDefaults(obj, GitRepositoryV1());
        Assert.Equal("60s", (string?)obj["spec"]!["timeout"]);
        Assert.Equal("https://x", (string?)obj["spec"]!["url"]);

        var nested = CrdSchemas.FromOpenApiV3(Obj("""
            {"type":"object","properties":{"spec":{"type":"object","default":{},"properties":{"n":{"type":"integer","default":3},"s":{"type":"string"}}}}}
            """));
        var empty = Obj("""{"metadata":{"name":"x"},"spec":null}""");
        SchemaDefaulter.ApplyDefaults(empty, nested);
        Assert.Equal(3, (int)empty["spec"]!["n"]!);
    }

    [Fact]
    public void ValidationMessagesMatchTheApiserver()
    {
        var schema = CrdSchemas.FromOpenApiV3(Obj("""
            {"type":"object","properties":{"spec":{"type":"object","required":["url"],"properties":{
              "url":{"type":"string"},
              "replicas":{"type":"integer","minimum":1,"maximum":5},
              "mode":{"type":"string","enum":["a","b"]},
              "name":{"type":"string","pattern":"^[a-z]+$","maxLength":5},
              "tags":{"type":"array","maxItems":1,"items":{"type":"string"}},
              "when":{"type":"string","format":"date-time"},
              "port":{"x-kubernetes-int-or-string":true}}}}}
            """));
        var obj = Obj("""{"metadata":{"name":"x"},"spec":{"replicas":"string","mode":"x","name":"ABCDEFG","tags":["a","b"],"when":"nope","port":true}}""");
        var messages = SchemaValidator.Validate(obj, schema).Select(FieldErrors.Format).ToList();
        Assert.Contains("spec.url: Required value", messages);
        Assert.Contains("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"", messages);
        Assert.Contains("spec.mode: Unsupported value: \"x\": supported values: \"a\", \"b\"", messages);
        Assert.Contains("spec.name: Too long: may not be more than 5 bytes", messages);
        Assert.Contains("spec.name: Invalid value: \"ABCDEFG\": spec.name in body should match '^[a-z]+$'", messages);
        Assert.Contains("spec.tags: Too many: 2: must have at most 1 item", messages);
        Assert.Contains("spec.when: Invalid value: \"nope\": spec.when in body must be of type date-time: \"nope\"", messages);
        Assert.Contains("spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"", messages);

        var low = Obj("""{"spec":{"url":"u","replicas":0}}""");
        var causes = SchemaValidator.Validate(low, schema);
        var cause = Assert.Single(causes);
        Assert.Equal("FieldValueInvalid", cause.Reason);
        Assert.Equal("spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1", FieldErrors.Format(cause));
    }

    [Fact]
    public void GitRepositoryValidatesAgainstTheFluxCrd()
    {
        var ok = Obj("""{"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"GitRepository","metadata":{"name":"r","namespace":"n"},"spec":{"url":"https://x","interval":"1m"}}""");
        Assert.Empty(SchemaValidator.Validate(ok, GitRepositoryV1()));
        var bad = Obj("""{"spec":{"interval":"soon"}}""");
        var messages = SchemaValidator.Validate(bad, GitRepositoryV1()).Select(FieldErrors.Format).ToList();
        Assert.Contains("spec.url: Required value", messages);
        Assert.Contains(messages, m => m.StartsWith("spec.interval: Invalid value: \"soon\": spec.interval in body should match", StringComparison.Ordinal));
    }

    [Fact]
    public void MetadataNamesAndLabelsAreValidated()
    {
        var obj = Obj("""{"metadata":{"name":"Foo_","labels":{"bad key!":"v","ok":"bad value!"},"annotations":{"a":"b"}}}""");
        var messages = ObjectMetaValidation.Validate(obj, namespaced: true, allowGenerateName: true).Select(FieldErrors.Format).ToList();
        Assert.Contains("metadata.name: Invalid value: \"Foo_\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", messages);
        Assert.Contains("metadata.namespace: Required value", messages);
        Assert.Contains(messages, m => m.StartsWith("metadata.labels: Invalid value: \"bad key!\": name part must consist of", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string", StringComparison.Ordinal));

        var generated = Obj("""{"metadata":{"generateName":"web-"}}""");
        Assert.Empty(ObjectMetaValidation.Validate(generated, namespaced: false, allowGenerateName: true));
        Assert.Equal("metadata.name: Required value: name or generateName is required", FieldErrors.Format(Assert.Single(ObjectMetaValidation.Validate(generated, false, allowGenerateName: false))));

        var label = Obj("""{"metadata":{"name":"a.b"}}""");
        Assert.Contains("a lowercase RFC 1123 label", Assert.Single(ObjectMetaValidation.Validate(label, false, false, NameRule.Label)).Message, StringComparison.Ordinal);
        var clusterScoped = Obj("""{"metadata":{"name":"a","namespace":"x"}}""");
        Assert.Equal("metadata.namespace: Forbidden: not allowed on this type", FieldErrors.Format(Assert.Single(ObjectMetaValidation.Validate(clusterScoped, false, false))));
    }

    private static List<ResourceInfo> Resources() =>
    [
        new ResourceInfo { Group = "apps", Version = "v1", Kind = "Deployment", Plural = "deployments", Singular = "deployment", Namespaced = true, HasStatus = true, Scale = new ScaleSubresource(".spec.replicas", ".status.replicas", null), Schema = BuiltinSchemas.ForKind("apps", "v1", "Deployment") },
        new ResourceInfo { Group = "", Version = "v1", Kind = "ConfigMap", Plural = "configmaps", Singular = "configmap", Namespaced = true, Schema = BuiltinSchemas.ForKind("", "v1", "ConfigMap") },
        new ResourceInfo { Group = "source.toolkit.fluxcd.io", Version = "v1", Kind = "GitRepository", Plural = "gitrepositories", Singular = "gitrepository", Namespaced = true, HasStatus = true, IsCustom = true, Schema = GitRepositoryV1() },
    ];

    [Fact]
    public void OpenApiV3RootListsGroupVersionsWithHashes()
    {
        var root = OpenApiDocuments.BuildV3Root(Resources());
        var paths = root["paths"]!.AsObject();
        Assert.Equal(["api/v1", "apis/apps/v1", "apis/source.toolkit.fluxcd.io/v1"], paths.Select(p => p.Key));
        Assert.StartsWith("/openapi/v3/apis/apps/v1?hash=", (string?)paths["apis/apps/v1"]!["serverRelativeURL"], StringComparison.Ordinal);
        Assert.Equal(root.ToJsonString(), JsonNode.Parse(OpenApiDocuments.V3RootJson(Resources(), "k1"))!.ToJsonString());
    }

    [Fact]
    public void OpenApiV3GroupVersionDocumentHasWhatKubectlLooksFor()
    {
        var doc = OpenApiDocuments.BuildV3GroupVersion(Resources(), "apps", "v1")!;
        var patch = doc["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.Equal("Deployment", (string?)patch["x-kubernetes-group-version-kind"]!["kind"]);
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
        Assert.NotNull(patch["requestBody"]!["content"]!["application/strategic-merge-patch+json"]);

        var schemas = doc["components"]!["schemas"]!;
        var deployment = schemas["V1Deployment"]!;
        Assert.Equal("apps", (string?)deployment["x-kubernetes-group-version-kind"]![0]!["group"]);
        Assert.Equal("#/components/schemas/V1ObjectMeta", (string?)deployment["properties"]!["metadata"]!["allOf"]![0]!["$ref"]);
        var containers = schemas["V1PodSpec"]!["properties"]!["containers"]!;
        Assert.Equal("name", (string?)containers["x-kubernetes-patch-merge-key"]);
        Assert.Equal("merge", (string?)containers["x-kubernetes-patch-strategy"]);
        Assert.Equal("map", (string?)containers["x-kubernetes-list-type"]);
        Assert.NotNull(doc["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]);

        var git = OpenApiDocuments.BuildV3GroupVersion(Resources(), "source.toolkit.fluxcd.io", "v1")!;
        var gitPatch = git["paths"]!["/apis/source.toolkit.fluxcd.io/v1/namespaces/{namespace}/gitrepositories/{name}"]!["patch"]!;
        Assert.Contains(gitPatch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation");
        Assert.Null(gitPatch["requestBody"]!["content"]!["application/strategic-merge-patch+json"]);
        Assert.NotNull(git["components"]!["schemas"]!["io.fluxcd.toolkit.source.v1.GitRepository"]!["x-kubernetes-group-version-kind"]);
        Assert.Null(OpenApiDocuments.BuildV3GroupVersion(Resources(), "nope", "v1"));
    }

    [Fact]
    public void OpenApiV2IsSwagger2WithDefinitions()
    {
        var doc = OpenApiDocuments.BuildV2(Resources());
        Assert.Equal("2.0", (string?)doc["swagger"]);
        Assert.Equal("#/definitions/V1ObjectMeta", (string?)doc["definitions"]!["V1Deployment"]!["properties"]!["metadata"]!["$ref"]);
        var patch = doc["paths"]!["/api/v1/namespaces/{namespace}/configmaps/{name}"]!["patch"]!;
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
        Assert.Equal(OpenApiDocuments.V2Json(Resources(), "k2"), OpenApiDocuments.V2Json(Resources(), "k2"));
    }

    [Fact]
    public void YamlScalarsAreTypedLikeKubectl()
    {
        var node = YamlJson.Parse("""
            a: true
            b: "true"
            c: 10
            d: '10'
            e: 1.5
            f: ~
            g: yes
            h: 0x1F
            i: plain text
            j: &x {k: v}
            l: *x
            """)!;
        Assert.True((bool)node["a"]!);
        Assert.Equal("true", (string?)node["b"]);
        Assert.Equal(10, (long)node["c"]!);
        Assert.Equal("10", (string?)node["d"]);
        Assert.Equal(1.5, (double)node["e"]!);
        Assert.Null(node["f"]);
        Assert.True((bool)node["g"]!);
        Assert.Equal(31, (long)node["h"]!);
        Assert.Equal("plain text", (string?)node["i"]);
        Assert.Equal("v", (string?)node["l"]!["k"]);
        Assert.Equal(2, YamlJson.ParseDocuments("a: 1\n---\nb: 2\n").Count);

        var back = YamlJson.Parse(YamlJson.Serialize(node))!;
        Assert.Equal(node.ToJsonString(), back.ToJsonString());
    }
}
