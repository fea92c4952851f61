namespace Inspecta.Geometry.Meshes;

/// <summary>A small 3D vector for mesh construction and carving (not for hot per-point kernels).</summary>
public readonly record struct Vec3(float X, float Y, float Z)
{
    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);
    public static Vec3 operator *(Vec3 a, float k) => new(a.X * k, a.Y * k, a.Z * k);
    public static Vec3 operator *(float k, Vec3 a) => a * k;
    public static Vec3 operator /(Vec3 a, float k) => new(a.X / k, a.Y / k, a.Z / k);

    public float Length => MathF.Sqrt(X * X + Y * Y + Z * Z);
    public Vec3 Normalized() { float l = Length; return l > 0 ? this / l : this; }

    public static float Dot(Vec3 a, Vec3 b) => a.X * b.X + a.Y * b.Y + a.Z * b.Z;
    public static Vec3 Cross(Vec3 a, Vec3 b) => new(a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);
    public static Vec3 Min(Vec3 a, Vec3 b) => new(MathF.Min(a.X, b.X), MathF.Min(a.Y, b.Y), MathF.Min(a.Z, b.Z));
    public static Vec3 Max(Vec3 a, Vec3 b) => new(MathF.Max(a.X, b.X), MathF.Max(a.Y, b.Y), MathF.Max(a.Z, b.Z));
    public static Vec3 Lerp(Vec3 a, Vec3 b, float t) => a + (b - a) * t;

    /// <summary>Any unit vector perpendicular to this one.</summary>
    public Vec3 AnyPerpendicular()
    {
        var axis = MathF.Abs(X) < 0.9f ? new Vec3(1, 0, 0) : new Vec3(0, 1, 0);
        return Cross(this, axis).Normalized();
    }

    /// <summary>Rotates <paramref name="v"/> about the unit <paramref name="axis"/> by <paramref name="angle"/> (Rodrigues).</summary>
    public static Vec3 Rotate(Vec3 v, Vec3 axis, float angle)
    {
        float c = MathF.Cos(angle), s = MathF.Sin(angle);
        return v * c + Cross(axis, v) * s + axis * (Dot(axis, v) * (1 - c));
    }
}
