using System.Globalization;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Patching;

/// <summary>
/// RFC 6902 JSON Patch as kube-apiserver applies it (application/json-patch+json). Kubernetes runs
/// evanphx/json-patch v4, so its deviations from the RFC are kept where clients could notice:
/// negative array indices count from the end, "add" and "remove" at the root path "" fail, a
/// "test" against a missing member succeeds when the expected value is null.
/// A structurally malformed patch is a 400; an operation that does not apply is a 422 whose
/// message is the generic one (the explanation is in <see cref="PatchErrors.Detail"/>).
/// </summary>
public static class JsonPatch
{
    /// <summary>kube-apiserver refuses larger patches (maxJSONPatchOperations).</summary>
    public const int MaxOperations = 10000;

    /// <summary>Applies <paramref name="patch"/> (a JSON array of operations) to a copy of <paramref name="target"/>.</summary>
    public static JsonNode Apply(JsonNode target, JsonNode patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        var operations = Decode(patch);
        if (operations.Count > MaxOperations)
        {
            throw PatchErrors.TooLarge($"The allowed maximum operations in a JSON patch is {MaxOperations}, got {operations.Count}");
        }

        var document = target.DeepClone();
        foreach (var operation in operations)
        {
            document = ApplyOne(document, operation);
        }

        return document;
    }

    /// <summary>Only the outer shape is checked here, as Go's decoding into []map does; field errors surface per operation.</summary>
    private static List<JsonObject?> Decode(JsonNode? patch)
    {
        if (patch is not JsonArray array)
        {
            throw PatchErrors.BadRequest($"json: cannot unmarshal {GoKind(patch)} into Go value of type jsonpatch.Patch");
        }

        var operations = new List<JsonObject?>(array.Count);
        foreach (var item in array)
        {
            if (item is not null and not JsonObject)
            {
                throw PatchErrors.BadRequest($"json: cannot unmarshal {GoKind(item)} into Go value of type jsonpatch.Operation");
            }

            operations.Add(item as JsonObject);
        }

        return operations;
    }

    private static string GoKind(JsonNode? node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        null => "null",
        _ => node.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => "string",
            System.Text.Json.JsonValueKind.Number => "number",
            _ => "bool",
        },
    };

    private static JsonNode ApplyOne(JsonNode document, JsonObject? operation)
    {
        var kind = StringMember(operation, "op") ?? "unknown";
        switch (kind)
        {
            case "add":
                Add(document, operation!);
                return document;
            case "remove":
                Remove(document, operation!);
                return document;
            case "replace":
                return Replace(document, operation!);
            case "move":
                Move(document, operation!);
                return document;
            case "copy":
                Copy(document, operation!);
                return document;
            case "test":
                Test(document, operation!);
                return document;
            default:
                throw PatchErrors.Unprocessable($"Unexpected kind: {kind}");
        }
    }

    private static void Add(JsonNode document, JsonObject operation)
    {
        var path = StringMember(operation, "path")
            ?? throw PatchErrors.Unprocessable("add operation failed to decode path: missing value");
        var location = Locate(document, path)
            ?? throw PatchErrors.Unprocessable($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        var error = location.Insert(ValueOf(operation));
        if (error is not null)
        {
            throw PatchErrors.Unprocessable($"error in add for path: '{path}': {error}");
        }
    }

    private static void Remove(JsonNode document, JsonObject operation)
    {
        var path = StringMember(operation, "path")
            ?? throw PatchErrors.Unprocessable("remove operation failed to decode path: missing value");
        var location = Locate(document, path)
            ?? throw PatchErrors.Unprocessable($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        var error = location.Delete(out _);
        if (error is not null)
        {
            throw PatchErrors.Unprocessable($"error in remove for path: '{path}': {error}");
        }
    }

    private static JsonNode Replace(JsonNode document, JsonObject operation)
    {
        var path = StringMember(operation, "path")
            ?? throw PatchErrors.Unprocessable("replace operation failed to decode path: operation missing path field: missing value");
        if (path.Length == 0)
        {
            // The whole document: only a container may take its place. evanphx silently ignores
            // anything else (its error wraps a nil error), and so does the API server.
            var value = ValueOf(operation);
            return value is JsonObject or JsonArray ? value : document;
        }

        var location = Locate(document, path)
            ?? throw PatchErrors.Unprocessable($"replace operation does not apply: doc is missing path: {path}: missing value");
        if (location.Read(out _) is not null)
        {
            throw PatchErrors.Unprocessable($"replace operation does not apply: doc is missing key: {path}: missing value");
        }

        location.Overwrite(ValueOf(operation));
        return document;
    }

    private static void Move(JsonNode document, JsonObject operation)
    {
        var from = StringMember(operation, "from")
            ?? throw PatchErrors.Unprocessable("move operation failed to decode from: operation, missing from field: missing value");
        var source = Locate(document, from)
            ?? throw PatchErrors.Unprocessable($"move operation does not apply: doc is missing from path: {from}: missing value");
        // Read first so a missing source reports "unable to get", as evanphx does.
        JsonNode? value = null;
        var error = source.Read(out _);
        error ??= source.Delete(out value);
        if (error is not null)
        {
            throw PatchErrors.Unprocessable($"error in move for path: '{source.Key}': {error}");
        }

        var path = StringMember(operation, "path")
            ?? throw PatchErrors.Unprocessable("move operation failed to decode path: operation missing path field: missing value");
        var destination = Locate(document, path)
            ?? throw PatchErrors.Unprocessable($"move operation does not apply: doc is missing destination path: {path}: missing value");
        error = destination.Insert(value);
        if (error is not null)
        {
            throw PatchErrors.Unprocessable($"error in move for path: '{path}': {error}");
        }
    }

    private static void Copy(JsonNode document, JsonObject operation)
    {
        var from = StringMember(operation, "from")
            ?? throw PatchErrors.Unprocessable("copy operation failed to decode from: operation, missing from field: missing value");
        var source = Locate(document, from)
            ?? throw PatchErrors.Unprocessable($"copy operation does not apply: doc is missing from path: {from}: missing value");
        var error = source.Read(out var value);
        if (error is not null)
        {
            throw PatchErrors.Unprocessable($"error in copy for from: '{from}': {error}");
        }

        var path = StringMember(operation, "path")
            ?? throw PatchErrors.Unprocessable("copy operation failed to decode path: missing value");
        var destination = Locate(document, path)
            ?? throw PatchErrors.Unprocessable($"copy operation does not apply: doc is missing destination path: {path}: missing value");
        error = destination.Insert(value?.DeepClone());
        if (error is not null)
        {
            throw PatchErrors.Unprocessable($"error while adding value during copy: {error}");
        }
    }

    private static void Test(JsonNode document, JsonObject operation)
    {
        var path = StringMember(operation, "path")
            ?? throw PatchErrors.Unprocessable("test operation failed to decode path: operation missing path field: missing value");
        var expected = ValueOf(operation);
        if (path.Length == 0)
        {
            if (!JsonNode.DeepEquals(document, expected))
            {
                throw PatchErrors.Unprocessable($"testing value {path} failed: test failed");
            }

            return;
        }

        var location = Locate(document, path)
            ?? throw PatchErrors.Unprocessable($"test operation does not apply: is missing path: {path}: missing value");
        var error = location.Read(out var actual);

        // A missing object member reads as null, so "test it is null" passes for absent fields;
        // a bad array index stays an error.
        if (error is not null && location.Container is JsonArray)
        {
            throw PatchErrors.Unprocessable($"error in test for path: '{path}': {error}");
        }

        if (!JsonNode.DeepEquals(actual, expected))
        {
            throw PatchErrors.Unprocessable($"testing value {path} failed: test failed");
        }
    }

    private static string? StringMember(JsonObject? operation, string name) =>
        operation is not null && operation.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : null;

    /// <summary>The operation's value, copied so the patch document is never shared with the result. Absent means null.</summary>
    private static JsonNode? ValueOf(JsonObject operation) =>
        operation.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : null;

    /// <summary>
    /// Walks every token of <paramref name="path"/> but the last; null when the path is not a
    /// pointer or some step is missing, null, a scalar or a bad index (all "doc is missing path").
    /// </summary>
    private static Location? Locate(JsonNode document, string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            return null;
        }

        var tokens = path[1..].Split('/');
        JsonNode current = document;
        for (var i = 0; i < tokens.Length - 1; i++)
        {
            var step = new Location(current, Unescape(tokens[i]));
            if (step.Read(out var next) is not null || next is not (JsonObject or JsonArray))
            {
                return null;
            }

            current = next;
        }

        return new Location(current, Unescape(tokens[^1]));
    }

    /// <summary>RFC 6901 decoding in one left-to-right pass, so "~01" becomes "~1" and not "/".</summary>
    private static string Unescape(string token)
    {
        if (!token.Contains('~', StringComparison.Ordinal))
        {
            return token;
        }

        var builder = new System.Text.StringBuilder(token.Length);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '~' && i + 1 < token.Length && token[i + 1] is '0' or '1')
            {
                builder.Append(token[i + 1] == '0' ? '~' : '/');
                i++;
            }
            else
            {
                builder.Append(token[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// One member slot: a key of an object or an index of an array. Each operation returns an error
    /// text (evanphx's wording) or null on success.
    /// </summary>
    private sealed class Location(JsonNode container, string key)
    {
        public JsonNode Container { get; } = container;

        public string Key { get; } = key;

        public string? Read(out JsonNode? value)
        {
            value = null;
            if (Container is JsonObject obj)
            {
                return obj.TryGetPropertyValue(Key, out value) ? null : $"unable to get nonexistent key: {Key}: missing value";
            }

            var array = (JsonArray)Container;
            var error = ExistingIndex(array, out var index);
            if (error is null)
            {
                value = array[index];
            }

            return error;
        }

        public string? Insert(JsonNode? value)
        {
            if (Container is JsonObject obj)
            {
                obj[Key] = value;
                return null;
            }

            var array = (JsonArray)Container;
            if (Key == "-")
            {
                array.Add(value);
                return null;
            }

            if (!TryParseIndex(Key, out var index))
            {
                return $"value was not a proper array index: '{Key}': strconv.Atoi: parsing \"{Key}\": invalid syntax";
            }

            // Insertion positions run 0..Count; negative ones count back from one past the end.
            var size = array.Count + 1;
            if (index >= size || index < -size)
            {
                return $"Unable to access invalid index: {index}: invalid index referenced";
            }

            array.Insert(index < 0 ? index + size : index, value);
            return null;
        }

        public string? Delete(out JsonNode? removed)
        {
            removed = null;
            if (Container is JsonObject obj)
            {
                if (!obj.TryGetPropertyValue(Key, out removed))
                {
                    return $"unable to remove nonexistent key: {Key}: missing value";
                }

                obj.Remove(Key);
                return null;
            }

            var array = (JsonArray)Container;
            var error = ExistingIndex(array, out var index);
            if (error is null)
            {
                removed = array[index];
                array.RemoveAt(index);
            }

            return error;
        }

        /// <summary>Only called after <see cref="Read"/> succeeded, so the slot exists.</summary>
        public void Overwrite(JsonNode? value)
        {
            if (Container is JsonObject obj)
            {
                obj[Key] = value;
                return;
            }

            var array = (JsonArray)Container;
            _ = ExistingIndex(array, out var index);
            array[index] = value;
        }

        private string? ExistingIndex(JsonArray array, out int index)
        {
            if (!TryParseIndex(Key, out index))
            {
                return $"strconv.Atoi: parsing \"{Key}\": invalid syntax";
            }

            var original = index;
            if (index < 0)
            {
                index += array.Count;
            }

            return index < 0 || index >= array.Count
                ? $"Unable to access invalid index: {original}: invalid index referenced"
                : null;
        }

        /// <summary>Go's Atoi: optional sign, decimal digits, nothing else.</summary>
        private static bool TryParseIndex(string token, out int index) =>
            int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out index);
    }
}
