using System.Buffers.Binary;

namespace Inspecta.Geometry.IO;

/// <summary>Reads and writes one scalar of a <see cref="PointFieldType"/> at a byte position, in either byte order.</summary>
internal static class BinaryValues
{
    public static double Read(ReadOnlySpan<byte> b, PointFieldType type, bool bigEndian) => type switch
    {
        PointFieldType.Int8 => (sbyte)b[0],
        PointFieldType.UInt8 => b[0],
        PointFieldType.Int16 => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
        PointFieldType.UInt16 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
        PointFieldType.Int32 => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
        PointFieldType.UInt32 => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
        PointFieldType.Int64 => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
        PointFieldType.UInt64 => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b),
        PointFieldType.Float32 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
        PointFieldType.Float64 => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Raw 32-bit pattern of a 4-byte field (packed PCD rgb/rgba are stored as float or uint bits).</summary>
    public static uint ReadBits32(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    public static void Write(Span<byte> b, PointFieldType type, double v, bool bigEndian)
    {
        switch (type)
        {
            case PointFieldType.Int8: b[0] = (byte)(sbyte)v; break;
            case PointFieldType.UInt8: b[0] = (byte)v; break;
            case PointFieldType.Int16: if (bigEndian) BinaryPrimitives.WriteInt16BigEndian(b, (short)v); else BinaryPrimitives.WriteInt16LittleEndian(b, (short)v); break;
            case PointFieldType.UInt16: if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); break;
            case PointFieldType.Int32: if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(b, (int)v); else BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); break;
            case PointFieldType.UInt32: if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, (uint)v); else BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)v); break;
            case PointFieldType.Int64: if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(b, (long)v); else BinaryPrimitives.WriteInt64LittleEndian(b, (long)v); break;
            case PointFieldType.UInt64: if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)v); else BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)v); break;
            case PointFieldType.Float32: if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(b, (float)v); else BinaryPrimitives.WriteSingleLittleEndian(b, (float)v); break;
            case PointFieldType.Float64: if (bigEndian) BinaryPrimitives.WriteDoubleBigEndian(b, v); else BinaryPrimitives.WriteDoubleLittleEndian(b, v); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    public static bool IsInteger(PointFieldType t) => t is not (PointFieldType.Float32 or PointFieldType.Float64);

    /// <summary>Formats a value so that parsing it back gives the identical value of that type.</summary>
    public static string Format(double v, PointFieldType type) => type switch
    {
        PointFieldType.Float32 or PointFieldType.Float64 when double.IsNaN(v) => double.IsNegative(v) ? "-nan" : "nan",
        PointFieldType.Float32 => ((float)v).ToString("R", System.Globalization.CultureInfo.InvariantCulture).ToLowerInvariant(),
        PointFieldType.Float64 => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture).ToLowerInvariant(),
        PointFieldType.UInt64 => ((ulong)v).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
