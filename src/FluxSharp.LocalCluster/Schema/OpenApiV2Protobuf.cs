using System.Text;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Schema;

/// <summary>
/// /openapi/v2 as gnostic's openapi_v2.Document protobuf (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf),
/// which kubectl before 1.29 insists on: it reads the paths to confirm the server takes the fieldValidation query
/// parameter (the PATCH operation tagged with the object's x-kubernetes-group-version-kind) and fails every
/// validating command (apply, create, diff) when the document does not parse.
/// Encodes info, paths (operations, parameters, vendor extensions) and nothing of definitions: without a model
/// kubectl computes strategic patches from its compiled-in types, as it does for any kind it finds no schema for.
/// Field numbers follow gnostic's openapiv2/OpenAPIv2.proto.
/// </summary>
public static class OpenApiV2Protobuf
{
    /// <summary>What the real server answers with (the "@" of the Accept value is not valid in a response media type).</summary>
    public const string ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    private static readonly string[] Operations = ["get", "put", "post", "delete", "options", "head", "patch"];

    /// <summary>Encodes a swagger 2.0 JSON document (as <see cref="OpenApiDocuments.V2Json"/> builds it).</summary>
    public static byte[] Encode(string v2Json)
    {
        var doc = JsonNode.Parse(v2Json) as JsonObject ?? throw new ArgumentException("not a swagger document", nameof(v2Json));
        var w = new ProtoWriter();
        w.String(1, Str(doc, "swagger"));
        if (doc["info"] is JsonObject info)
        {
            w.Message(2, i =>
            {
                i.String(1, Str(info, "title"));
                i.String(2, Str(info, "version"));
            });
        }

        if (doc["paths"] is JsonObject paths)
        {
            w.Message(8, p =>
            {
                foreach (var (name, item) in paths)
                {
                    if (item is JsonObject pathItem)
                    {
                        p.Message(2, named =>
                        {
                            named.String(1, name);
                            named.Message(2, pi => PathItem(pi, pathItem));
                        });
                    }
                }
            });
        }

        return w.ToArray();
    }

    private static void PathItem(ProtoWriter w, JsonObject item)
    {
        for (var i = 0; i < Operations.Length; i++)
        {
            if (item[Operations[i]] is JsonObject op)
            {
                w.Message(i + 2, o => Operation(o, op));
            }
        }

        Parameters(w, 9, item["parameters"]);
        VendorExtensions(w, 10, item);
    }

    private static void Operation(ProtoWriter w, JsonObject op)
    {
        foreach (var tag in Strings(op["tags"]))
        {
            w.String(1, tag);
        }

        w.String(3, Str(op, "description"));
        w.String(5, Str(op, "operationId"));
        foreach (var p in Strings(op["produces"]))
        {
            w.String(6, p);
        }

        foreach (var c in Strings(op["consumes"]))
        {
            w.String(7, c);
        }

        Parameters(w, 8, op["parameters"]);
        foreach (var s in Strings(op["schemes"]))
        {
            w.String(10, s);
        }

        VendorExtensions(w, 13, op);
    }

    /// <summary>ParametersItem: oneof { Parameter parameter = 1; JsonReference json_reference = 2; }.</summary>
    private static void Parameters(ProtoWriter w, int field, JsonNode? parameters)
    {
        foreach (var p in (parameters as JsonArray ?? []).OfType<JsonObject>())
        {
            w.Message(field, item =>
            {
                if (Str(p, "$ref") is { Length: > 0 } reference)
                {
                    item.Message(2, r => r.String(1, reference));
                    return;
                }

                item.Message(1, parameter => Parameter(parameter, p));
            });
        }
    }

    /// <summary>Parameter: oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; }.</summary>
    private static void Parameter(ProtoWriter w, JsonObject p)
    {
        var location = Str(p, "in");
        if (location == "body")
        {
            w.Message(1, b =>
            {
                b.String(1, Str(p, "description"));
                b.String(2, Str(p, "name"));
                b.String(3, location);
                b.Bool(4, Bool(p, "required"));
            });
            return;
        }

        // NonBodyParameter: header = 1, formData = 2, query = 3, path = 4. Query and formData put allow_empty_value at 5
        // and shift type by one; header and path sub-schemas have type at 5.
        var (kind, typeField) = location switch
        {
            "header" => (1, 5),
            "formData" => (2, 6),
            "path" => (4, 5),
            _ => (3, 6),
        };
        w.Message(2, nb => nb.Message(kind, s =>
        {
            s.Bool(1, Bool(p, "required"));
            s.String(2, location);
            s.String(3, Str(p, "description"));
            s.String(4, Str(p, "name"));
            s.String(typeField, Str(p, "type"));
            s.Bool(typeField == 6 ? 20 : 19, Bool(p, "uniqueItems"));
        }));
    }

    /// <summary>x-* keys as NamedAny { name = 1; Any value = 2 { string yaml = 2 } } (JSON text is valid YAML).</summary>
    private static void VendorExtensions(ProtoWriter w, int field, JsonObject obj)
    {
        foreach (var (key, value) in obj)
        {
            if (!key.StartsWith("x-", StringComparison.Ordinal) || value is null)
            {
                continue;
            }

            w.Message(field, named =>
            {
                named.String(1, key);
                named.Message(2, any => any.String(2, value.ToJsonString() + "\n"));
            });
        }
    }

    private static string? Str(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Bool(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static IEnumerable<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>();

    /// <summary>The few protobuf wire types the document needs: strings, bools and nested messages.</summary>
    private sealed class ProtoWriter
    {
        private readonly List<byte> _buffer = [];

        public void String(int field, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            Bytes(field, Encoding.UTF8.GetBytes(value));
        }

        public void Bool(int field, bool value)
        {
            if (!value)
            {
                return;
            }

            Varint((ulong)field << 3);
            Varint(1);
        }

        public void Message(int field, Action<ProtoWriter> write)
        {
            var inner = new ProtoWriter();
            write(inner);
            Bytes(field, inner.ToArray());
        }

        public byte[] ToArray() => _buffer.ToArray();

        private void Bytes(int field, byte[] bytes)
        {
            Varint(((ulong)field << 3) | 2);
            Varint((ulong)bytes.Length);
            _buffer.AddRange(bytes);
        }

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _buffer.Add((byte)(value | 0x80));
                value >>= 7;
            }

            _buffer.Add((byte)value);
        }
    }
}
