namespace Inspecta.Geometry;

/// <summary>The storage type a field had in (or should get in) a file.</summary>
public enum PointFieldType { Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float32, Float64 }

/// <summary>
/// A named per-point field with <see cref="Components"/> values per point (PCD COUNT; e.g. 33 for an FPFH
/// signature). Values are held as double, which is exact for every type except 64-bit integers beyond 2^53.
/// </summary>
public sealed class PointField
{
    public string Name { get; }
    public PointFieldType Type { get; }
    public int Components { get; }
    /// <summary>Point-major: value c of point i is at i*Components + c.</summary>
    public double[] Values { get; }

    public PointField(string name, PointFieldType type, int components, double[] values)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace)) throw new ArgumentException($"Invalid field name '{name}'.", nameof(name));
        if (components <= 0 || values.Length % components != 0) throw new ArgumentException($"Field '{name}': {values.Length} values is not a multiple of {components} components.");
        Name = name; Type = type; Components = components; Values = values;
    }

    public float[] ToFloatArray()
    {
        var r = new float[Values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (float)Values[i];
        return r;
    }

    public static int SizeOf(PointFieldType t) => t switch
    {
        PointFieldType.Int8 or PointFieldType.UInt8 => 1,
        PointFieldType.Int16 or PointFieldType.UInt16 => 2,
        PointFieldType.Int32 or PointFieldType.UInt32 or PointFieldType.Float32 => 4,
        _ => 8,
    };

    public override string ToString() => Components == 1 ? $"{Name}:{Type}" : $"{Name}:{Type}[{Components}]";
}
