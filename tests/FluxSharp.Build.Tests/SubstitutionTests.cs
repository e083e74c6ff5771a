using System.Text.Json.Nodes;
using FluxSharp.Api;
using FluxSharp.Build.Substitution;
using FluxSharp.Formats;
using Subst = FluxSharp.Build.Substitution.Substitution;

namespace FluxSharp.Build.Tests;

public class SubstitutionTests
{
    private static JsonObject Obj(string yaml) => YamlJson.ParseObjects(yaml).Single();

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app-${env}
          namespace: ${ns:=default}
          labels:
            tier: "${tier:-backend}"
        spec:
          replicas: ${replicas}
          paused: ${paused}
          template:
            spec:
              containers:
                - name: app
                  image: "nginx:${tag}"
                  args: ["$${LITERAL}", "${missing_ok:=x}"]
        """;

    [Fact]
    public void SubstitutesTypesDefaultsAndEscapes()
    {
        var vars = new Dictionary<string, string> { ["env"] = "prod", ["replicas"] = "3", ["paused"] = "false", ["tag"] = "1.25" };
        var result = Subst.Apply([Obj(Deployment)], vars, strict: true).Single();

        Assert.Equal("app-prod", (string?)result["metadata"]!["name"]);
        Assert.Equal("default", (string?)result["metadata"]!["namespace"]);
        Assert.Equal("backend", (string?)result["metadata"]!["labels"]!["tier"]);
        Assert.Equal(3, (long)result["spec"]!["replicas"]!);
        Assert.False((bool)result["spec"]!["paused"]!);
        var container = result["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("nginx:1.25", (string?)container["image"]);
        Assert.Equal("${LITERAL}", (string?)container["args"]![0]);
        Assert.Equal("x", (string?)container["args"]![1]);
    }

    [Fact]
    public void JsonObjectsAreRenderedPlainSoWholeVariablesGetTyped()
    {
        var obj = Obj("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data:
              a: "${n}"
              b: '${n}'
            """);
        // Parsed objects have lost their quoting; KustomizeBuilder substitutes kustomize's text, which keeps it (see BuildTests).
        var result = Subst.Apply([obj], new Dictionary<string, string> { ["n"] = "42" }, strict: true).Single();
        Assert.Equal(42, (long)result["data"]!["a"]!);
        Assert.Equal(42, (long)result["data"]!["b"]!);
    }

    [Fact]
    public void MissingVariableFailsInStrictModeNamingObjectAndVariable()
    {
        var e = Assert.Throws<BuildException>(() => Subst.Apply([Obj(Deployment)], new Dictionary<string, string> { ["env"] = "x" }, strict: true));
        Assert.Equal(ConditionReasons.BuildFailed, e.Reason);
        Assert.Contains("apps_v1_Deployment/app-${env}", e.Message, StringComparison.Ordinal);
        Assert.Contains("variable not set (strict mode): \"replicas\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingVariableBecomesEmptyWhenNotStrict()
    {
        var obj = Obj("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {a: "x${nope}y"}
            """);
        var result = Subst.Apply([obj], new Dictionary<string, string> { ["other"] = "1" }, strict: false).Single();
        Assert.Equal("xy", (string?)result["data"]!["a"]);
    }

    [Fact]
    public void DisabledByLabelOrAnnotation()
    {
        var annotated = Obj("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
              annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}
            data: {script: "echo ${HOME}"}
            """);
        var labelled = Obj("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: b
              labels: {kustomize.toolkit.fluxcd.io/substitute: disabled}
            data: {script: "echo ${HOME}"}
            """);
        var result = Subst.Apply([annotated, labelled], new Dictionary<string, string> { ["HOME"] = "/x" }, strict: true);
        Assert.Equal("echo ${HOME}", (string?)result[0]["data"]!["script"]);
        Assert.Equal("echo ${HOME}", (string?)result[1]["data"]!["script"]);
    }

    [Fact]
    public void NothingHappensWithoutVariablesUnlessAlways()
    {
        var obj = Obj("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {a: "${v:=dflt}", b: "${missing}"}
            """);
        var untouched = Subst.Apply([obj], new Dictionary<string, string>(), strict: true).Single();
        Assert.Equal("${v:=dflt}", (string?)untouched["data"]!["a"]);

        var always = Subst.Apply([Obj("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {a: "${v:=dflt}"}
            """)], new Dictionary<string, string>(), strict: true, always: true).Single();
        Assert.Equal("dflt", (string?)always["data"]!["a"]);
    }

    [Fact]
    public void MultiLineValuesSurvive()
    {
        var obj = Obj("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data:
              script: |
                #!/bin/sh
                echo "${greeting}" 'quoted'
                echo done
              other: x
            """);
        var result = Subst.Apply([obj], new Dictionary<string, string> { ["greeting"] = "hi: there" }, strict: true).Single();
        Assert.Equal("#!/bin/sh\necho \"hi: there\" 'quoted'\necho done\n", (string?)result["data"]!["script"]);
    }

    [Fact]
    public void InvalidVariableNameIsRejected()
    {
        var e = Assert.Throws<BuildException>(() => Subst.Apply([Obj(Deployment)], new Dictionary<string, string> { ["bad-name"] = "x" }, strict: false));
        Assert.Contains("'bad-name' var name is invalid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeOrderMatchesFlux()
    {
        var first = new Dictionary<string, string> { ["a"] = "cm1", ["b"] = "cm1" };
        var second = new Dictionary<string, string> { ["b"] = "secret\n", ["c"] = "secret" };
        var inline = new Dictionary<string, string> { ["c"] = "inline" };
        var vars = SubstitutionVariables.Merge([first, second], inline);
        Assert.Equal("cm1", vars["a"]);
        Assert.Equal("secret", vars["b"]); // later source wins, newlines removed
        Assert.Equal("inline", vars["c"]); // inline wins over every source
    }

    [Fact]
    public void SecretDataIsDecoded() =>
        Assert.Equal("s3cr3t", SubstitutionVariables.FromSecretData(new Dictionary<string, string> { ["pw"] = "czNjcjN0" })["pw"]);
}
