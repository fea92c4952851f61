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

    public int PixelCount => Height * Width;

    public bool IsValid(int pixel)
    {
        float x = Xyz[3 * pixel], y = Xyz[3 * pixel + 1], z = Xyz[3 * pixel + 2];
        if (float.IsNaN(x) || float.IsNaN(y) || float.IsNaN(z) || float.IsInfinity(x) || float.IsInfinity(y) || float.IsInfinity(z)) return false;
        return !(x == 0 && y == 0 && z == 0);
    }

    /// <summary>The valid pixels as an unorganised cloud; <paramref name="pixelIndex"/>[i] is the pixel (y*W + x) of point i.</summary>
    public PointCloud ToPointCloud(out int[] pixelIndex)
    {
        int valid = 0;
        for (int p = 0; p < PixelCount; p++) if (IsValid(p)) valid++;
        pixelIndex = new int[valid];
        var pos = new float[3 * valid];
        for (int p = 0, k = 0; p < PixelCount; p++)
        {
            if (!IsValid(p)) continue;
            pixelIndex[k] = p;
            Xyz.AsSpan(3 * p, 3).CopyTo(pos.AsSpan(3 * k));
            k++;
        }
        return new PointCloud(pos);
    }

    /// <summary>Every pixel as an organised <see cref="PointCloud"/> (W × H), invalid pixels as NaN.</summary>
    public PointCloud ToPointCloudWithInvalidAsNaN()
    {
        var pos = (float[])Xyz.Clone();
        for (int p = 0; p < PixelCount; p++)
            if (!IsValid(p)) pos[3 * p] = pos[3 * p + 1] = pos[3 * p + 2] = float.NaN;
        var cloud = new PointCloud(pos);
        cloud.SetOrganized(Width, Height);
        return cloud;
    }

    public override string ToString() => $"OrganizedCloud({Height}×{Width})";
}
