using System.Text;

namespace FluxSharp.LocalCluster.Tests.Protobuf;

/// <summary>
/// A minimal protobuf encoder for tests, written independently of the decoder: field numbers in the tests
/// are read off Kubernetes' generated.proto text, so a wrong schema table shows up as a failing test.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly List<byte> bytes = [];

    public ProtoWriter Varint(int field, long value)
    {
        Tag(field, 0);
        WriteVarint((ulong)value);
        return this;
    }

    public ProtoWriter Fixed32(int field, uint value)
    {
        Tag(field, 5);
        bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        bytes.AddRange(value);
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter inner) => Bytes(field, inner.ToArray());

    /// <summary>A map&lt;string,string&gt; entry: key is field 1, value field 2.</summary>
    public ProtoWriter MapEntry(int field, string key, string value) => Message(field, new ProtoWriter().String(1, key).String(2, value));

    public ProtoWriter MapEntry(int field, string key, ProtoWriter value) => Message(field, new ProtoWriter().String(1, key).Message(2, value));

    public byte[] ToArray() => [.. bytes];

    /// <summary>The "k8s\0" + runtime.Unknown envelope around an object.</summary>
    public static byte[] Envelope(string apiVersion, string kind, ProtoWriter obj, string contentEncoding = "")
    {
        var unknown = new ProtoWriter()
            .Message(1, new ProtoWriter().String(1, apiVersion).String(2, kind))
            .Message(2, obj)
            .String(3, contentEncoding)
            .String(4, string.Empty);
        return [.. "k8s\0"u8.ToArray(), .. unknown.ToArray()];
    }

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
    }
}
