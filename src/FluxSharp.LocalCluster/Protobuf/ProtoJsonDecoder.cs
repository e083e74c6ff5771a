using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Protobuf;

/// <summary>
/// Turns one protobuf message into the JSON its Go type would marshal to, driven by the schema table.
/// Scalars become JSON scalars, bytes base64, maps objects, repeated fields arrays. A field is written
/// only when it was on the wire (never invented); Go's omitempty drops zero non-pointer scalars.
/// A handful of apimachinery types have their own JSON form and are decoded by hand.
/// </summary>
internal static class ProtoJsonDecoder
{
    private const string Meta = "k8s.io.apimachinery.pkg.apis.meta.v1.";

    public static JsonNode? DecodeMessage(string messageName, ReadOnlySpan<byte> data)
    {
        switch (messageName)
        {
            case Meta + "Time":
                return DecodeTime(data, micro: false);
            case Meta + "MicroTime":
                return DecodeTime(data, micro: true);
            case Meta + "Duration":
                return GoJsonFormat.Duration((long)FlatFields.Read(data).Number(1));
            case Meta + "FieldsV1":
            case "k8s.io.apimachinery.pkg.runtime.RawExtension":
                return DecodeRawJson(FlatFields.Read(data).Bytes(1));
            case "k8s.io.apimachinery.pkg.api.resource.Quantity":
                // Quantity travels as its canonical string; Go's zero Quantity marshals as "0".
                var quantity = FlatFields.Read(data).Bytes(1);
                return quantity.Length == 0 ? "0" : Encoding.UTF8.GetString(quantity);
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
                return DecodeIntOrString(data);
            default:
                break;
        }

        var schema = ProtoSchema.Message(messageName)
            ?? throw ApiException.UnsupportedMediaType($"the protobuf message {messageName} is not supported; send the request as application/json");
        return DecodeWithSchema(schema, data);
    }

    private static JsonNode DecodeWithSchema(ProtoMessage schema, ReadOnlySpan<byte> data)
    {
        var values = new JsonNode?[schema.Fields.Count];
        var reader = new ProtoWireReader(data);
        while (!reader.AtEnd)
        {
            var (number, wire) = reader.ReadTag();
            var index = schema.IndexOf(number);
            if (index < 0)
            {
                reader.Skip(wire);
                continue;
            }

            var field = schema.Fields[index];
            if (field.MapKey is not null)
            {
                Expect(wire, WireType.LengthDelimited, schema, field);
                var map = values[index] as JsonObject ?? new JsonObject();
                values[index] = map;
                var (key, value) = DecodeMapEntry(field, reader.ReadLengthDelimited());
                map[key] = value;
            }
            else if (field.Repeated)
            {
                var list = values[index] as JsonArray ?? new JsonArray();
                values[index] = list;
                if (wire == WireType.LengthDelimited && IsNumeric(field.Type.Kind))
                {
                    // Packed repeated numbers: one length-delimited run of values.
                    var packed = new ProtoWireReader(reader.ReadLengthDelimited());
                    while (!packed.AtEnd)
                    {
                        list.Add(ReadValue(ref packed, ExpectedWireType(field.Type.Kind), field.Type));
                    }
                }
                else
                {
                    list.Add(ReadValue(ref reader, wire, field.Type));
                }
            }
            else
            {
                Expect(wire, ExpectedWireType(field.Type.Kind), schema, field);
                values[index] = ReadValue(ref reader, wire, field.Type);
            }
        }

        if (schema.ListWrapper)
        {
            // ExtraValue and friends: "items, if empty, will result in an empty slice".
            return values[0] ?? new JsonArray();
        }

        var result = new JsonObject();
        for (var i = 0; i < values.Length; i++)
        {
            var field = schema.Fields[i];
            var value = values[i];
            if (value is null || (field.OmitZero && IsZero(value)))
            {
                continue;
            }

            if (field.Inline && value is JsonObject inner)
            {
                foreach (var name in inner.Select(p => p.Key).ToList())
                {
                    var moved = inner[name];
                    inner.Remove(name);
                    result[name] = moved;
                }
            }
            else
            {
                result[field.JsonName] = value;
            }
        }

        return result;
    }

    private static (string Key, JsonNode? Value) DecodeMapEntry(ProtoField field, ReadOnlySpan<byte> entry)
    {
        JsonNode? key = null;
        JsonNode? value = null;
        var seenValue = false;
        var reader = new ProtoWireReader(entry);
        while (!reader.AtEnd)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1)
            {
                key = ReadValue(ref reader, wire, field.MapKey!);
            }
            else if (number == 2)
            {
                value = ReadValue(ref reader, wire, field.Type);
                seenValue = true;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        // A missing key or value is its zero value, as for any proto3-style map entry.
        if (!seenValue)
        {
            value = field.Type.Kind == ProtoKind.Message
                ? DecodeMessage(field.Type.MessageName!, [])
                : ZeroOf(field.Type.Kind);
        }

        var keyText = key switch
        {
            null => string.Empty,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => key.ToJsonString(),
        };
        return (keyText, value);
    }

    private static JsonNode? ReadValue(ref ProtoWireReader reader, WireType wire, ProtoType type)
    {
        if (wire != ExpectedWireType(type.Kind))
        {
            throw ProtoWireReader.Malformed($"wire type {(int)wire} where {type.MessageName ?? type.Kind.ToString()} was expected");
        }

        return type.Kind switch
        {
            ProtoKind.String => Encoding.UTF8.GetString(reader.ReadLengthDelimited()),
            ProtoKind.Bytes => Convert.ToBase64String(reader.ReadLengthDelimited()),
            ProtoKind.Bool => reader.ReadVarint() != 0,
            ProtoKind.Int32 => (int)(long)reader.ReadVarint(),
            ProtoKind.Int64 => (long)reader.ReadVarint(),
            ProtoKind.UInt32 => (uint)reader.ReadVarint(),
            ProtoKind.UInt64 => reader.ReadVarint(),
            ProtoKind.SInt32 => (int)ZigZag(reader.ReadVarint()),
            ProtoKind.SInt64 => ZigZag(reader.ReadVarint()),
            ProtoKind.Double => BitConverter.UInt64BitsToDouble(reader.ReadFixed64()),
            ProtoKind.Float => BitConverter.UInt32BitsToSingle(reader.ReadFixed32()),
            _ => DecodeMessage(type.MessageName!, reader.ReadLengthDelimited()),
        };
    }

    /// <summary>metav1.Time/MicroTime: an empty message is the zero time, which Go marshals as null (so the field is left out).</summary>
    private static JsonNode? DecodeTime(ReadOnlySpan<byte> data, bool micro)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        var fields = FlatFields.Read(data);
        var seconds = (long)fields.Number(1);
        return micro ? GoJsonFormat.MicroTime(seconds, (int)(long)fields.Number(2)) : GoJsonFormat.Time(seconds);
    }

    /// <summary>intstr.IntOrString: type 0 is the int (a JSON number), type 1 the string.</summary>
    private static JsonNode DecodeIntOrString(ReadOnlySpan<byte> data)
    {
        var fields = FlatFields.Read(data);
        return fields.Number(1) == 1
            ? Encoding.UTF8.GetString(fields.Bytes(3))
            : JsonValue.Create((int)(long)fields.Number(2));
    }

    /// <summary>
    /// RawExtension and FieldsV1 carry JSON bytes; nil marshals as null. An embedded protobuf object is
    /// refused rather than decoded: Go would echo its bytes unreadable, and refusing keeps decoding
    /// non-recursive (the schema itself has no cycles, so nesting depth stays bounded).
    /// </summary>
    private static JsonNode? DecodeRawJson(byte[] raw)
    {
        if (raw.Length == 0)
        {
            return null;
        }

        if (raw.AsSpan().StartsWith(KubernetesProtobuf.Magic))
        {
            throw ApiException.UnsupportedMediaType("an object embedded as protobuf in a RawExtension is not supported; send the request as application/json");
        }

        try
        {
            return JsonNode.Parse(raw);
        }
        catch (JsonException e)
        {
            throw ProtoWireReader.Malformed($"embedded raw object is neither JSON nor protobuf: {e.Message}");
        }
    }

    private static void Expect(WireType actual, WireType expected, ProtoMessage schema, ProtoField field)
    {
        if (actual != expected)
        {
            throw ProtoWireReader.Malformed($"{schema.Name} field {field.Number} has wire type {(int)actual}, expected {(int)expected}");
        }
    }

    private static bool IsZero(JsonNode value) => value is JsonValue v && v.GetValueKind() switch
    {
        JsonValueKind.String => v.GetValue<string>().Length == 0,
        JsonValueKind.False => true,
        JsonValueKind.Number => v.ToJsonString() == "0",
        _ => false,
    };

    private static JsonNode ZeroOf(ProtoKind kind) => kind switch
    {
        ProtoKind.String or ProtoKind.Bytes => string.Empty,
        ProtoKind.Bool => false,
        _ => 0,
    };

    private static bool IsNumeric(ProtoKind kind) => kind is not (ProtoKind.String or ProtoKind.Bytes or ProtoKind.Message);

    private static WireType ExpectedWireType(ProtoKind kind) => kind switch
    {
        ProtoKind.String or ProtoKind.Bytes or ProtoKind.Message => WireType.LengthDelimited,
        ProtoKind.Double => WireType.Fixed64,
        ProtoKind.Float => WireType.Fixed32,
        _ => WireType.Varint,
    };

    private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>The last varint and bytes value of each field of a small flat message (the hand-decoded apimachinery types).</summary>
    private sealed class FlatFields
    {
        private readonly Dictionary<int, ulong> numbers = [];
        private readonly Dictionary<int, byte[]> bytes = [];

        public static FlatFields Read(ReadOnlySpan<byte> data)
        {
            var fields = new FlatFields();
            var reader = new ProtoWireReader(data);
            while (!reader.AtEnd)
            {
                var (number, wire) = reader.ReadTag();
                switch (wire)
                {
                    case WireType.Varint:
                        fields.numbers[number] = reader.ReadVarint();
                        break;
                    case WireType.LengthDelimited:
                        fields.bytes[number] = reader.ReadLengthDelimited().ToArray();
                        break;
                    default:
                        reader.Skip(wire);
                        break;
                }
            }

            return fields;
        }

        public ulong Number(int field) => numbers.GetValueOrDefault(field);

        public byte[] Bytes(int field) => bytes.GetValueOrDefault(field) ?? [];
    }
}
