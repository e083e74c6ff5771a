using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>Which rule a kind's metadata.name must follow.</summary>
public enum NameRule
{
    /// <summary>DNS-1123 subdomain (most kinds, and custom resources).</summary>
    Subdomain,
    /// <summary>DNS-1123 label (Namespace, Service...).</summary>
    Label,
    /// <summary>Any path segment: not "." or "..", no "/" or "%" (RBAC kinds...).</summary>
    PathSegment,
}

/// <summary>
/// metadata validation common to every object (name, generateName, namespace, labels, annotations),
/// with the apiserver's messages.
/// </summary>
public static partial class ObjectMetaValidation
{
    public const int TotalAnnotationSizeLimit = 256 * 1024;

    private const string Dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string QualifiedNamePartMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string QualifiedNameMessage = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    /// <summary>Validates obj.metadata; <paramref name="allowGenerateName"/> is true on create.</summary>
    public static IReadOnlyList<StatusCause> Validate(JsonObject obj, bool namespaced, bool allowGenerateName, NameRule nameRule = NameRule.Subdomain)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var causes = new List<StatusCause>();
        var meta = obj["metadata"] as JsonObject ?? [];
        var name = Text(meta, "name");
        var generateName = Text(meta, "generateName");

        if (!string.IsNullOrEmpty(generateName))
        {
            foreach (var message in NameMessages(nameRule, MaskTrailingDash(generateName)))
            {
                causes.Add(FieldErrors.Invalid("metadata.generateName", generateName, message));
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            if (!allowGenerateName || string.IsNullOrEmpty(generateName))
            {
                causes.Add(FieldErrors.Required("metadata.name", "name or generateName is required"));
            }
        }
        else
        {
            foreach (var message in NameMessages(nameRule, name))
            {
                causes.Add(FieldErrors.Invalid("metadata.name", name, message));
            }
        }

        var ns = Text(meta, "namespace");
        if (namespaced)
        {
            if (string.IsNullOrEmpty(ns))
            {
                causes.Add(FieldErrors.Required("metadata.namespace"));
            }
            else
            {
                foreach (var message in Dns1123Label(ns))
                {
                    causes.Add(FieldErrors.Invalid("metadata.namespace", ns, message));
                }
            }
        }
        else if (!string.IsNullOrEmpty(ns))
        {
            causes.Add(FieldErrors.Forbidden("metadata.namespace", "not allowed on this type"));
        }

        if (meta["labels"] is JsonObject labels)
        {
            causes.AddRange(ValidateLabels(labels, "metadata.labels"));
        }

        if (meta["annotations"] is JsonObject annotations)
        {
            causes.AddRange(ValidateAnnotations(annotations, "metadata.annotations"));
        }

        return causes;
    }

    /// <summary>The messages for a name under a rule; empty when valid.</summary>
    public static IReadOnlyList<string> NameMessages(NameRule rule, string name) => rule switch
    {
        NameRule.Label => Dns1123Label(name),
        NameRule.PathSegment => PathSegment(name),
        _ => Dns1123Subdomain(name),
    };

    public static IEnumerable<StatusCause> ValidateLabels(JsonObject labels, string field)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (key, value) in labels)
        {
            foreach (var message in QualifiedName(key))
            {
                yield return FieldErrors.Invalid(field, key, message);
            }

            var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? string.Empty;
            foreach (var message in LabelValue(text))
            {
                yield return FieldErrors.Invalid(field, text, message);
            }
        }
    }

    public static IEnumerable<StatusCause> ValidateAnnotations(JsonObject annotations, string field)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        long total = 0;
        foreach (var (key, value) in annotations)
        {
            // Annotation keys are checked case-insensitively (lowercased first).
            foreach (var message in QualifiedName(key.ToLowerInvariant()))
            {
                yield return FieldErrors.Invalid(field, key, message);
            }

            var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : string.Empty;
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(text);
        }

        if (total > TotalAnnotationSizeLimit)
        {
            yield return FieldErrors.TooLong(field, TotalAnnotationSizeLimit);
        }
    }

    public static IReadOnlyList<string> Dns1123Subdomain(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > 253)
        {
            errors.Add("must be no more than 253 characters");
        }

        if (!SubdomainRegex().IsMatch(value))
        {
            errors.Add(Dns1123SubdomainMessage);
        }

        return errors;
    }

    public static IReadOnlyList<string> Dns1123Label(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > 63)
        {
            errors.Add("must be no more than 63 characters");
        }

        if (!LabelRegex().IsMatch(value))
        {
            errors.Add(Dns1123LabelMessage);
        }

        return errors;
    }

    public static IReadOnlyList<string> PathSegment(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value is "." or "..")
        {
            errors.Add($"may not be '{value}'");
        }

        foreach (var illegal in new[] { "/", "%" })
        {
            if (value.Contains(illegal, StringComparison.Ordinal))
            {
                errors.Add($"may not contain '{illegal}'");
            }
        }

        return errors;
    }

    /// <summary>Label and annotation keys: an optional DNS subdomain prefix and '/', then a name of up to 63 characters.</summary>
    public static IReadOnlyList<string> QualifiedName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    errors.Add("prefix part must be non-empty");
                }
                else
                {
                    errors.AddRange(Dns1123Subdomain(prefix).Select(m => "prefix part " + m));
                }

                break;
            default:
                errors.Add(QualifiedNameMessage);
                return errors;
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (name.Length > 63)
        {
            errors.Add("name part must be no more than 63 characters");
        }

        if (!QualifiedNamePartRegex().IsMatch(name))
        {
            errors.Add(QualifiedNamePartMessage);
        }

        return errors;
    }

    public static IReadOnlyList<string> LabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > 63)
        {
            errors.Add("must be no more than 63 characters");
        }

        if (!LabelValueRegex().IsMatch(value))
        {
            errors.Add(LabelValueMessage);
        }

        return errors;
    }

    // generateName is a prefix: a trailing '-' is fine because a random suffix follows it.
    private static string MaskTrailingDash(string name) =>
        name.Length > 1 && name[^1] == '-' ? name[..^1] + "a" : name;

    private static string? Text(JsonObject meta, string name) =>
        meta[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex SubdomainRegex();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex LabelRegex();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z")]
    private static partial Regex QualifiedNamePartRegex();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\z")]
    private static partial Regex LabelValueRegex();
}
