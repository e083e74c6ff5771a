using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluxSharp.Api;
using FluxSharp.Formats;

namespace FluxSharp.Build.Substitution;

/// <summary>
/// Flux's post-build variable substitution (fluxcd/pkg/kustomize SubstituteVariables): each object is rendered
/// as YAML, run through <see cref="Envsubst"/> and parsed back, so a substituted unquoted <c>true</c> or
/// <c>3</c> becomes a boolean or number. Objects labelled or annotated
/// <c>kustomize.toolkit.fluxcd.io/substitute: disabled</c> are left untouched.
/// </summary>
public static partial class Substitution
{
    /// <summary>The label/annotation that turns substitution off for one object.</summary>
    public const string SubstituteKey = "kustomize.toolkit.fluxcd.io/substitute";

    /// <summary>The value of <see cref="SubstituteKey"/> that disables substitution.</summary>
    public const string DisabledValue = "disabled";

    /// <summary>The variable-name rule Flux enforces.</summary>
    public const string VariableNamePattern = "^[_[:alpha:]][_[:alpha:][:digit:]]*$";

    [GeneratedRegex("^[_a-zA-Z][_a-zA-Z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();

    /// <summary>
    /// Substitutes <paramref name="vars"/> into every object. Without variables nothing happens unless
    /// <paramref name="always"/> is set (Flux's <c>substituteStrategy: Always</c>, useful for <c>${var:=default}</c>).
    /// When <paramref name="strict"/> is set (Flux's StrictPostBuildSubstitutions feature gate, on by default), a
    /// variable referenced without a default that is not defined is an error; otherwise it becomes empty.
    /// </summary>
    /// <exception cref="BuildException">With reason <c>BuildFailed</c>, naming the object and the variable or the problem.</exception>
    /// <remarks>
    /// The objects are rendered to YAML with plain scalars wherever possible (as Flux renders kustomize's resources
    /// before substituting), so a string value that is exactly <c>${replicas}</c> becomes a number when the variable
    /// holds one, even if the source file quoted it (fluxcd/flux2#1839). <see cref="KustomizeBuilder"/> substitutes
    /// kustomize's own output text, which is rendered the same way.
    /// </remarks>
    public static IReadOnlyList<JsonObject> Apply(IReadOnlyList<JsonObject> objects, IReadOnlyDictionary<string, string> vars, bool strict, bool always = false)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(vars);
        if (vars.Count == 0 && !always)
        {
            return objects;
        }

        return ApplyToDocuments([.. objects.Select(o => (o, (string?)null))], vars, strict, always);
    }

    /// <summary>Substitutes into each document's YAML text (null text: the object is rendered first).</summary>
    internal static IReadOnlyList<JsonObject> ApplyToDocuments(IReadOnlyList<(JsonObject Object, string? Text)> documents, IReadOnlyDictionary<string, string> vars, bool strict, bool always)
    {
        if (vars.Count == 0 && !always)
        {
            return [.. documents.Select(d => d.Object)];
        }

        foreach (var name in vars.Keys)
        {
            if (!VariableName().IsMatch(name))
            {
                throw new BuildException(ConditionReasons.BuildFailed,
                    $"post build failed: '{name}' var name is invalid, must match '{VariableNamePattern}'");
            }
        }

        (string, bool) Lookup(string name) =>
            vars.TryGetValue(name, out var v) ? (v, true) : ("", !strict);

        var result = new List<JsonObject>(documents.Count);
        foreach (var (obj, text) in documents)
        {
            if (IsDisabled(obj))
            {
                result.Add(obj);
                continue;
            }
            string output;
            try
            {
                output = Envsubst.Eval(text ?? YamlJson.Serialize(obj), Lookup);
            }
            catch (EnvsubstException e)
            {
                throw new BuildException(ConditionReasons.BuildFailed,
                    $"post build failed for '{Describe(obj)}': envsubst error: variable substitution failed: {e.Message}", e);
            }
            IReadOnlyList<JsonNode> docs;
            try
            {
                docs = YamlJson.ParseDocuments(output);
            }
            catch (YamlSyntaxException e)
            {
                throw new BuildException(ConditionReasons.BuildFailed,
                    $"post build failed for '{Describe(obj)}': envsubst error: the substituted YAML is invalid at line {e.Line}: {e.Message}", e);
            }
            if (docs.Count != 1 || docs[0] is not JsonObject substituted)
            {
                throw new BuildException(ConditionReasons.BuildFailed,
                    $"post build failed for '{Describe(obj)}': envsubst error: substitution did not produce exactly one object");
            }

            result.Add(substituted);
        }
        return result;
    }

    /// <summary>True when the object opts out of substitution with the label or annotation.</summary>
    public static bool IsDisabled(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var meta = obj["metadata"] as JsonObject;
        return Has(meta?["labels"]) || Has(meta?["annotations"]);

        static bool Has(JsonNode? map) =>
            map is JsonObject o && o[SubstituteKey] is JsonValue v && v.TryGetValue<string>(out var s) && s == DisabledValue;
    }

    /// <summary>Names an object like kustomize does in Flux's messages: <c>group_version_Kind/name</c> (<c>~G</c> for the core group).</summary>
    public static string Describe(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var apiVersion = Str(obj["apiVersion"]);
        var kind = Str(obj["kind"]);
        var name = Str((obj["metadata"] as JsonObject)?["name"]);
        int slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash >= 0 ? apiVersion[..slash] : "";
        var version = slash >= 0 ? apiVersion[(slash + 1)..] : apiVersion;
        var sb = new StringBuilder();
        sb.Append(group.Length == 0 ? "~G" : group).Append('_')
          .Append(version.Length == 0 ? "~V" : version).Append('_')
          .Append(kind.Length == 0 ? "~K" : kind).Append('/').Append(name);
        return sb.ToString();

        static string Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
    }
}

/// <summary>Gathering the variables of <c>spec.postBuild</c>.</summary>
public static class SubstitutionVariables
{
    /// <summary>
    /// Merges variables as Flux does: the <c>substituteFrom</c> sources in their listed order (a later ConfigMap or
    /// Secret overrides an earlier one), then the inline <c>substitute</c> map, which overrides them all. Newlines
    /// are removed from every value (Flux does the same). A missing optional source should simply be left out.
    /// </summary>
    public static Dictionary<string, string> Merge(IEnumerable<IReadOnlyDictionary<string, string>> sources, IReadOnlyDictionary<string, string>? inline)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var (k, v) in source)
            {
                vars[k] = Clean(v);
            }
        }
        if (inline is not null)
        {
            foreach (var (k, v) in inline)
            {
                vars[k] = Clean(v);
            }
        }
        return vars;

        static string Clean(string? v) => (v ?? "").Replace("\n", "", StringComparison.Ordinal);
    }

    /// <summary>Decodes a Secret's base64 <c>data</c> map into variables (values as UTF-8 text).</summary>
    /// <exception cref="FormatException">A value is not valid base64; the message names the key, never the value.</exception>
    public static Dictionary<string, string> FromSecretData(IReadOnlyDictionary<string, string> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in data)
        {
            try
            {
                vars[k] = Encoding.UTF8.GetString(Convert.FromBase64String(v ?? ""));
            }
            catch (FormatException e)
            {
                throw new FormatException($"secret key '{k}' does not hold valid base64 data", e);
            }
        }
        return vars;
    }
}
