namespace Inspecta.Geometry;

/// <summary>
/// An organised scan (H × W × xyz, e.g. MVTec 3D-AD). Pixels without a measurement are invalid:
/// stored as NaN or all-zero xyz, and reported by <see cref="IsValid"/>.
/// </summary>
public sealed class OrganizedCloud
{
    public int Height { get; }
    public int Width { get; }
    /// <summary>Interleaved xyz per pixel, row-major: index (y*W + x)*3.</summary>
    public float[] Xyz { get; }

    public OrganizedCloud(int height, int width, float[] xyz)
    {
        if (xyz.Length != height * width * 3) throw new ArgumentException($"xyz length {xyz.Length} does not match {height}×{width}×3.", nameof(xyz));
        Height = height; Width = width; Xyz = xyz;
    }

    public bool IsValid(int pixel)
    {
        float x = Xyz[3 * pixel], y = Xyz[3 * pixel + 1], z = Xyz[3 * pixel + 2];
        if (float.IsNaN(x) || float.IsNaN(y) || float.IsNaN(z) || float.IsInfinity(x) || float.IsInfinity(y) || float.IsInfinity(z)) return false;
        return !(x == 0 && y == 0 && z == 0);
    }

    public override string ToString() => $"OrganizedCloud({Height}×{Width})";
}
