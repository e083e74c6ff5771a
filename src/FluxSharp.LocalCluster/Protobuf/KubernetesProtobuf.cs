using System.Text;
using System.Text.Json.Nodes;

namespace FluxSharp.LocalCluster.Protobuf;

/// <summary>
/// Decodes request bodies sent as application/vnd.kubernetes.protobuf (kubectl's typed clients prefer it,
/// e.g. for `kubectl create configmap`) into the JSON object the same request carries as application/json,
/// so the rest of the server only ever sees JSON. Responses stay JSON: clients accept it.
/// </summary>
public static class KubernetesProtobuf
{
    /// <summary>The media type kubectl sends.</summary>
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    /// <summary>Every Kubernetes protobuf body starts with these four bytes: "k8s\0".</summary>
    internal static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>
    /// Decodes the envelope (magic, then runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding, contentType})
    /// and the object in raw into JSON: apiVersion, kind, then the object's fields with their JSON names, omitting
    /// what Go's omitempty omits. Throws 415 UnsupportedMediaType when the kind's schema is not known, 400 on a malformed body.
    /// </summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw ProtoWireReader.Malformed("missing the \"k8s\\0\" prefix");
        }

        var envelope = ReadEnvelope(body[Magic.Length..], out var raw);
        if (envelope.ContentEncoding.Length > 0)
        {
            throw ApiException.UnsupportedMediaType($"the protobuf content encoding \"{envelope.ContentEncoding}\" is not supported");
        }

        var message = ProtoSchema.MessageForKind(envelope.ApiVersion, envelope.Kind)
            ?? throw ApiException.UnsupportedMediaType(
                $"the kind {envelope.Kind} ({envelope.ApiVersion}) cannot be decoded from protobuf; send it as application/json");

        var result = new JsonObject
        {
            ["apiVersion"] = envelope.ApiVersion,
            ["kind"] = envelope.Kind,
        };
        if (ProtoJsonDecoder.DecodeMessage(message, raw) is JsonObject fields)
        {
            foreach (var name in fields.Select(p => p.Key).ToList())
            {
                var value = fields[name];
                fields.Remove(name);
                result[name] = value;
            }
        }

        return result;
    }

    private static Envelope ReadEnvelope(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> raw)
    {
        var envelope = new Envelope();
        raw = [];
        var reader = new ProtoWireReader(data);
        while (!reader.AtEnd)
        {
            var (number, wire) = reader.ReadTag();
            if (wire != WireType.LengthDelimited)
            {
                reader.Skip(wire);
                continue;
            }

            var value = reader.ReadLengthDelimited();
            switch (number)
            {
                case 1:
                    ReadTypeMeta(value, envelope);
                    break;
                case 2:
                    raw = value;
                    break;
                case 3:
                    envelope.ContentEncoding = Encoding.UTF8.GetString(value);
                    break;
                default:
                    // 4 is contentType, which is empty or protobuf for a request body.
                    break;
            }
        }

        return envelope;
    }

    private static void ReadTypeMeta(ReadOnlySpan<byte> data, Envelope envelope)
    {
        var reader = new ProtoWireReader(data);
        while (!reader.AtEnd)
        {
            var (number, wire) = reader.ReadTag();
            if (wire != WireType.LengthDelimited || number > 2)
            {
                reader.Skip(wire);
                continue;
            }

            var text = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            if (number == 1)
            {
                envelope.ApiVersion = text;
            }
            else
            {
                envelope.Kind = text;
            }
        }
    }

    private sealed class Envelope
    {
        public string ApiVersion { get; set; } = string.Empty;

        public string Kind { get; set; } = string.Empty;

        public string ContentEncoding { get; set; } = string.Empty;
    }
}
