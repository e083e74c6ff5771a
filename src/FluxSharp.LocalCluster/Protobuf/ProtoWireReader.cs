namespace FluxSharp.LocalCluster.Protobuf;

/// <summary>Protobuf wire types (groups are deprecated and never used by Kubernetes).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// Reads the protobuf wire format, schema-less: tags, varints, fixed-width numbers and length-delimited
/// slices. Malformed input (truncated, over-long varints, groups) is the client's fault, hence 400.
/// </summary>
internal ref struct ProtoWireReader
{
    private readonly ReadOnlySpan<byte> data;
    private int position;

    public ProtoWireReader(ReadOnlySpan<byte> data)
    {
        this.data = data;
        position = 0;
    }

    public readonly bool AtEnd => position >= data.Length;

    public (int Field, WireType Type) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        if (field == 0 || field > int.MaxValue)
        {
            throw Malformed($"invalid field number {field}");
        }

        return ((int)field, (WireType)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw Malformed("truncated varint");
            }

            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Malformed("varint longer than 10 bytes");
    }

    public uint ReadFixed32() => BitConverter.ToUInt32(Take(4));

    public ulong ReadFixed64() => BitConverter.ToUInt64(Take(8));

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(data.Length - position))
        {
            throw Malformed("length-delimited field runs past the end");
        }

        return Take((int)length);
    }

    /// <summary>Skips a field the schema does not know (newer clients may send newer fields).</summary>
    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8);
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed32:
                Take(4);
                break;
            default:
                throw Malformed($"unsupported wire type {(int)type}");
        }
    }

    public static ApiException Malformed(string detail) =>
        ApiException.BadRequest($"the protobuf body of the request could not be decoded: {detail}");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > data.Length - position)
        {
            throw Malformed("truncated field");
        }

        var slice = data.Slice(position, count);
        position += count;
        return slice;
    }
}
